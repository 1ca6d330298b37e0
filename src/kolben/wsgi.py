"""The WSGI adapter: environ in, status, headers and body iterable out."""

from __future__ import annotations

import threading
import weakref
from collections.abc import AsyncIterator, Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any

from . import _background, _dispatch, _pipeline_sync
from ._app_dispatch import handle_generally
from ._body import framing_problem, refuse_if_too_large
from ._concurrency import run_coroutine_sync
from .ctx import AppContext
from .http.exceptions import BadRequest
from .response import _NO_BODY

if TYPE_CHECKING:
    from .app import Kolben
    from .response import Response


def handle(
    app: Kolben, environ: dict[str, Any], start_response: Callable[..., Any]
) -> Iterable[bytes]:
    """Serve one WSGI request; this is ``Kolben.wsgi_app``.

    The whole pipeline runs in the calling thread; async hooks and views run
    on the worker's event loop while this thread waits.
    """
    # PERF: one test on the common path, where neither applies.
    if app._proxy_fix is not None or not app._got_first_request:
        _prepare(app, environ)
    # PERF: two key tests tell whether a body is announced at all.
    length = None
    if "HTTP_TRANSFER_ENCODING" in environ or "CONTENT_LENGTH" in environ:
        codings = environ.get("HTTP_TRANSFER_ENCODING")
        length = environ.get("CONTENT_LENGTH")
        if codings is not None or length:
            problem = framing_problem((length,) if length else (), codings)
            if problem is not None:
                return _refuse(app, problem, start_response)
    # PERF: the app set after, not passed by keyword, which costs more.
    request = app.request_class(environ)
    request.app = app
    ctx = AppContext(app, request)
    plan = app._match(request)
    if length and request.routing_exception is None:
        refuse_if_too_large(request)
    if "kolben.preserve_context" in environ:  # the test client's hook
        ctx.preserve = environ["kolben.preserve_context"]
    try:
        if app._overrides:
            response = handle_generally(app, ctx)
        else:
            response = _pipeline_sync.handle_request(
                app, ctx, plan, _dispatch.call_inline
            )
    except Exception as e:
        # Only in testing and debug mode does an exception get this far.
        response = _dispatch.unhandled(app, ctx, e, environ)
    start_response(response._status, response._headers.to_wsgi_list())
    body = response.response
    # PERF: a buffered body, the common case, goes to the server as the list
    # it already is.
    if type(body) is list and response._status_code not in _NO_BODY:
        if request.method == "HEAD":
            body = []
    else:
        body = _body(response, request.method, environ)
    if ctx._background is not None:
        return _background.run_after_body(app, ctx, body)
    return body  # type: ignore[no-any-return]


def _prepare(app: Kolben, environ: dict[str, Any]) -> None:
    """Freeze the app at its first request; apply ``PROXY_FIX``."""
    if not app._got_first_request:
        app._freeze()
        _note_websocket_routes(app)
    if app._proxy_fix is not None:
        app._proxy_fix.fix_environ(environ)


_noted: weakref.WeakSet[Kolben] = weakref.WeakSet()
_noted_lock = threading.Lock()


def _note_websocket_routes(app: Kolben) -> None:
    """Log, once per app, that its WebSocket routes cannot be served here."""
    routes = [rule.rule for rule in app.url_map.iter_rules() if rule.websocket]
    if not routes:
        return
    with _noted_lock:
        if app in _noted:
            return
        _noted.add(app)
    app.logger.error(
        "This app has WebSocket routes (%s), but a WSGI server is serving it:"
        " they answer 400. Serve the app with an ASGI server (uvicorn,"
        " hypercorn) to serve them; its HTTP routes work under both.",
        ", ".join(routes),
    )


def _refuse(
    app: Kolben, problem: str, start_response: Callable[..., Any]
) -> Iterable[bytes]:
    """Answer a request whose body cannot be framed with a 400, unrouted.

    PEP 3333 forbids the app a ``Connection: close``; the deployment docs
    say which servers close such a connection themselves.
    """
    app.logger.info("Refused a request: %s", problem)
    response = app._http_exception_response(BadRequest(problem))
    start_response(response.status, response.headers.to_wsgi_list())
    return response.response  # type: ignore[no-any-return]


def _body(response: Response, method: str, environ: dict[str, Any]) -> Iterable[bytes]:
    body = response.response
    if method == "HEAD" or response.status_code in _NO_BODY:
        _close(body)
        return ()
    if type(body) is list:
        return body
    if isinstance(body, AsyncIterator):
        return _ClosingIterator(_iter_async(body), body)
    file_wrapper = environ.get("wsgi.file_wrapper")
    reader = getattr(body, "_kolben_file", None)
    if file_wrapper is not None and reader is not None:
        return file_wrapper(reader, 64 * 1024)  # type: ignore[no-any-return]
    return _ClosingIterator(_iter_sync(body), body)


def _iter_sync(body: Iterable[Any]) -> Iterator[bytes]:
    for chunk in body:
        if isinstance(chunk, str):
            chunk = chunk.encode()
        if chunk:
            yield chunk


def _iter_async(body: AsyncIterator[Any]) -> Iterator[bytes]:
    """Iterate an async body on the worker loop, one chunk at a time."""
    while True:
        try:
            chunk = run_coroutine_sync(_anext(body))
        except StopAsyncIteration:
            return
        if isinstance(chunk, str):
            chunk = chunk.encode()
        if chunk:
            yield chunk


async def _anext(iterator: AsyncIterator[Any]) -> Any:
    return await iterator.__anext__()


def _close(body: Any) -> None:
    close = getattr(body, "close", None)
    if close is not None:
        close()
    aclose = getattr(body, "aclose", None)
    if aclose is not None:
        run_coroutine_sync(aclose())


class _ClosingIterator:
    """Iterate ``iterator``; on ``close()`` close ``source`` too (WSGI rule)."""

    def __init__(self, iterator: Iterator[bytes], source: Any) -> None:
        self._iterator = iterator
        self._source = source

    def __iter__(self) -> Iterator[bytes]:
        return self._iterator

    def close(self) -> None:
        """Close the body, which runs a generator's ``finally`` blocks."""
        close = getattr(self._iterator, "close", None)
        if close is not None:
            close()
        _close(self._source)
