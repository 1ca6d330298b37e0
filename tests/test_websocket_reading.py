"""How a WebSocket view learns that its client left, however it uses the socket.

A view that receives gets the disconnect from ``receive()``. A view that
only sends learns it too: after two sends with no receive, messages are
read ahead by a task (some servers drop sends to a gone client silently).
"""

from __future__ import annotations

import asyncio
from typing import Any

from kolben import ConnectionClosed, Kolben, websocket


def make_app() -> Kolben:
    app = Kolben(__name__)
    app.config.update(TESTING=True)
    return app


def test_a_view_that_only_sends_learns_the_client_left() -> None:
    app = make_app()
    ended: list[Any] = []

    @app.websocket("/push")
    async def push() -> None:
        n = 0
        try:
            while True:
                await websocket.send(str(n))
                n += 1
                await asyncio.sleep(0.001)
        except ConnectionClosed as e:
            ended.append(e.code)

    with app.test_client().websocket("/push") as ws:
        assert [ws.receive() for _ in range(3)] == ["0", "1", "2"]
    assert ended == [1000]


def test_a_view_that_sends_then_receives_gets_messages_read_ahead() -> None:
    app = make_app()

    @app.websocket("/hello")
    async def hello() -> None:
        await websocket.send("hello")
        await websocket.send("say something")
        # Reading ahead started with the second send; receive() now takes
        # from what was read.
        while True:
            await websocket.send(f"got {await websocket.receive()!r}")

    with app.test_client().websocket("/hello") as ws:
        assert ws.receive() == "hello"
        assert ws.receive() == "say something"
        ws.send("a")
        ws.send(b"b")
        assert ws.receive() == "got 'a'"
        assert ws.receive() == "got b'b'"


def test_sending_while_a_receive_waits_reads_nothing_ahead() -> None:
    app = make_app()
    states: list[bool] = []

    @app.websocket("/chat")
    async def chat() -> None:
        async def tick() -> None:
            for i in range(3):
                await websocket.send(f"tick {i}")
            states.append(websocket._inbox is None)

        ticking = asyncio.ensure_future(tick())
        async for message in websocket:  # waiting while tick() sends
            await websocket.send(f"echo {message!r}")
        await ticking

    with app.test_client().websocket("/chat") as ws:
        assert [ws.receive() for _ in range(3)] == ["tick 0", "tick 1", "tick 2"]
        ws.send("x")
        assert ws.receive() == "echo 'x'"
    assert states == [True]


def scope() -> dict[str, Any]:
    return {
        "type": "websocket",
        "asgi": {"version": "3.0"},
        "scheme": "ws",
        "path": "/ws",
        "raw_path": b"/ws",
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"localhost")],
        "client": ("127.0.0.1", 1),
        "server": ("127.0.0.1", 80),
        "subprotocols": [],
    }


def run_failing_server(app: Kolben, after: int) -> list[dict[str, Any]]:
    """Serve ``/ws`` with a server whose receive fails after ``after`` calls."""
    sent: list[dict[str, Any]] = []
    calls = 0

    async def receive() -> dict[str, Any]:
        nonlocal calls
        calls += 1
        if calls == 1:
            return {"type": "websocket.connect"}
        if calls <= after:
            return {"type": "websocket.receive", "text": "hi"}
        raise OSError("the server lost the connection")

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    async def serve() -> None:
        await app.asgi_app(scope(), receive, send)

    asyncio.run(serve())
    return sent


def test_a_failing_server_receive_is_a_lost_client() -> None:
    app = make_app()
    seen: list[Any] = []

    @app.websocket("/ws")
    async def view() -> None:
        try:
            while True:
                seen.append(await websocket.receive())
        except ConnectionClosed as e:
            seen.append(e.code)

    run_failing_server(app, after=2)
    assert seen == ["hi", 1006]


def test_a_failing_server_receive_ends_a_view_that_only_sends() -> None:
    app = make_app()
    seen: list[Any] = []

    @app.websocket("/ws")
    async def view() -> None:
        try:
            while True:
                await websocket.send("x")
                await asyncio.sleep(0)
        except ConnectionClosed as e:
            seen.append(e.code)

    sent = run_failing_server(app, after=1)
    assert seen == [1006]
    assert sent[0]["type"] == "websocket.accept"
