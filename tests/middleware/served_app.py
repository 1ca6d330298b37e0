"""The app tests/middleware/test_served.py serves with gunicorn and uvicorn."""

from __future__ import annotations

import os
from typing import Any

from kolben import Kolben, request, url_for, websocket

app = Kolben(__name__)
if os.environ.get("KOLBEN_TEST_PROXY_FIX") == "1":
    app.config["PROXY_FIX"] = {"x_for": 1, "x_proto": 1, "x_host": 1}


@app.get("/ping")
def ping() -> str:
    return "pong"


@app.get("/where")
def where() -> dict[str, Any]:
    return {
        "remote_addr": request.remote_addr,
        "external": url_for("where", _external=True),
    }


@app.websocket("/ws/where")
async def ws_where() -> None:
    await websocket.send_json(
        {"remote_addr": websocket.remote_addr, "url": websocket.url}
    )
