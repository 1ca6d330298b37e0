"""The benchmark app with no framework: a WSGI and an ASGI callable by hand.

It answers the same contract with as little work as Python allows (a dict for
the static paths, one regex per kind of dynamic path, no request or response
objects), so under a server it measures the server alone: the most any
framework could reach there. ``bench.served`` prints it as the ceiling.
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from . import HELLO, OTHER_ROUTES, other_text

_TEXT = "text/plain; charset=utf-8"
_JSON = "application/json"
_USER = re.compile(r"/users/([0-9]+)")
_OTHER = re.compile(r"/api/v1/r([0-9]+)/([0-9]+)/items/([^/]+)")


def _answer(path: str) -> tuple[int, str, bytes]:
    """Return the status, Content-Type and body for ``path``."""
    if path == "/plaintext" or path == "/text-headers":
        return 200, _TEXT, HELLO.encode()
    if path == "/json":
        return 200, _JSON, json.dumps({"message": HELLO}).encode()
    found = _USER.fullmatch(path)
    if found is not None:
        user = int(found.group(1))
        return 200, _JSON, json.dumps({"id": user, "name": f"user{user}"}).encode()
    found = _OTHER.fullmatch(path)
    if found is not None and int(found.group(1)) < OTHER_ROUTES:
        i, x, name = int(found.group(1)), int(found.group(2)), found.group(3)
        return 200, _TEXT, other_text(i, x, name).encode()
    return 404, _TEXT, b"Not Found"


def wsgi_app(
    environ: dict[str, Any], start_response: Callable[..., Any]
) -> Iterable[bytes]:
    """Answer one WSGI request."""
    status, content_type, body = _answer(environ["PATH_INFO"])
    reason = "OK" if status == 200 else "NOT FOUND"
    headers = [("Content-Type", content_type), ("Content-Length", str(len(body)))]
    start_response(f"{status} {reason}", headers)
    return [body]


async def asgi_app(
    scope: dict[str, Any],
    receive: Callable[[], Awaitable[dict[str, Any]]],
    send: Callable[[dict[str, Any]], Awaitable[None]],
) -> None:
    """Answer one ASGI HTTP request; accept lifespan and do nothing."""
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return
    status, content_type, body = _answer(scope["path"])
    headers = [
        (b"content-type", content_type.encode()),
        (b"content-length", str(len(body)).encode()),
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
