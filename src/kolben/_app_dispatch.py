"""Flask's request-handling methods of the app, and the path that calls them.

Flask handles a request by calling methods of the app a subclass or an
extension may override: ``full_dispatch_request`` calls
``preprocess_request``, ``dispatch_request`` and ``finalize_request``, which
calls ``make_response`` and ``process_response``; errors go through
``handle_user_exception``, ``handle_http_exception`` and
``handle_exception``; teardown through ``do_teardown_request`` and
``do_teardown_appcontext``. kolben has them all, with Flask's behaviour, for
code that calls them.

kolben's own request path (:mod:`kolben._pipeline`) does the same work
without calling these methods one by one, which is much of its speed. So at
its first request an app looks for overrides, in its class or assigned on
the instance (as Flask-RESTful assigns ``handle_exception``): an app that has
any is served by :func:`handle_generally`, which calls each method in
Flask's order. An app without overrides pays nothing for this.
"""

from __future__ import annotations

import inspect
from collections.abc import AsyncIterator, Callable, Iterator
from typing import TYPE_CHECKING, Any, NoReturn

from . import _dispatch, _pipeline_sync, signals
from ._concurrency import run_coroutine_sync
from ._dispatch import call_inline, find_error_handler
from .globals import _cv_app, _req_ctx
from .http.exceptions import (
    BadRequestKeyError,
    HTTPException,
    InternalServerError,
)
from .http.headers import Headers
from .http.headers import _check as check_field
from .response import Response
from .routing import RequestRedirect

if TYPE_CHECKING:
    import logging

    from . import typing as ft
    from .app import Kolben
    from .config import Config
    from .ctx import AppContext
    from .json.provider import JSONProvider
    from .request import Request
    from .routing import Map

# PERF: module-level tuples; ``A | B`` in isinstance builds a Union each call.
_STREAM_TYPES = (Iterator, AsyncIterator)
_HEADER_TYPES = (Headers, dict, tuple, list)
#: What ``HTTPException.get_headers`` gives when a class adds nothing.
_DEFAULT_ERROR_HEADERS = [("Content-Type", "text/html; charset=utf-8")]
_sentinel: Any = object()

#: The methods kolben's own request path does the work of without calling
#: them; overriding any of them sends the app down the general path.
OVERRIDABLE = (
    "full_dispatch_request",
    "preprocess_request",
    "dispatch_request",
    "finalize_request",
    "process_response",
    "handle_user_exception",
    "handle_http_exception",
    "handle_exception",
    "raise_routing_exception",
    "do_teardown_request",
    "do_teardown_appcontext",
    "should_ignore_error",
)


def overridden(app: Kolben) -> tuple[str, ...]:
    """Return the dispatch methods ``app`` overrides, by subclass or instance."""
    from .app import Kolben

    return tuple(
        name
        for name in OVERRIDABLE
        if name in app.__dict__ or getattr(type(app), name) is not getattr(Kolben, name)
    )


