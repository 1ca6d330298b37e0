"""kolben: ``@app.websocket`` and ``stream_events``."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from kolben import Kolben, Response, request, stream_events, websocket

app = Kolben(__name__)


@app.websocket("/ws/echo")
async def echo() -> None:
    async for message in websocket:
        await websocket.send(message)


@app.get("/events")
async def events() -> Response:
    n = request.args.get("n", 100, type=int)

    async def ticks() -> AsyncIterator[dict[str, Any]]:
        for i in range(n):
            yield {"event": "tick", "data": str(i)}

    return stream_events(ticks())
