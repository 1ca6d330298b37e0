"""Starlette: a WebSocket endpoint and a StreamingResponse of events.

Starlette has no SSE helper of its own (sse-starlette is a separate
package); its documentation streams with ``StreamingResponse``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import StreamingResponse
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect


async def echo(ws: WebSocket) -> None:
    await ws.accept()
    try:
        while True:
            await ws.send_text(await ws.receive_text())
    except WebSocketDisconnect:
        pass


async def events(request: Request) -> StreamingResponse:
    n = int(request.query_params.get("n", 100))

    async def ticks() -> AsyncIterator[str]:
        for i in range(n):
            yield f"event: tick\ndata: {i}\n\n"

    return StreamingResponse(
        ticks(),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


app = Starlette(routes=[WebSocketRoute("/ws/echo", echo), Route("/events", events)])
