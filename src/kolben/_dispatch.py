"""What the request pipeline shares between its async and sync forms.

The pipeline itself (hooks, view, error handlers, teardown) is written once,
as coroutines, in :mod:`kolben._pipeline`, and ``scripts/generate_sync.py``
writes its sync twin, :mod:`kolben._pipeline_sync`. Each is parameterized by
``call``, the way a user function is invoked:

- :func:`call_inline` (sync twin) calls functions in the current thread and
  runs an async function's coroutine on a loop in another thread. Used by WSGI,
  and by ASGI for endpoints whose user code is all sync, in one thread-pool hop.
- ``app._call_offload`` (async form) awaits async functions on the serving
  loop and sends sync ones to the thread pool. Used by ASGI when the view or a
  hook of the matched endpoint is async.

What each endpoint needs (its view and the hooks of its blueprints, in Flask's
order) is worked out once, at the first request, into a :class:`Plan`.
"""

from __future__ import annotations

import contextvars
import inspect
from collections.abc import Awaitable, Callable
from types import CoroutineType
from typing import TYPE_CHECKING, Any, Protocol

from . import signals
from ._concurrency import NONBLOCKING, run_coroutine_sync
from .globals import _cv_app
from .http.exceptions import HTTPException, InternalServerError

if TYPE_CHECKING:
    from .app import Kolben
    from .ctx import AppContext
    from .request import Request
    from .response import Response


class CallAsync(Protocol):
    """How the async pipeline invokes a user function."""

    def __call__(
        self, f: Callable[..., Any], /, *args: Any, **kwargs: Any
    ) -> Awaitable[Any]: ...


