# Generated from _pipeline.py by scripts/generate_sync.py. Do not edit:
# change _pipeline.py and run the script.
"""The request pipeline, sync form: see kolben._pipeline, its source."""

from __future__ import annotations

from types import CoroutineType
from typing import TYPE_CHECKING, Any

from . import signals
from ._dispatch import (
    NO_CONTEXT,
    CallSync,
    Plan,
    debug_response,
    find_error_handler,
    forget_traceback,
    nest,
    popped,
)
from .globals import _cv_app
from .http.exceptions import BadRequestKeyError, HTTPException, InternalServerError
from .routing import RequestRedirect

#: Whether this form of the pipeline awaits: True here, False in the sync twin
#: (the generator rewrites it). A user function of the same kind can be called
#: directly; the other kind goes through ``call``.
AWAITS = False

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Iterable

    from .app import Kolben
    from .ctx import AppContext
    from .request import Request
    from .response import Response


# PERF: every request runs this function, so the steps it may skip (hooks,
# session, signals, teardown) are tested here rather than in helpers; each
# branch is one such skip.
def handle_request(  # noqa: C901
    app: Kolben, ctx: AppContext, plan: Plan, call: CallSync
) -> Response:
    """Push ``ctx``, run the pipeline and teardown, and return the response."""
    request = ctx.request
    assert request is not None
    token = _cv_app.set(ctx)
    if token.old_value is not NO_CONTEXT:
        # PERF: only tests and scripts handle a request inside a context.
        nest(ctx, token.old_value)
    error: BaseException | None = None
    # PERF: until a receiver connects, no signal needs checking.
    watched = signals.ever_connected
    if watched and signals.appcontext_pushed.receivers and ctx._owns_app_ctx:
        signals.appcontext_pushed.send(app, _async_wrapper=app.ensure_sync)
    try:
        try:
            try:
                # PERF: an endpoint with no hooks before its view, on a request
                # nobody listens for, goes straight to the view.
                if (
                    plan.straight
                    and request.method != "OPTIONS"
                    and not (watched and signals.request_started.receivers)
                ):
                    if request.routing_exception is not None:
                        raise request.routing_exception
                    # PERF: a view of the pipeline's own kind is called
                    # without ``call``: see AWAITS.
                    if plan.view_is_async is AWAITS:
                        rv = plan.view(**request.view_args)  # type: ignore[arg-type,misc]
                    else:
                        rv = call(plan.view, **request.view_args)  # type: ignore[arg-type]
                else:
                    rv = before_and_view(app, request, plan, call)
                if type(rv) is CoroutineType:
                    # A sync function handed back a coroutine (a MethodView
                    # mixing sync and async handlers, or a plain decorator
                    # around an async view): run it for its result.
                    rv = call(_result_of, rv)
            except Exception as e:
                rv = handle_user_exception(app, e, plan, call)
                if e is request.routing_exception:
                    forget_traceback(e)
            response = app.make_response(rv)
            # PERF: the after-request work is skipped when there is none.
            if (
                plan.after
                or ctx._after_request_functions
                or ctx._session is not None
                or (watched and signals.request_finished.receivers)
            ):
                response = after_request(app, ctx, plan, response, call)
            return response
        except Exception as e:
            error = e
            return handle_exception(app, ctx, plan, e, call)
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
            elif plan.has_teardown or (
                watched
                and (
                    signals.request_tearing_down.receivers
                    or signals.appcontext_tearing_down.receivers
                )
            ):
                ctx._teardown_request = plan.teardown
                teardown(app, ctx, error, call)
            elif request._holds_resources:
                # PERF: nothing is registered to run; only release the body
                # and uploads, if the request has them.
                request.close()
        finally:
            _cv_app.reset(token)
            if watched and signals.appcontext_popped.receivers:
                popped(app, ctx)
            if error is not None:
                # The error's traceback holds this frame, which held the error.
                error = None


def _result_of(awaitable: Awaitable[Any]) -> Any:
    # In the sync twin this hands the coroutine back, and call_inline runs it.
    return awaitable


def before_and_view(app: Kolben, request: Request, plan: Plan, call: CallSync) -> Any:
    """Send ``request_started``, run the before hooks, then the view.

    The first before-request function that returns a value ends the request
    with that value, and the view is not called.
    """
    if signals.request_started.receivers:
        signals.request_started.send(app, _async_wrapper=app.ensure_sync)
    rv = preprocess(app, request, plan, call)
    if rv is not None:
        return rv
    return dispatch(app, request, plan, call)


def preprocess(app: Kolben, request: Request, plan: Plan, call: CallSync) -> Any:
    """Run the URL value preprocessors and the before-request functions.

    Returns the first value a before-request function returns, else ``None``
    (``Kolben.preprocess_request``).
    """
    for f in plan.url_value_preprocessors:
        call(f, request.endpoint, request.view_args)
    for f in plan.before:
        rv = call(f)
        if rv is not None:
            return rv
    return None


