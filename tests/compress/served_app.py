"""The app tests/compress/test_served.py serves with gunicorn and uvicorn."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import AsyncIterator, Iterator
from typing import Any

from kolben import Kolben, Response
from kolben.compress import Compress

BIG = {"items": [{"id": i, "name": f"item {i}"} for i in range(3000)]}
LINE = "a line of a streamed report, " * 10 + "\n"
#: Set by /release: the held streams send their rest.
released = threading.Event()

app = Kolben(__name__)
Compress(app)


@app.get("/ping")
def ping() -> str:
    return "pong"


@app.get("/big")
def big() -> Any:
    return BIG


@app.get("/release")
def release() -> str:
    released.set()
    return "released"


@app.get("/held")
def held() -> Response:
    """Send one chunk, then wait for /release before the rest."""
    released.clear()

    def chunks() -> Iterator[str]:
        yield LINE
        released.wait(10)
        for _ in range(99):
            yield LINE

    return Response(chunks(), mimetype="text/plain")


@app.get("/aheld")
async def aheld() -> Response:
    """As /held, from an async iterable."""
    released.clear()

    async def chunks() -> AsyncIterator[str]:
        yield LINE
        deadline = time.monotonic() + 10
        while not released.is_set() and time.monotonic() < deadline:
            await asyncio.sleep(0.01)
        for _ in range(99):
            yield LINE

    return Response(chunks(), mimetype="text/plain")
