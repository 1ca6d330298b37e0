"""Calling WSGI and ASGI apps directly, with no server and no socket.

The request loops here are shared by every framework, so the harness costs
the same for all of them and cancels out of the ratios.
"""

from __future__ import annotations

import asyncio
import io
import sys
import time
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
Message = dict[str, Any]
ASGIApp = Callable[
    [dict[str, Any], Callable[[], Awaitable[Message]], Callable[[Message], Any]],
    Awaitable[None],
]

#: What a typical client sends, as a server would pass it on.
_HEADERS = (
    ("host", "127.0.0.1:8000"),
    ("user-agent", "kolben-bench"),
    ("accept", "*/*"),
)


def wsgi_environ(path: str) -> dict[str, Any]:
    """Return a GET environ for ``path``, without ``wsgi.input``.

    :param path: the request path, with its query string if any.
    """
    path, _, query = path.partition("?")
    environ: dict[str, Any] = {
        "REQUEST_METHOD": "GET",
        "SCRIPT_NAME": "",
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "REMOTE_PORT": "50000",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
    }
    for name, value in _HEADERS:
        environ["HTTP_" + name.upper().replace("-", "_")] = value
    return environ


def asgi_scope(path: str) -> dict[str, Any]:
    """Return an ASGI HTTP scope for a GET of ``path``.

    :param path: the request path, with its query string if any.
    """
    path, _, query = path.partition("?")
    return {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "server": ("127.0.0.1", 8000),
        "client": ("127.0.0.1", 50000),
        "scheme": "http",
        "method": "GET",
        "root_path": "",
        "path": path,
        "raw_path": path.encode(),
        "query_string": query.encode(),
        "headers": [(k.encode(), v.encode()) for k, v in _HEADERS],
    }


def _write(data: bytes) -> None:
    """The ``write`` callable ``start_response`` returns; unused by these apps."""


def _start_response(
    status: str, headers: list[tuple[str, str]], exc_info: Any = None
) -> Callable[[bytes], None]:
    return _write


def run_wsgi(app: WSGIApp, template: dict[str, Any], n: int) -> None:
    """Serve ``n`` requests: copy the environ, call, consume and close.

    :param app: the WSGI application.
    :param template: the environ to copy for each request.
    :param n: the number of requests.
    """
    copy = template.copy
    new_input = io.BytesIO
    start_response = _start_response
    for _ in range(n):
        environ = copy()
        environ["wsgi.input"] = new_input(b"")
        body = app(environ, start_response)
        for _chunk in body:
            pass
        close = getattr(body, "close", None)
        if close is not None:
            close()


async def _receive() -> Message:
    return {"type": "http.request", "body": b"", "more_body": False}


async def _send(message: Message) -> None:
    return None


async def run_asgi(app: ASGIApp, template: dict[str, Any], n: int) -> None:
    """Serve ``n`` sequential requests, each with a fresh copy of the scope.

    :param app: the ASGI application.
    :param template: the scope to copy (apps may add keys to it).
    :param n: the number of requests.
    """
    copy = template.copy
    for _ in range(n):
        await app(copy(), _receive, _send)


def call_wsgi(app: WSGIApp, path: str) -> tuple[int, str | None, bytes]:
    """Request ``path`` once; return the status, Content-Type and body.

    :param app: the WSGI application.
    :param path: the request path.
    """
    environ = wsgi_environ(path)
    environ["wsgi.input"] = io.BytesIO(b"")
    seen: list[tuple[str, list[tuple[str, str]]]] = []

    def start_response(
        status: str, headers: list[tuple[str, str]], exc_info: Any = None
    ) -> Callable[[bytes], None]:
        seen.append((status, headers))
        return _write

    body = app(environ, start_response)
    try:
        data = b"".join(body)
    finally:
        close = getattr(body, "close", None)
        if close is not None:
            close()
    status, headers = seen[-1]
    content_type = next((v for k, v in headers if k.lower() == "content-type"), None)
    return int(status.split()[0]), content_type, data


def call_asgi(
    loop: asyncio.AbstractEventLoop, app: ASGIApp, path: str
) -> tuple[int, str | None, bytes]:
    """Request ``path`` once on ``loop``; return the status, Content-Type, body.

    :param loop: the event loop to run the request on.
    :param app: the ASGI application.
    :param path: the request path.
    """
    messages: list[Message] = []

    async def send(message: Message) -> None:
        messages.append(message)

    loop.run_until_complete(app(asgi_scope(path), _receive, send))
    start = next(m for m in messages if m["type"] == "http.response.start")
    headers = start.get("headers", [])
    content_type = next(
        (v.decode("latin-1") for k, v in headers if k.lower() == b"content-type"),
        None,
    )
    body = b"".join(
        m.get("body", b"") for m in messages if m["type"] == "http.response.body"
    )
    return int(start["status"]), content_type, body


def wsgi_rate(app: WSGIApp, template: dict[str, Any], seconds: float) -> float:
    """Return requests/second over about ``seconds`` of sequential requests.

    :param app: the WSGI application.
    :param template: the environ to copy for each request.
    :param seconds: how long to keep sending requests.
    """
    batch, done = 200, 0
    start = time.perf_counter()
    while time.perf_counter() - start < seconds:
        run_wsgi(app, template, batch)
        done += batch
    return done / (time.perf_counter() - start)
