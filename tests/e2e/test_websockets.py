"""WebSockets through real ASGI servers and a real client (``websockets``)."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterator

import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.typing import Origin, Subprotocol

from tests.e2e._live import (
    TIMEOUT,
    WEBSOCKET_SERVERS,
    LiveServer,
    fetch,
    start_server,
    stop_server,
)

pytestmark = pytest.mark.e2e

APP = "tests.e2e.realtime_app:app"
#: Concurrent connections held open at once here; tests/load holds 500.
CONNECTIONS = 50


#: The servers of tests/load's WebSocket tests, and granian's ASGI interface.
SERVERS = [*WEBSOCKET_SERVERS, "granian-asgi"]


@pytest.fixture(scope="module", params=SERVERS)
def server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    name = str(request.param)
    live = start_server(name, tmp_path_factory.mktemp(name), {}, app=APP)
    yield live
    stop_server(live)
    assert "Traceback" not in live.log(), live.log()


def ws_url(server: LiveServer, path: str) -> str:
    return server.url.replace("http://", "ws://") + path


def hold_connections(url: str, count: int, seconds: float = 30) -> None:
    """Open ``count`` connections at once, each answered, then close them all.

    :param url: a ``/ws/held`` URL.
    :param count: the number of connections.
    :param seconds: the bound on the whole exchange.
    """

    async def one(i: int, opened: list[ClientConnection]) -> None:
        ws = await connect(url, open_timeout=TIMEOUT)
        opened.append(ws)
        await ws.send(str(i))
        assert await ws.recv() == f"ok {i}"

    async def go() -> None:
        opened: list[ClientConnection] = []
        try:
            await asyncio.gather(*(one(i, opened) for i in range(count)))
            assert len(opened) == count  # all open at once
        finally:
            await asyncio.gather(*(ws.close() for ws in opened))

    asyncio.run(asyncio.wait_for(go(), seconds))


def run(coro: object) -> None:
    asyncio.run(asyncio.wait_for(coro, TIMEOUT))  # type: ignore[arg-type]


def test_echo_text_and_binary(server: LiveServer) -> None:
    async def go() -> None:
        async with connect(ws_url(server, "/ws/echo")) as ws:
            await ws.send("hello")
            assert await ws.recv() == "hello"
            await ws.send(b"\x00\xff")
            assert await ws.recv() == b"\x00\xff"

    run(go())


def test_json_with_the_session_of_the_handshake(server: LiveServer) -> None:
    login = fetch(server.url, "GET", "/login?user=grace")
    cookie = login.headers["Set-Cookie"].split(";")[0]

    async def go() -> None:
        async with connect(
            ws_url(server, "/ws/json"), additional_headers={"Cookie": cookie}
        ) as ws:
            await ws.send('{"n": 1}')
            reply = json.loads(await ws.recv())
            assert reply == {"got": {"n": 1}, "user": "grace"}

    run(go())


def test_subprotocol_negotiation(server: LiveServer) -> None:
    async def go() -> None:
        async with connect(
            ws_url(server, "/ws/proto"),
            subprotocols=[Subprotocol("chat.v1"), Subprotocol("chat.v2")],
        ) as ws:
            assert ws.subprotocol == "chat.v2"
            assert ws.response is not None
            # granian sends no headers of the ASGI accept message (2.8).
            if server.name != "granian-asgi":
                assert ws.response.headers["X-Room"] == "lobby"
            assert await ws.recv() == "chat.v1,chat.v2"

    run(go())


def test_rejection_before_accept_answers_http(server: LiveServer) -> None:
    async def go() -> None:
        with pytest.raises(InvalidStatus) as refused:
            async with connect(ws_url(server, "/ws/deny")):
                pass
        assert refused.value.response.status_code == 401
        assert bytes(refused.value.response.body or b"") == b"members only"

    run(go())


def test_a_foreign_origin_is_refused(server: LiveServer) -> None:
    async def go() -> None:
        with pytest.raises(InvalidStatus) as refused:
            async with connect(
                ws_url(server, "/ws/echo"), origin=Origin("http://evil.example")
            ):
                pass
        assert refused.value.response.status_code == 403
        own = Origin(f"http://127.0.0.1:{server.port}")
        async with connect(ws_url(server, "/ws/echo"), origin=own) as ws:
            await ws.send("mine")
            assert await ws.recv() == "mine"

    run(go())


def test_a_message_over_the_limit_closes_with_1009(server: LiveServer) -> None:
    async def go() -> None:
        async with connect(ws_url(server, "/ws/echo"), max_size=None) as ws:
            await ws.send("x" * (1024 * 1024))  # 1 MiB, limit 64 KiB
            with pytest.raises(ConnectionClosed) as closed:
                await ws.recv()
            assert closed.value.rcvd is not None
            assert closed.value.rcvd.code == 1009

    run(go())


def test_client_disconnect_mid_stream_runs_teardown(server: LiveServer) -> None:
    name = f"s{time.monotonic_ns()}"

    async def go() -> None:
        async with connect(ws_url(server, f"/ws/stream/{name}")) as ws:
            assert await ws.recv() == f"{name} 0"
            assert await ws.recv() == f"{name} 1"

    run(go())
    deadline = time.monotonic() + TIMEOUT
    while name not in fetch(server.url, "GET", "/state").json()["torn_down"]:
        assert time.monotonic() < deadline, "teardown did not run"
        time.sleep(0.05)


def test_served_http_still_works(server: LiveServer) -> None:
    assert fetch(server.url, "GET", "/ping").text == "pong"
    reply = fetch(server.url, "GET", "/ws/echo")
    assert reply.status == 400


def test_concurrent_connections_held_and_answered(server: LiveServer) -> None:
    hold_connections(ws_url(server, "/ws/held"), CONNECTIONS)