class CallSync(Protocol):
    """How the sync pipeline invokes a user function."""

    def __call__(self, f: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any: ...


def call_inline(f: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:
    """Call ``f`` here; if it is async, run it to completion on a loop."""
    rv = f(*args, **kwargs)
    # PERF: an exact type check; isinstance against the Coroutine ABC is slow.
    if type(rv) is CoroutineType:
        rv = run_coroutine_sync(rv)
    return rv


def blueprint_chain(endpoint: str | None) -> tuple[str, ...]:
    """Return the blueprints of ``endpoint``, innermost first."""
    if endpoint is None or "." not in endpoint:
        return ()
    parts = endpoint.rpartition(".")[0].split(".")
    return tuple(".".join(parts[:i]) for i in range(len(parts), 0, -1))


class Plan:
    """Everything dispatch needs for one endpoint, gathered once.

    :param app: the application.
    :param endpoint: the endpoint, or ``None`` for requests no rule matched.
    """

    __slots__ = (
        "view",
        "url_value_preprocessors",
        "before",
        "after",
        "teardown",
        "scopes",
        "on_loop",
        "has_teardown",
        "straight",
        "view_is_async",
    )

    def __init__(self, app: Kolben, endpoint: str | None) -> None:
        chain = blueprint_chain(endpoint)
        outer_first = (None, *reversed(chain))
        inner_first = (*chain, None)
        self.scopes = inner_first
        view = app.view_functions.get(endpoint) if endpoint else None
        if view is not None:
            # PERF: batteries wrap a view once, here, not per request.
            for wrap in app.view_wrappers:
                view = wrap(endpoint, view)  # type: ignore[arg-type]
        self.view = view

        def gather(
            funcs: dict[str | None, list[Callable[..., Any]]],
            names: tuple[str | None, ...],
            reverse: bool = False,
        ) -> tuple[Callable[..., Any], ...]:
            out: list[Callable[..., Any]] = []
            for name in names:
                fs = funcs.get(name, ())
                out.extend(reversed(fs) if reverse else fs)
            return tuple(out)

        self.url_value_preprocessors = gather(app.url_value_preprocessors, outer_first)
        self.before = gather(app.before_request_funcs, outer_first)
        self.after = gather(app.after_request_funcs, inner_first, reverse=True)
        self.teardown = gather(app.teardown_request_funcs, inner_first, reverse=True)
        funcs = (self.view, *self.url_value_preprocessors, *self.before)
        funcs += (*self.after, *self.teardown)
        kinds = [
            inspect.iscoroutinefunction(f)
            for f in funcs
            if f and not getattr(f, NONBLOCKING, False)
        ]
        # Under ASGI, run on the event loop unless all the user code is sync
        # (then the whole pipeline takes one thread-pool hop). With no user
        # code at all (a 404 without hooks), or only nonblocking code, there
        # is nothing to hop for.
        self.on_loop = any(kinds) or not kinds
        self.has_teardown = bool(self.teardown or app.teardown_appcontext_funcs)
        self.view_is_async = inspect.iscoroutinefunction(self.view)
        #: Whether a request goes straight to the view (or its routing
        #: error): no function runs before the view.
        self.straight = not (self.url_value_preprocessors or self.before)


def find_error_handler(
    app: Kolben, e: BaseException, scopes: tuple[str | None, ...]
) -> Callable[[Any], Any] | None:
    """Return the most specific handler for ``e``: by code, then by class."""
    code = e.code if isinstance(e, HTTPException) else None
    for c in (code, None) if code is not None else (None,):
        for name in scopes:
            by_code = app.error_handler_spec.get(name)
            handlers = by_code.get(c) if by_code is not None else None
            if not handlers:
                continue
            for cls in type(e).__mro__:
                handler = handlers.get(cls)
                if handler is not None:
                    return handler
    return None


def debug_response(
    app: Kolben, request: Request | None, e: BaseException
) -> Response | None:
    """Return the debug page for ``e``, or ``None`` if this client may not see it.

    SECURITY: the page shows source code and local variables, so it goes only
    to loopback clients and to the networks in ``DEBUG_ALLOWED_CLIENTS``, not
    through an untrusted proxy, and only for a loopback or trusted Host (see
    :func:`kolben.debug.request_may_see_page`). It only displays; nothing a
    client sends is ever evaluated.
    """
    from .debug import DebugReport, render_html, render_json, request_may_see_page

    if request is None:
        return None
    allowed = app.config["DEBUG_ALLOWED_CLIENTS"] or ()
    trusted = app.config["TRUSTED_HOSTS"] or ()
    if not request_may_see_page(request, allowed, trusted):
        return None
    report = DebugReport.from_exception(e, request)
    if _wants_json(request):
        body = app.json.dumps(render_json(report), indent=2) + "\n"
        return app.response_class(body, 500, mimetype="application/json")
    return app.response_class(render_html(report), 500)


#: The key of the environ or scope by which the test client asks for
#: exceptions to reach it, in debug mode too, as Flask's test client gets them.
PROPAGATE_KEY = "kolben.propagate"


def unhandled(app: Kolben, ctx: AppContext, e: Exception, env: Any) -> Response:
    """Answer an exception that left the pipeline, as a debugging server would.

    The pipeline lets exceptions through in testing and debug mode, as Flask
    does. In debug mode, unless the test client asked for the exception, it
    is logged and answered with the debug page, or a plain 500 for a client
    that may not see the page. Otherwise it goes on to the caller.

    :param ctx: The request's context, ended by now.
    :param env: The WSGI environ or ASGI scope.
    """
    if not app.debug or PROPAGATE_KEY in env:
        raise e
    # The context is current again while logging, so the log names the request.
    token = _cv_app.set(ctx)
    try:
        app.log_exception(e)
    finally:
        _cv_app.reset(token)
    page = debug_response(app, ctx.request, e)
    if page is None:
        page = app._http_exception_response(InternalServerError(original_exception=e))
    return page


#: ``Token.old_value`` when the context variable had no value.
NO_CONTEXT = contextvars.Token.MISSING


def nest(ctx: AppContext, outer: AppContext) -> None:
    """Handle a request inside a context pushed before it, as Flask does.

    Inside an application context of the same app (a test's ``with
    app.app_context():``), the request shares its ``g`` and leaves the app
    teardown to that context, so teardown functions run once.
    """
    if outer.app is ctx.app and outer.request is None:
        ctx.g = outer.g
        ctx._owns_app_ctx = False


def popped(app: Kolben, ctx: AppContext) -> None:
    """Send ``appcontext_popped`` for a request's context that has ended."""
    if ctx._owns_app_ctx and ctx.preserve is None and not ctx._defer_teardown:
        signals.appcontext_popped.send(app, _async_wrapper=app.ensure_sync)


def _wants_json(request: Request) -> bool:
    from .debug import wants_json

    try:
        return wants_json(request.headers.get("Accept"))
    except Exception:
        return False


def forget_traceback(error: BaseException) -> None:
    """Drop the traceback of a routing error once it has been answered.

    ``request.routing_exception`` holds the error, its traceback the
    pipeline's frames, and their locals the request: a cycle that keeps the
    request, and through it the app, until the cycle collector runs.

    :param error: the request's routing error, handled.
    """
    error.__traceback__ = None