class DispatchMixin:
    """Flask's request-handling methods; the :class:`~kolben.Kolben` app has them.

    Each works in a request context (``app.test_request_context()`` in a
    test), as Flask's do, and may be overridden in a subclass.
    """

    if TYPE_CHECKING:
        config: Config
        json: JSONProvider
        response_class: type[Response]
        url_map: Map
        _error_pages: dict[type[HTTPException], str]

        @property
        def logger(self) -> logging.Logger: ...
        @property
        def debug(self) -> bool: ...
        @property
        def testing(self) -> bool: ...

        def _plan_for(self, request: Request) -> _dispatch.Plan: ...
        def _domain(self, request: Request) -> str: ...

    # -- a request, step by step, as Flask runs it ------------------------------

    def full_dispatch_request(self) -> Response:
        """Run the before hooks, the view and the after hooks, with error handling.

        Flask's order: ``request_started``, :meth:`preprocess_request`, then
        :meth:`dispatch_request` unless a hook answered; an exception goes to
        :meth:`handle_user_exception`; the result to :meth:`finalize_request`.
        """
        app = self._app()
        if signals.request_started.receivers:
            signals.request_started.send(app, _async_wrapper=app.ensure_sync)
        rv: Any
        try:
            rv = self.preprocess_request()
            if rv is None:
                rv = self.dispatch_request()
        except Exception as e:
            rv = self.handle_user_exception(e)
        return self.finalize_request(rv)

    def preprocess_request(self) -> ft.ResponseReturnValue | None:
        """Run the URL value preprocessors and the before-request functions.

        :returns: The first value a before-request function returned, which
            ends the request; ``None`` to go on to the view.
        """
        request = _req_ctx().request
        assert request is not None
        plan = self._plan_for(request)
        return _pipeline_sync.preprocess(self._app(), request, plan, call_inline)  # type: ignore[no-any-return]

    def dispatch_request(self) -> ft.ResponseReturnValue:
        """Call the matched view; raise the routing error if nothing matched.

        An automatic ``OPTIONS`` request is answered with the allowed methods.
        """
        request = _req_ctx().request
        assert request is not None
        if request.routing_exception is not None:
            self.raise_routing_exception(request)
        plan = self._plan_for(request)
        return _pipeline_sync.dispatch(self._app(), request, plan, call_inline)  # type: ignore[no-any-return]

    def raise_routing_exception(self, request: Request) -> NoReturn:
        """Raise the error that matching the request's URL ended in.

        Flask uses this hook to replace a redirect that would lose a form
        body in debug mode; kolben's routing redirects are all 308, which
        keep the body, so it only raises.

        :param request: The request whose ``routing_exception`` is set.
        """
        error = request.routing_exception
        assert error is not None
        raise error

    def finalize_request(
        self,
        rv: ft.ResponseReturnValue | HTTPException,
        from_error_handler: bool = False,
    ) -> Response:
        """Make the response, process it and send ``request_finished``.

        :param rv: What the view or an error handler returned.
        :param from_error_handler: The request already failed: an error here
            is logged rather than raised.
        """
        app = self._app()
        response = self.make_response(rv)
        try:
            response = self.process_response(response)
            if signals.request_finished.receivers:
                signals.request_finished.send(
                    app, _async_wrapper=app.ensure_sync, response=response
                )
        except Exception:
            if not from_error_handler:
                raise
            self.logger.exception(
                "Request finalizing failed with an error while handling an error"
            )
        return response

    def process_response(self, response: Response) -> Response:
        """Run the ``after_this_request`` and after-request functions; save the session.

        :param response: The response so far; each function may replace it.
        """
        ctx = _req_ctx()
        assert ctx.request is not None
        plan = self._plan_for(ctx.request)
        return _pipeline_sync.process_response(
            self._app(), ctx, plan, response, call_inline
        )

    def handle_http_exception(
        self, e: HTTPException
    ) -> HTTPException | ft.ResponseReturnValue:
        """Answer an HTTP error with its registered handler, or itself.

        Errors without a code, and routing redirects, are returned as they
        are: they are responses already.
        """
        if e.code is None or isinstance(e, RequestRedirect):
            return e
        handler = find_error_handler(self._app(), e, self._scopes())
        return e if handler is None else call_inline(handler, e)

    def handle_user_exception(
        self, e: Exception
    ) -> HTTPException | ft.ResponseReturnValue:
        """Answer an exception a view or hook raised with its handler.

        HTTP errors go to :meth:`handle_http_exception` unless
        :meth:`trap_http_exception` traps them; any other exception without
        a handler is raised again, for :meth:`handle_exception`.
        """
        if isinstance(e, BadRequestKeyError) and (
            self.debug or self.config["TRAP_BAD_REQUEST_ERRORS"]
        ):
            e.show_exception = True
        if isinstance(e, HTTPException) and not self.trap_http_exception(e):
            return self.handle_http_exception(e)
        handler = find_error_handler(self._app(), e, self._scopes())
        if handler is None:
            raise e
        return call_inline(handler, e)  # type: ignore[no-any-return]

    def handle_exception(self, e: Exception) -> Response:
        """Answer an exception nothing handled: a logged 500.

        ``got_request_exception`` is sent first. In testing and debug mode
        (``PROPAGATE_EXCEPTIONS``) the exception is raised again instead, as
        Flask does; in debug mode the protocol adapter then shows the debug
        page. A handler for 500 or ``InternalServerError`` shapes the answer.
        """
        app = self._app()
        if signals.got_request_exception.receivers:
            signals.got_request_exception.send(
                app, _async_wrapper=app.ensure_sync, exception=e
            )
        propagate = self.config["PROPAGATE_EXCEPTIONS"]
        if propagate is None:
            propagate = self.testing or self.debug
        if propagate:
            raise e
        self.log_exception(e)
        if self.debug:
            ctx = _cv_app.get(None)
            request = ctx.request if ctx is not None else None
            page = _dispatch.debug_response(app, request, e)
            if page is not None:
                return page
        server_error = InternalServerError(original_exception=e)
        handler = find_error_handler(app, server_error, self._scopes())
        rv: Any = server_error
        if handler is not None:
            rv = call_inline(handler, server_error)
        return self.finalize_request(rv, from_error_handler=True)

    def should_ignore_error(self, error: BaseException | None) -> bool:
        """Return whether teardown should be told there was no error.

        :param error: The exception that ended the request, if any.
        """
        return False

    def log_exception(self, exc_info: Any) -> None:
        """Log an unhandled exception with its request; override to customize.

        :param exc_info: The exception, or its ``sys.exc_info()`` tuple as
            Flask passes it.
        """
        if isinstance(exc_info, tuple):
            exc_info = exc_info[1]
        ctx = _cv_app.get(None)
        where = (
            f"{ctx.request.path} [{ctx.request.method}]" if ctx and ctx.request else ""
        )
        self.logger.error(f"Exception on {where}", exc_info=exc_info)

    def trap_http_exception(self, e: Exception) -> bool:
        """Return whether an HTTP error should propagate instead of answering.

        ``TRAP_HTTP_EXCEPTIONS`` traps them all; ``TRAP_BAD_REQUEST_ERRORS``
        traps 400s, and by default (``None``) a missing form or query key in
        debug mode, so its traceback shows which key.
        """
        if self.config["TRAP_HTTP_EXCEPTIONS"]:
            return True
        trap_bad_request = self.config["TRAP_BAD_REQUEST_ERRORS"]
        if trap_bad_request is None and self.debug:
            return isinstance(e, BadRequestKeyError)
        if trap_bad_request:
            from .http.exceptions import BadRequest

            return isinstance(e, BadRequest)
        return False

    # -- teardown ----------------------------------------------------------------

    def do_teardown_request(self, exc: BaseException | None = _sentinel) -> None:
        """Run the request's teardown functions and send ``request_tearing_down``.

        Every function runs, even after one fails; the first error is then
        raised.

        :param exc: The exception that ended the request; by default the one
            being handled.
        """
        if exc is _sentinel:
            import sys

            exc = sys.exc_info()[1]
        _pipeline_sync.teardown_request(self._app(), _req_ctx(), exc, call_inline)

    def do_teardown_appcontext(self, exc: BaseException | None = _sentinel) -> None:
        """Run the app-context teardown functions; send ``appcontext_tearing_down``.

        :param exc: The exception that ended the context; by default the one
            being handled.
        """
        if exc is _sentinel:
            import sys

            exc = sys.exc_info()[1]
        _pipeline_sync.teardown_appcontext(self._app(), exc, call_inline)

    # -- async and sync ----------------------------------------------------------

    def ensure_sync(self, func: Callable[..., Any]) -> Callable[..., Any]:
        """Return ``func``, or a sync wrapper that runs it if it is async.

        Async functions run on the worker's long-lived event loop.
        """
        if not inspect.iscoroutinefunction(func):
            return func
        return self.async_to_sync(func)

    def async_to_sync(self, func: Callable[..., Any]) -> Callable[..., Any]:
        """Return a sync function that runs the coroutine function ``func``.

        It runs on the worker's long-lived event loop (not a new loop per
        call, as Flask's does), so clients made in one call work in the next.
        """

        def wrapper(*args: Any, **kwargs: Any) -> Any:
            return run_coroutine_sync(func(*args, **kwargs))

        return wrapper

    # -- responses -----------------------------------------------------------------

    # PERF: every request runs this; each branch is one return form, taken
    # in the order of how common it is.
    def make_response(  # noqa: C901
        self, rv: ft.ResponseReturnValue | HTTPException
    ) -> Response:
        """Turn a view's return value into a response, as Flask does.

        Accepted: a Response, str, bytes, dict or list (JSON), an iterator or
        async iterator (streamed), an HTTP exception, or a tuple
        ``(body, status)``, ``(body, headers)`` or ``(body, status, headers)``.

        :param rv: The view's return value.
        """
        cls = self.response_class
        if type(rv) is cls:
            return rv  # PERF: the usual case, a response as it is
        status = headers = None
        if type(rv) is tuple:
            if len(rv) == 2 and type(rv[1]) is dict:
                # PERF: ``return text, {"Content-Type": ...}``, the commonest
                # form of API views, inline: the constructor's fast path, then
                # the field, checked once and kept (see _text_with_fields).
                fields = rv[1]
                if len(fields) == 1 and type(rv[0]) is str:
                    try:
                        field = _content_types.get(fields.get("Content-Type"))
                    except TypeError:  # an unhashable value, such as a list
                        field = None
                    if field is not None:
                        response = cls(rv[0])
                        made = response._headers._list
                        if made[0][0] == "Content-Type":
                            made[0] = field
                            return response
                fast = _text_with_fields(cls, rv[0], fields)
                if fast is not None:
                    return fast
            rv, status, headers = _unpack_tuple(rv)
        if not isinstance(rv, Response):
            t = type(rv)
            if t is str or t is bytes or t is bytearray:  # type: ignore[comparison-overlap]
                # PERF: status and headers go straight into the constructor.
                return cls(rv, status, headers)
            if t is dict or t is list:
                rv = self.json.response(rv)
            elif isinstance(rv, str | bytes | bytearray):
                # A subclass: Markup from a template helper, say.
                return cls(rv, status, headers)
            elif isinstance(rv, _STREAM_TYPES):
                return cls(rv, status, headers)
            else:
                rv = self._response_of(rv)
        if status is not None:
            rv.status = status
        if headers:
            rv.headers.update(headers)
        return rv

    def _response_of(self, rv: Any) -> Response:
        """Make a response of an HTTP error or a WSGI app; refuse anything else."""
        if rv is None:
            raise TypeError(_none_message())
        if isinstance(rv, HTTPException):
            return self._http_exception_response(rv)
        if callable(rv):
            # A WSGI application (another framework's response, say) is run
            # for its answer, as Flask's make_response does.
            request = _req_ctx().request
            assert request is not None
            return self.response_class.force_type(rv, request.environ)  # type: ignore[no-any-return]
        raise TypeError(
            "The view function did not return a valid response. The"
            " return type must be a string, dict, list, tuple with headers"
            " or status, Response instance, or iterator, but it was a"
            f" {type(rv).__name__}."
        )

    def _http_exception_response(self, e: HTTPException) -> Response:
        if e.response is not None:
            return self.make_response(e.response)
        if isinstance(e, RequestRedirect):
            ctx = _cv_app.get(None)
            location = e.new_url
            if ctx is not None and ctx.request is not None:
                req = ctx.request
                location = req.root_path + location
                if req._query:
                    location += "?" + req._query
            return self.response_class("", 308, {"Location": location})
        headers = e.get_headers()
        if headers == _DEFAULT_ERROR_HEADERS:
            # PERF: the same header as given, made by the constructor's fast path.
            return self.response_class(
                self._error_body(e), e.code, mimetype="text/html"
            )
        return self.response_class(self._error_body(e), e.code, headers)

    def _error_body(self, e: HTTPException) -> str:
        """Return the HTML page of an HTTP error.

        PERF: a default page (the class's own description and rendering)
        depends only on the class, so it is made once per class.
        """
        cls = type(e)
        if (
            e.description is cls.description
            and cls.get_body is HTTPException.get_body
            and cls.get_description is HTTPException.get_description
        ):
            body = self._error_pages.get(cls)
            if body is None:
                body = self._error_pages[cls] = e.get_body()
            return body
        return e.get_body()

    def make_default_options_response(self) -> Response:
        """Answer an automatic OPTIONS request with the Allow header."""
        request = _req_ctx().request
        assert request is not None
        methods = self.url_map.allowed_methods(
            request.path, domain=self._domain(request)
        )
        return self.response_class("", headers={"Allow": ", ".join(sorted(methods))})

    # -- helpers -------------------------------------------------------------------

    def _app(self) -> Kolben:
        return self  # type: ignore[return-value]

    def _scopes(self) -> tuple[str | None, ...]:
        """Return the blueprints whose error handlers apply now, innermost first."""
        ctx = _cv_app.get(None)
        if ctx is None or ctx.request is None:
            return (None,)
        return self._plan_for(ctx.request).scopes