def dispatch(app: Kolben, request: Request, plan: Plan, call: CallSync) -> Any:
    """Raise the routing error, or answer OPTIONS, or call the view.

    ``Kolben.dispatch_request``.
    """
    if request.routing_exception is not None:
        raise request.routing_exception
    rule = request.url_rule
    assert rule is not None and request.view_args is not None
    if rule.provide_automatic_options and request.method == "OPTIONS":
        return app.make_default_options_response()
    return call(plan.view, **request.view_args)  # type: ignore[arg-type]


def after_request(
    app: Kolben, ctx: AppContext, plan: Plan, response: Response, call: CallSync
) -> Response:
    """Process the response, then send ``request_finished``."""
    response = process_response(app, ctx, plan, response, call)
    if signals.request_finished.receivers:
        signals.request_finished.send(
            app, _async_wrapper=app.ensure_sync, response=response
        )
    return response


def process_response(
    app: Kolben, ctx: AppContext, plan: Plan, response: Response, call: CallSync
) -> Response:
    """Run the after-request functions and save the session.

    ``Kolben.process_response``.
    """
    funcs = ctx._after_request_functions
    if funcs:
        for f in funcs:
            response = call(f, response)
    for f in plan.after:
        response = call(f, response)
    sess = ctx._session
    if sess is not None and not app.session_interface.is_null_session(sess):
        call(app.session_interface.save_session, app, sess, response)
    return response


def handle_user_exception(app: Kolben, e: Exception, plan: Plan, call: CallSync) -> Any:
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
        return e if handler is None else call(handler, e)
    handler = find_error_handler(app, e, plan.scopes)
    if handler is None:
        raise e
    return call(handler, e)


def handle_exception(
    app: Kolben, ctx: AppContext, plan: Plan, e: Exception, call: CallSync
) -> Response:
    """Answer an unhandled exception with a logged 500.

    In testing and debug mode (``PROPAGATE_EXCEPTIONS``) the exception is
    re-raised instead: the test sees it, and in debug mode the protocol
    adapter answers an allowed client with the debug page.
    """
    if signals.got_request_exception.receivers:
        signals.got_request_exception.send(
            app, _async_wrapper=app.ensure_sync, exception=e
        )
    propagate = app.config["PROPAGATE_EXCEPTIONS"]
    if propagate is None:
        # As Flask: in debug mode too, where the adapter shows the debug page.
        propagate = app.testing or app.debug
    if propagate:
        raise e
    app.log_exception(e)
    if app.debug:
        page = debug_response(app, ctx.request, e)
        if page is not None:
            return page
    server_error = InternalServerError(original_exception=e)
    handler = find_error_handler(app, server_error, plan.scopes)
    rv: Any = server_error if handler is None else call(handler, server_error)
    response = app.make_response(rv)
    try:
        return after_request(app, ctx, plan, response, call)
    except Exception:
        app.logger.exception(
            "Request finalizing failed with an error while handling an error"
        )
        return response


def teardown(
    app: Kolben, ctx: AppContext, exc: BaseException | None, call: CallSync
) -> None:
    """Run the request and app teardown functions; every one of them runs.

    The first exception a teardown function raises is re-raised after the
    others have run.
    """
    if ctx._is_copy:
        return
    first_error: BaseException | None = None
    if ctx.request is not None:
        try:
            teardown_request(app, ctx, exc, call)
        except Exception as e:
            first_error = e
    if ctx._owns_app_ctx:
        try:
            teardown_appcontext(app, exc, call)
        except Exception as e:
            first_error = first_error or e
    if first_error is not None:
        raise first_error


def teardown_request(
    app: Kolben, ctx: AppContext, exc: BaseException | None, call: CallSync
) -> None:
    """Run the request's teardown functions, release it, send the signal.

    Every function runs; the first exception is re-raised after the others.
    ``Kolben.do_teardown_request``.
    """
    request = ctx.request
    assert request is not None
    funcs = ctx._teardown_request
    if funcs is None:
        funcs = app._plan_for(request).teardown
    first_error = _run_all(funcs, exc, call)
    if signals.request_tearing_down.receivers:
        signals.request_tearing_down.send(app, _async_wrapper=app.ensure_sync, exc=exc)
    request.close()
    if first_error is not None:
        raise first_error


def teardown_appcontext(app: Kolben, exc: BaseException | None, call: CallSync) -> None:
    """Run the app-context teardown functions, then send the signal.

    Every function runs; the first exception is re-raised after the others.
    ``Kolben.do_teardown_appcontext``.
    """
    first_error = _run_all(reversed(app.teardown_appcontext_funcs), exc, call)
    if signals.appcontext_tearing_down.receivers:
        signals.appcontext_tearing_down.send(
            app, _async_wrapper=app.ensure_sync, exc=exc
        )
    if first_error is not None:
        raise first_error


def _run_all(
    funcs: Iterable[Callable[..., Any]], exc: BaseException | None, call: CallSync
) -> Exception | None:
    """Call every ``f(exc)``; return the first exception one raised."""
    first_error: Exception | None = None
    for f in funcs:
        try:
            call(f, exc)
        except Exception as e:
            first_error = first_error or e
    return first_error
