"""The ASGI adapter's WebSocket side: handshake, hooks, view, teardown.

A connection runs on the event loop: its URL is matched against the
WebSocket rules, its ``Origin`` checked, then the ``before_websocket``
hooks and the view run with the context pushed (``websocket``, ``session``,
``g`` and ``current_app`` work inside). A handshake refused before it is
accepted is answered with an HTTP response where the server offers the
``websocket.http.response`` extension, else closed with 1008 (the server
answers 403). Teardown runs however the connection ends.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from . import _pipeline
from ._dispatch import PROPAGATE_KEY, blueprint_chain, find_error_handler
from .ctx import AppContext
from .globals import _cv_app
from .http.exceptions import Forbidden, HTTPException, InternalServerError
from .websocket import ConnectionClosed, Receive, Send, WebSocket

if TYPE_CHECKING:
    from collections.abc import Callable

    from .app import Kolben
    from .request import Request
    from .response import Response


class _Hooks:
    """The view and hooks of one WebSocket endpoint, in Flask's order."""

    __slots__ = ("view", "scopes", "before", "after", "teardown")

    def __init__(self, app: Kolben, endpoint: str | None) -> None:
        chain = blueprint_chain(endpoint)
        self.scopes: tuple[str | None, ...] = (*chain, None)
        outer_first = (None, *reversed(chain))
        self.view = app.view_functions.get(endpoint) if endpoint else None
        self.before = _gather(app.before_websocket_funcs, outer_first)
        self.after = _gather(app.after_websocket_funcs, self.scopes, reverse=True)
        self.teardown = _gather(app.teardown_websocket_funcs, self.scopes, True)


def _gather(
    funcs: dict[str | None, list[Callable[..., Any]]],
    names: tuple[str | None, ...],
    reverse: bool = False,
) -> tuple[Callable[..., Any], ...]:
    out: list[Callable[..., Any]] = []
    for name in names:
        fs = funcs.get(name, ())
        out.extend(reversed(fs) if reverse else fs)
    return tuple(out)


async def serve(
    app: Kolben, scope: dict[str, Any], receive: Receive, send: Send
) -> None:
    """Serve one ASGI WebSocket connection."""
    if not app._got_first_request:
        app._freeze()
    if app._proxy_fix is not None:
        # The client's address, the scheme (wss) and the host the Origin
        # check compares are those the trusted proxies forwarded.
        scope = app._proxy_fix.fix_scope(scope)
    if (await receive())["type"] != "websocket.connect":
        return  # the client left before the handshake
    # The request reads the scope as an HTTP GET's: a handshake is one.
    request = app.request_class.from_scope({**scope, "method": "GET"}, None, app)
    ws = WebSocket(app, request, scope, receive, send)
    ctx = AppContext(app, request)
    ctx._websocket = ws
    hooks = _match(app, request)
    token = _cv_app.set(ctx)
    error: BaseException | None = None
    try:
        try:
            await _run(app, ws, hooks)
        except Exception as e:
            error = e
            propagate = app.config["PROPAGATE_EXCEPTIONS"]
            if propagate is None:
                propagate = app.testing
            # The test client sees the error, as it does a request's.
            propagate = propagate and PROPAGATE_KEY in scope
            await _unhandled(app, ws, hooks, e, log=not propagate)
            if propagate:
                raise
    finally:
        ws._stop_reading()
        try:
            await _teardown(app, ctx, hooks, error)
        finally:
            _cv_app.reset(token)


def _match(app: Kolben, request: Request) -> _Hooks:
    """Match the URL against the WebSocket rules; keep a routing error."""
    try:
        if app._trusted_hosts:
            request.check_trusted_host(app._trusted_hosts)
        domain = app._domain(request) if app._matches_domains else ""
        rule, args = app.url_map.match(
            request.path, "GET", domain=domain, websocket=True
        )
    except HTTPException as e:
        request.routing_exception = e
        return _Hooks(app, None)
    request.url_rule = rule
    request.view_args = args
    return _Hooks(app, rule.endpoint)