def handle_generally(app: Kolben, ctx: AppContext) -> Response:
    """Serve one request by calling the app's dispatch methods, as Flask does.

    The path of an app that overrides any of :data:`OVERRIDABLE`; see the
    module docstring. It runs in the calling thread, under both protocols.
    """
    token = _cv_app.set(ctx)
    if token.old_value is not _dispatch.NO_CONTEXT:
        _dispatch.nest(ctx, token.old_value)
    error: BaseException | None = None
    try:
        try:
            return app.full_dispatch_request()
        except Exception as e:
            error = e
            return app.handle_exception(e)
    except BaseException as e:
        error = e
        raise
    finally:
        try:
            if ctx.preserve is not None:
                ctx.preserve(ctx)
            elif not ctx._defer_teardown:
                if app.should_ignore_error(error):
                    error = None
                app._teardown(ctx, error)
        finally:
            _cv_app.reset(token)


def teardown_generally(app: Kolben, ctx: AppContext, exc: BaseException | None) -> None:
    """End a context of an app on the general path, through its methods."""
    if ctx._is_copy:
        return
    first_error: BaseException | None = None
    if ctx.request is not None:
        try:
            app.do_teardown_request(exc)
        except Exception as e:
            first_error = e
    if ctx._owns_app_ctx:
        try:
            app.do_teardown_appcontext(exc)
        except Exception as e:
            first_error = first_error or e
    if first_error is not None:
        raise first_error


