"""Quart: ``@app.websocket`` and a streamed response, as its docs show SSE."""

from __future__ import annotations

from collections.abc import AsyncIterator

from quart import Quart, Response, request, websocket

app = Quart(__name__)


@app.websocket("/ws/echo")
async def echo() -> None:
    while True:
        await websocket.send(await websocket.receive())


@app.get("/events")
async def events() -> Response:
    n = request.args.get("n", 100, type=int)

    async def ticks() -> AsyncIterator[bytes]:
        for i in range(n):
            yield f"event: tick\ndata: {i}\n\n".encode()

    response = Response(
        ticks(),
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
        mimetype="text/event-stream",
    )
    response.timeout = None  # the stream may outlast RESPONSE_TIMEOUT
    return response
