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

import inspect
from collections.abc import Awaitable, Callable
from types import CoroutineType
from typing import TYPE_CHECKING, Any, Protocol

from ._concurrency import run_coroutine_sync
from .http.exceptions import HTTPException

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
        self.view = app.view_functions.get(endpoint) if endpoint else None

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
        kinds = [inspect.iscoroutinefunction(f) for f in funcs if f]
        # Under ASGI, run on the event loop unless all the user code is sync
        # (then the whole pipeline takes one thread-pool hop). With no user
        # code at all (a 404 without hooks) there is nothing to hop for.
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


def debug_response(app: Kolben, ctx: AppContext, e: BaseException) -> Response | None:
    """Return the debug page for ``e``, or ``None`` if this client may not see it.

    SECURITY: the page shows source code and local variables, so it goes only
    to loopback clients and to the networks in ``DEBUG_ALLOWED_CLIENTS``, not
    through an untrusted proxy, and only for a loopback or trusted Host (see
    :func:`kolben.debug.request_may_see_page`). It only displays; nothing a
    client sends is ever evaluated.
    """
    from .debug import DebugReport, render_html, render_json, request_may_see_page

    request = ctx.request
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


def _wants_json(request: Request) -> bool:
    from .debug import wants_json

    try:
        return wants_json(request.headers.get("Accept"))
    except Exception:
        return False
