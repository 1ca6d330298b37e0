"""The app the real-time end-to-end tests serve: WebSockets, SSE, tasks.

Served by uvicorn (both WebSocket implementations), hypercorn and gunicorn
on loopback ports; the tests talk to it with real clients.
"""

from __future__ import annotations

import asyncio
import os
import threading
import time
from collections.abc import AsyncIterator, Iterator
from typing import Any

from kolben import Kolben, g, request, session, stream_events, websocket
from kolben.broadcast import Broadcast

MAX_MESSAGE_SIZE = 64 * 1024

app = Kolben(__name__)
app.config.update(
    SECRET_KEY="e2e-realtime",
    WEBSOCKET_MAX_MESSAGE_SIZE=MAX_MESSAGE_SIZE,
)

#: What the teardown and the generators saw; read back through /state.
STATE: dict[str, Any] = {"torn_down": [], "closed": [], "tasks": []}
_lock = threading.Lock()


def _record(key: str, value: Any) -> None:
    with _lock:
        STATE[key].append(value)


@app.get("/ping")
def ping() -> str:
    return "pong"


@app.get("/state")
def state() -> dict[str, Any]:
    with _lock:
        return {k: list(v) for k, v in STATE.items()}


@app.get("/login")
def login() -> str:
    session["user"] = request.args.get("user", "ada")
    return "ok"


@app.websocket("/ws/echo")
async def echo() -> None:
    async for message in websocket:
        await websocket.send(message)


@app.websocket("/ws/json")
async def echo_json() -> None:
    while True:
        data = await websocket.receive_json()
        await websocket.send_json({"got": data, "user": session.get("user")})


@app.websocket("/ws/proto")
async def proto() -> None:
    offered = websocket.requested_subprotocols
    chosen = "chat.v2" if "chat.v2" in offered else None
    await websocket.accept(subprotocol=chosen, headers={"X-Room": "lobby"})
    await websocket.send(",".join(offered))


@app.websocket("/ws/deny")
async def deny() -> tuple[str, int]:
    return "members only", 401


@app.websocket("/ws/stream/<name>")
async def stream(name: str) -> None:
    g.name = name
    n = 0
    while True:  # until the client leaves: then send raises ConnectionClosed
        await websocket.send(f"{name} {n}")
        n += 1
        await asyncio.sleep(0.01)


@app.websocket("/ws/held")
async def held() -> None:
    message = await websocket.receive()
    await websocket.send(f"ok {message!s}")
    await websocket.receive()  # held open until the client closes


@app.teardown_websocket
def note_teardown(exc: BaseException | None) -> None:
    name = g.get("name")
    if name is not None:
        _record("torn_down", name)


def _ticks(name: str) -> Iterator[dict[str, Any]]:
    try:
        n = 0
        while True:
            yield {"event": "tick", "id": str(n), "data": {"n": n}}
            n += 1
            time.sleep(0.05)
    finally:
        _record("closed", name)


async def _async_ticks(name: str) -> AsyncIterator[dict[str, Any]]:
    try:
        n = 0
        while True:
            yield {"event": "tick", "id": str(n), "data": {"n": n}}
            n += 1
            await asyncio.sleep(0.05)
    finally:
        _record("closed", name)


@app.get("/events/sync/<name>")
def sync_events(name: str) -> Any:
    return stream_events(_ticks(name), ping=0.2)


@app.get("/events/async/<name>")
async def async_events(name: str) -> Any:
    return stream_events(_async_ticks(name), ping=0.2)


@app.get("/events/quiet")
def quiet_events() -> Any:
    def gen() -> Iterator[str]:
        time.sleep(0.5)
        yield "finally"

    return stream_events(gen(), ping=0.1)


#: The folder the background tasks write their marker files in.
TASK_DIR_ENV = "KOLBEN_E2E_TASK_DIR"


def _slow_task(name: str, seconds: float) -> None:
    time.sleep(seconds)
    _record("tasks", name)
    folder = os.environ.get(TASK_DIR_ENV)
    if folder:
        with open(os.path.join(folder, name), "w", encoding="utf-8") as file:
            file.write("done")


@app.post("/task/<name>")
def start_task(name: str) -> tuple[str, int]:
    app.add_background_task(_slow_task, name, float(request.args["seconds"]))
    return "accepted", 202


#: The broadcast URL; the cross-process test sets a redis:// one.
BROADCAST_URL_ENV = "KOLBEN_E2E_BROADCAST_URL"
hub = Broadcast(os.environ.get(BROADCAST_URL_ENV, "memory://"))
hub.init_app(app)


@app.websocket("/ws/room/<room>")
async def room(room: str) -> None:
    async with hub.subscribe(room) as events:
        await websocket.send("ready")

        async def relay() -> None:
            async for event in events:
                await websocket.send(event.message)

        relaying = asyncio.ensure_future(relay())
        try:
            async for message in websocket:
                await hub.publish(room, str(message))
        finally:
            relaying.cancel()
