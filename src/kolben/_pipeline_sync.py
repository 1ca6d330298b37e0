# Generated from _pipeline.py by scripts/generate_sync.py. Do not edit:
# change _pipeline.py and run the script.
"""The request pipeline, sync form: see kolben._pipeline, its source."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import signals
from ._dispatch import CallSync, Plan, debug_response, find_error_handler
from .globals import _cv_app
from .http.exceptions import BadRequestKeyError, HTTPException, InternalServerError
from .routing import RequestRedirect

if TYPE_CHECKING:
    from collections.abc import Callable

    from .app import Kolben
    from .ctx import AppContext
    from .response import Response


def handle_request(
    app: Kolben, ctx: AppContext, plan: Plan, call: CallSync
) -> Response:
    """Push ``ctx``, run the pipeline and teardown, and return the response."""
    token = _cv_app.set(ctx)
    error: BaseException | None = None
    try:
        try:
            return full_dispatch(app, ctx, plan, call)
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
            elif (
                plan.has_teardown
                or signals.request_tearing_down.receivers
                or signals.appcontext_tearing_down.receivers
            ):
                ctx._teardown_request = plan.teardown
                teardown(app, ctx, error, call)
            else:
                # PERF: nothing is registered to run; only release the body.
                ctx.request.close()  # type: ignore[union-attr]
        finally:
            _cv_app.reset(token)


def full_dispatch(app: Kolben, ctx: AppContext, plan: Plan, call: CallSync) -> Response:
    """Run the before hooks and the view, handle their errors, finalize."""
    request = ctx.request
    assert request is not None
    try:
        if signals.request_started.receivers:
            signals.request_started.send(app, _async_wrapper=app.ensure_sync)
        rv = None
        for f in plan.url_value_preprocessors:
            call(f, request.endpoint, request.view_args)
        for f in plan.before:
            rv = call(f)
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
                rv = call(plan.view, **request.view_args)  # type: ignore[arg-type]
    except Exception as e:
        rv = handle_user_exception(app, e, plan, call)
    return finalize(app, ctx, plan, rv, call)


def finalize(
    app: Kolben,
    ctx: AppContext,
    plan: Plan,
    rv: Any,
    call: CallSync,
    from_error_handler: bool = False,
) -> Response:
    """Turn ``rv`` into a response and run the after-request functions."""
    response = app.make_response(rv)
    try:
        funcs = ctx._after_request_functions
        if funcs:
            for f in funcs:
                response = call(f, response)
        for f in plan.after:
            response = call(f, response)
        sess = ctx._session
        if sess is not None and not app.session_interface.is_null_session(sess):
            call(app.session_interface.save_session, app, sess, response)
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

    In testing mode (``PROPAGATE_EXCEPTIONS``) the exception is re-raised
    instead, so the test sees it. In debug mode an allowed client gets the
    debug page.
    """
    if signals.got_request_exception.receivers:
        signals.got_request_exception.send(
            app, _async_wrapper=app.ensure_sync, exception=e
        )
    propagate = app.config["PROPAGATE_EXCEPTIONS"]
    if propagate is None:
        propagate = app.testing
    if propagate:
        raise e
    app.log_exception(e)
    if app.debug:
        page = debug_response(app, ctx, e)
        if page is not None:
            return page
    server_error = InternalServerError(original_exception=e)
    handler = find_error_handler(app, server_error, plan.scopes)
    rv: Any = server_error if handler is None else call(handler, server_error)
    return finalize(app, ctx, plan, rv, call, from_error_handler=True)


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
            call(f, exc)
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