def _text_with_fields(
    cls: type[Response], body: Any, fields: dict[str, Any]
) -> Response | None:
    """Make ``(text, fields)`` into a response; ``None`` unless body is text.

    The result is what ``response.headers.update(fields)`` makes: a given
    Content-Type or Content-Length replaces the constructor's, other names
    are added.
    """
    if type(body) is not str and type(body) is not bytes:
        return None
    plan = _plan_fields(fields)
    response = cls(body)
    if plan is None:
        response.headers.update(fields)
        return response
    content_type, others = plan
    if content_type is not None and content_type[0] == "Content-Type" and not others:
        # PERF: make_response answers this dict from the cache next time.
        if len(_content_types) < 256:
            _content_types[content_type[1]] = content_type
    made = response._headers._list
    if content_type is not None:
        if made and made[0][0] == "Content-Type":
            made[0] = content_type
        else:
            made.append(content_type)
    if others:
        made.extend(others)
    return response


#: Checked Content-Type fields by value, for ``make_response``'s one-field
#: dict ``{"Content-Type": value}``, filled by :func:`_text_with_fields`.
_content_types: dict[Any, tuple[str, str]] = {}


def _plan_fields(
    fields: dict[str, Any],
) -> tuple[tuple[str, str] | None, list[tuple[str, str]]] | None:
    """Check a header dict: its Content-Type field, and the other fields.

    ``None`` when it needs ``update``'s general rules: a value that is not a
    string, a Content-Length, or names that differ only in case.
    """
    content_type = None
    others = []
    seen: set[str] = set()
    for name, value in fields.items():
        if type(value) is not str:
            return None
        lower = name.lower()
        if lower in seen or lower == "content-length":
            return None
        seen.add(lower)
        pair = check_field(name, value)
        if lower == "content-type":
            content_type = pair
        else:
            others.append(pair)
    return content_type, others


def _unpack_tuple(rv: tuple[Any, ...]) -> tuple[Any, Any, Any]:
    """Split ``(body, status, headers)``, ``(body, status)`` or ``(body, headers)``."""
    if len(rv) == 3:
        return rv[0], rv[1], rv[2]
    if len(rv) == 2:
        if isinstance(rv[1], _HEADER_TYPES):
            return rv[0], None, rv[1]
        return rv[0], rv[1], None
    raise TypeError(
        "The view function did not return a valid response tuple. The tuple must"
        " have the form (body, status, headers), (body, status), or"
        " (body, headers)."
    )


def _none_message() -> str:
    ctx = _cv_app.get(None)
    endpoint = ctx.request.endpoint if ctx and ctx.request else None
    return (
        f"The view function for {endpoint!r} did not return a valid response."
        " The function either returned None or ended without a return"
        " statement."
    )
