"""The request pipeline: hooks, view, error handlers, teardown.

It is written once, as coroutines, and parameterized by ``call``, the way
each user function is invoked:

- :func:`call_inline` calls functions in the current thread and runs an
  async function's coroutine on a loop in another thread. Used by WSGI and by
  sync views under ASGI (in one thread-pool hop); the pipeline then never
  suspends and :func:`~kolben._concurrency.drive` runs it without a loop.
- ``app._call_offload`` awaits async functions on the serving loop and sends
  sync ones to the thread pool. Used under ASGI when the view or a hook of the
  matched endpoint is async.

What each endpoint needs (its view and the hooks of its blueprints, in Flask's
order) is worked out once, at the first request, into a :class:`Plan`.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Coroutine
from types import CoroutineType
from typing import TYPE_CHECKING, Any, Protocol

from . import signals
from ._concurrency import run_coroutine_sync
from .globals import _cv_app
from .http.exceptions import BadRequestKeyError, HTTPException, InternalServerError
from .routing import RequestRedirect

if TYPE_CHECKING:
    from .app import Kolben
    from .ctx import AppContext
    from .response import Response


class Call(Protocol):
    """How the pipeline invokes a user function."""

    def __call__(
        self, f: Callable[..., Any], /, *args: Any, **kwargs: Any
    ) -> Coroutine[Any, Any, Any]: ...


async def call_inline(f: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:
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
        "is_async",
        "has_teardown",
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
        self.is_async = any(inspect.iscoroutinefunction(f) for f in funcs if f)
        self.has_teardown = bool(self.teardown or app.teardown_appcontext_funcs)


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


async def handle_request(
    app: Kolben, ctx: AppContext, plan: Plan, call: Call
) -> Response:
    """Push ``ctx``, run the pipeline and teardown, and return the response."""
    token = _cv_app.set(ctx)
    error: BaseException | None = None
    try:
        try:
            return await full_dispatch(app, ctx, plan, call)
        except Exception as e:
            error = e
            return await handle_exception(app, ctx, plan, e, call)
        except BaseException as e:
            error = e
            raise
    finally:
        try:
            preserve = ctx.preserve
            if preserve is not None:
                preserve(ctx)
            elif ctx._defer_teardown:
                pass
            elif plan.has_teardown or _teardown_signals():
                await teardown(app, ctx, error, call)
            else:
                # PERF: nothing is registered to run; only release the body.
                ctx.request.close()  # type: ignore[union-attr]
        finally:
            _cv_app.reset(token)


def _teardown_signals() -> bool:
    return bool(
        signals.request_tearing_down.receivers
        or signals.appcontext_tearing_down.receivers
    )


async def full_dispatch(
    app: Kolben, ctx: AppContext, plan: Plan, call: Call
) -> Response:
    """Run the before hooks and the view, handle their errors, finalize."""
    request = ctx.request
    assert request is not None
    try:
        if signals.request_started.receivers:
            signals.request_started.send(app, _async_wrapper=app.ensure_sync)
        rv = None
        for f in plan.url_value_preprocessors:
            await call(f, request.endpoint, request.view_args)
        for f in plan.before:
            rv = await call(f)
            if rv is not None:
                break
        if rv is None:
            if request.routing_exception is not None:
                raise request.routing_exception
            rule = request.url_rule
            assert rule is not None and request.view_args is not None
            if rule.provide_automatic_options and request.method == "OPTIONS":
                rv = app.make_default_options_response()
            else:
                rv = await call(plan.view, **request.view_args)  # type: ignore[arg-type]
    except Exception as e:
        rv = await handle_user_exception(app, e, plan, call)
    return await finalize(app, ctx, plan, rv, call)


async def finalize(
    app: Kolben,
    ctx: AppContext,
    plan: Plan,
    rv: Any,
    call: Call,
    from_error_handler: bool = False,
) -> Response:
    """Turn ``rv`` into a response and run the after-request functions."""
    response = app.make_response(rv)
    try:
        funcs = ctx._after_request_functions
        if funcs:
            for f in funcs:
                response = await call(f, response)
        for f in plan.after:
            response = await call(f, response)
        sess = ctx._session
        if sess is not None and not app.session_interface.is_null_session(sess):
            await call(app.session_interface.save_session, app, sess, response)
        if signals.request_finished.receivers:
            signals.request_finished.send(
                app, _async_wrapper=app.ensure_sync, response=response
            )
    except Exception:
        if not from_error_handler:
            raise
        app.logger.exception(
            "Request finalizing failed with an error while handling an error"
        )
    return response


async def handle_user_exception(
    app: Kolben, e: Exception, plan: Plan, call: Call
) -> Any:
    """Find a handler for an exception the view or a hook raised.

    HTTP errors without a handler become their default response; any other
    exception without a handler is re-raised to :func:`handle_exception`.
    """
    if isinstance(e, BadRequestKeyError) and (
        app.debug or app.config["TRAP_BAD_REQUEST_ERRORS"]
    ):
        e.show_exception = True
    if isinstance(e, HTTPException) and not app.trap_http_exception(e):
        if e.code is None or isinstance(e, RequestRedirect):
            return e
        handler = find_error_handler(app, e, plan.scopes)
        return e if handler is None else await call(handler, e)
    handler = find_error_handler(app, e, plan.scopes)
    if handler is None:
        raise e
    return await call(handler, e)


async def handle_exception(
    app: Kolben, ctx: AppContext, plan: Plan, e: Exception, call: Call
) -> Response:
    """Answer an unhandled exception with a logged 500.

    In testing or debug mode (``PROPAGATE_EXCEPTIONS``) the exception is
    re-raised instead, so tests and the debugger see it.
    """
    if signals.got_request_exception.receivers:
        signals.got_request_exception.send(
            app, _async_wrapper=app.ensure_sync, exception=e
        )
    propagate = app.config["PROPAGATE_EXCEPTIONS"]
    if propagate is None:
        propagate = app.testing or app.debug
    if propagate:
        raise e
    app.log_exception(e)
    server_error = InternalServerError(original_exception=e)
    handler = find_error_handler(app, server_error, plan.scopes)
    rv: Any = server_error if handler is None else await call(handler, server_error)
    return await finalize(app, ctx, plan, rv, call, from_error_handler=True)


async def teardown(
    app: Kolben, ctx: AppContext, exc: BaseException | None, call: Call
) -> None:
    """Run the request and app teardown functions; every one of them runs.

    The first exception a teardown function raises is re-raised after the
    others have run.
    """
    if ctx._is_copy:
        return
    first_error: BaseException | None = None
    funcs: tuple[Callable[..., Any], ...] = ()
    if ctx.request is not None:
        chosen = ctx._teardown_request
        if chosen is None:
            chosen = tuple(reversed(app.teardown_request_funcs.get(None, ())))
        funcs = chosen
    if ctx._owns_app_ctx:
        funcs += tuple(reversed(app.teardown_appcontext_funcs))
    for f in funcs:
        try:
            await call(f, exc)
        except Exception as e:
            first_error = first_error or e
    if ctx.request is not None:
        if signals.request_tearing_down.receivers:
            signals.request_tearing_down.send(
                app, _async_wrapper=app.ensure_sync, exc=exc
            )
        ctx.request.close()
    if ctx._owns_app_ctx and signals.appcontext_tearing_down.receivers:
        signals.appcontext_tearing_down.send(
            app, _async_wrapper=app.ensure_sync, exc=exc
        )
    if first_error is not None:
        raise first_error