def origin_allowed(app: Kolben, request: Request) -> bool:
    """Tell whether the handshake's ``Origin`` may open a WebSocket here.

    SECURITY: browsers send cookies with a cross-site WebSocket handshake and
    no CORS check applies, so a foreign page could act as the user. Allowed:
    no ``Origin`` (non-browser clients), the app's own host by default, or
    one of ``WEBSOCKET_ALLOWED_ORIGINS`` (``"*"`` allows any).
    """
    origin = request.headers.get("Origin")
    if origin is None:
        return True
    allowed = app.config["WEBSOCKET_ALLOWED_ORIGINS"]
    if allowed is None:
        host = request.headers.get("Host")
        return host is not None and urlsplit(origin).netloc.lower() == host.lower()
    if isinstance(allowed, str):
        allowed = (allowed,)
    origin = origin.rstrip("/").lower()
    return any(a == "*" or a.rstrip("/").lower() == origin for a in allowed)


async def _run(app: Kolben, ws: WebSocket, hooks: _Hooks) -> None:
    """Check the handshake, run the hooks and the view, then end it."""
    call = app._call_offload
    request = ws.request
    rv: Any = None
    try:
        if request.routing_exception is not None:
            raise request.routing_exception
        if not origin_allowed(app, request):
            app.logger.warning(
                "Refused a WebSocket handshake to %s from the foreign origin %r;"
                " list it in WEBSOCKET_ALLOWED_ORIGINS to allow it.",
                request.path,
                request.headers.get("Origin"),
            )
            raise Forbidden("This origin may not open a WebSocket here.")
        for f in hooks.before:
            rv = await call(f)
            if rv is not None:
                break
        else:
            assert hooks.view is not None
            rv = await hooks.view(**(request.view_args or {}))
    except ConnectionClosed:
        return
    except Exception as e:
        rv = await _handle_user_exception(app, e, hooks)
    await _finish(app, ws, hooks, rv)


async def _handle_user_exception(app: Kolben, e: Exception, hooks: _Hooks) -> Any:
    """Return what the error handler for ``e`` returns, or an HTTP error."""
    handler = find_error_handler(app, e, hooks.scopes)
    if handler is not None:
        return await app._call_offload(handler, e)
    if isinstance(e, HTTPException):
        return e
    raise e


async def _finish(app: Kolben, ws: WebSocket, hooks: _Hooks, rv: Any) -> None:
    """Refuse a handshake not accepted, or close an open connection."""
    response: Response | None = None
    if not ws.accepted:
        response = app.make_response(rv if rv is not None else Forbidden())
    for f in hooks.after:
        result = await app._call_offload(f, response)
        if result is not None:
            response = result
    if ws.accepted:
        await ws.close(1000)
    elif response is not None:
        await _refuse(ws, response)


async def _refuse(ws: WebSocket, response: Response) -> None:
    """Refuse the handshake with ``response``, if the server can send one."""
    ws.close_code = 1008
    if "websocket.http.response" not in (ws.scope.get("extensions") or {}):
        # The server answers a close before accept with a 403.
        await ws._send({"type": "websocket.close", "code": 1008})
        return
    headers = [
        (k.lower().encode("latin-1"), v.encode("latin-1"))
        for k, v in response.headers.items()
    ]
    await ws._send(
        {
            "type": "websocket.http.response.start",
            "status": response.status_code,
            "headers": headers,
        }
    )
    body = response.get_data()
    await ws._send({"type": "websocket.http.response.body", "body": body})


async def _unhandled(
    app: Kolben, ws: WebSocket, hooks: _Hooks, e: Exception, log: bool
) -> None:
    """Log an error no handler took; refuse with 500, or close with 1011."""
    if log:
        app.log_exception(e)
    if ws.accepted:
        await ws.close(1011, "internal error")
        return
    server_error = InternalServerError(original_exception=e)
    handler = find_error_handler(app, server_error, hooks.scopes)
    rv: Any = server_error
    if handler is not None:
        rv = await app._call_offload(handler, server_error)
    await _refuse(ws, app.make_response(rv))


async def _teardown(
    app: Kolben, ctx: AppContext, hooks: _Hooks, exc: BaseException | None
) -> None:
    """Run the teardown_websocket and app teardown functions; all of them run."""
    call = app._call_offload
    first: Exception | None = None
    for f in hooks.teardown:
        try:
            await call(f, exc)
        except Exception as e:
            first = first or e
    try:
        await _pipeline.teardown_appcontext(app, exc, call)
    except Exception as e:
        first = first or e
    assert ctx.request is not None
    ctx.request.close()
    if first is not None:
        app.logger.error("A WebSocket teardown function failed.", exc_info=first)
