"""Application and request contexts.

kolben keeps a single context object: an :class:`AppContext` that carries the
request while one is being handled. ``RequestContext`` is the same class under
Flask's name. The current context lives in one ``ContextVar`` (``globals.py``).
"""

from __future__ import annotations

import contextvars
import functools
from collections.abc import Callable, Iterator
from types import TracebackType
from typing import TYPE_CHECKING, Any, TypeVar

from . import signals
from .globals import _cv_app, _req_ctx

if TYPE_CHECKING:
    from .app import Kolben
    from .request import Request
    from .response import Response
    from .routing import MapAdapter
    from .sessions import SessionMixin
    from .websocket import WebSocket

F = TypeVar("F", bound=Callable[..., Any])
_sentinel: Any = object()


class _AppCtxGlobals:
    """The ``g`` namespace: per-context storage for anything a request needs.

    Use it like an object (``g.user = ...``) or like a small dict
    (``g.get("user")``, ``"user" in g``, ``g.pop("user")``).
    """

    if TYPE_CHECKING:
        # Any attribute may be set on ``g``; tell the type checker so.
        def __getattr__(self, name: str) -> Any: ...
        def __setattr__(self, name: str, value: Any) -> None: ...

    def get(self, name: str, default: Any = None) -> Any:
        """Return the attribute ``name`` or ``default`` if it is not set."""
        return self.__dict__.get(name, default)

    def pop(self, name: str, default: Any = _sentinel) -> Any:
        """Remove and return ``name``; raise KeyError unless a default is given."""
        if default is _sentinel:
            return self.__dict__.pop(name)
        return self.__dict__.pop(name, default)

    def setdefault(self, name: str, default: Any = None) -> Any:
        """Return ``name``, setting it to ``default`` first if it is missing."""
        return self.__dict__.setdefault(name, default)

    def __contains__(self, name: str) -> bool:
        return name in self.__dict__

    def __iter__(self) -> Iterator[str]:
        return iter(self.__dict__)

    def __repr__(self) -> str:
        return f"<kolben.g of {_current_app_name()!r}>"


def _current_app_name() -> str:
    ctx = _cv_app.get(None)
    return ctx.app.name if ctx is not None else "unbound"


class AppContext:
    """The state of one application context, and of one request if it has one.

    Pushed for every request by the protocol adapters, and by hand with
    ``app.app_context()`` or ``app.test_request_context()``.

    :param app: the application.
    :param request: the request being handled, or ``None`` for an
        application context without a request.
    """

    # PERF: one of these is made per request, so everything a request
    # usually leaves alone is a class-level default and __init__ sets two
    # attributes.
    _g: _AppCtxGlobals | None = None
    _session: SessionMixin | None = None
    _after_request_functions: list[Callable[[Response], Response]] | None = None
    _tokens: list[contextvars.Token[AppContext]] | None = None
    _owns_app_ctx = True
    _is_copy = False
    #: Set while a streamed response still needs the context.
    _defer_teardown = False
    #: The test client's hook to keep the context after the request.
    preserve: Callable[[AppContext], None] | None = None
    #: The request teardown functions for the matched blueprint; ``None``
    #: means the app's own.
    _teardown_request: tuple[Callable[..., Any], ...] | None = None
    #: The WebSocket connection, in a context that serves one.
    _websocket: WebSocket | None = None
    #: The background tasks to start once the response is sent.
    _background: list[Any] | None = None

    def __init__(self, app: Kolben, request: Request | None = None) -> None:
        """Take the app, and the request this context carries if any."""
        self.app = app
        self.request = request

    @property
    def url_adapter(self) -> MapAdapter | None:
        """The URL adapter of this context, from ``app.create_url_adapter``.

        Made on first use; a request matched through an app's own
        ``create_url_adapter`` keeps the adapter it was matched with.
        """
        request = self.request
        adapter = request.url_adapter if request is not None else None
        if adapter is None:
            adapter = self.app.create_url_adapter(request)
            if request is not None:
                request.url_adapter = adapter
        return adapter

    @property
    def g(self) -> _AppCtxGlobals:
        """The ``g`` namespace of this context."""
        if self._g is None:
            self._g = self.app.app_ctx_globals_class()
        return self._g

    @g.setter
    def g(self, value: _AppCtxGlobals) -> None:
        self._g = value

    @property
    def session(self) -> SessionMixin:
        """The session, opened through ``app.session_interface`` on first use.

        Using it marks the session accessed, so the response gets
        ``Vary: Cookie`` even when only its keys were looked at.
        """
        sess = self._session
        if sess is None:
            assert self.request is not None
            interface = self.app.session_interface
            sess = interface.open_session(self.app, self.request)
            if sess is None:
                sess = interface.make_null_session(self.app)
            self._session = sess
        # SECURITY: ``"user" in session`` changes the page as much as
        # ``session["user"]`` does; a cache must not share either.
        sess.accessed = True
        return sess

    @session.setter
    def session(self, value: SessionMixin) -> None:
        self._session = value

    def push(self) -> None:
        """Make this the current context."""
        outer = _cv_app.get(None)
        if (
            self.request is not None
            and outer is not None
            and outer.app is self.app
            and outer.request is None
        ):
            # A request pushed inside an app context of the same app shares
            # its ``g`` and leaves app teardown to the outer context, as in Flask.
            self.g = outer.g
            self._owns_app_ctx = False
        if self._tokens is None:
            self._tokens = []
        self._tokens.append(_cv_app.set(self))
        if self._owns_app_ctx and signals.appcontext_pushed.receivers:
            signals.appcontext_pushed.send(
                self.app, _async_wrapper=self.app.ensure_sync
            )

    def pop(self, exc: BaseException | None = _sentinel) -> None:
        """Run the teardown functions and restore the previous context.

        :param exc: the exception that ended the request, if any; by default the
            one currently being handled.
        """
        if exc is _sentinel:
            import sys

            exc = sys.exc_info()[1]
        tokens = self._tokens
        if not tokens:
            raise RuntimeError("This context was popped more often than pushed.")
        try:
            if len(tokens) == 1:
                self.app._teardown(self, exc)
        finally:
            _cv_app.reset(tokens.pop())
        if self._owns_app_ctx and signals.appcontext_popped.receivers:
            signals.appcontext_popped.send(
                self.app, _async_wrapper=self.app.ensure_sync
            )

    def copy(self) -> AppContext:
        """Return a context for the same app, request, ``g`` and session."""
        ctx = type(self)(self.app, self.request)
        ctx.g = self.g
        ctx._session = self._session
        ctx._is_copy = True
        return ctx

    def __enter__(self) -> AppContext:
        """Push the context."""
        self.push()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Pop the context, passing on the exception if any."""
        self.pop(exc)

    def __repr__(self) -> str:
        """Return a representation for debugging."""
        if self.request is None:
            return f"<AppContext of {self.app.name!r}>"
        r = self.request
        return f"<RequestContext {r.method} {r.path!r} of {self.app.name!r}>"


class _RequestContextType(type):
    """Makes every context that carries a request a ``RequestContext``."""

    def __instancecheck__(cls, obj: object) -> bool:
        return isinstance(obj, AppContext) and obj.request is not None


class RequestContext(AppContext, metaclass=_RequestContextType):
    """Flask's request context: an :class:`AppContext` that has a request.

    kolben keeps one context object, so this only builds one the way Flask's
    constructor does; every context with a request (those the adapters push
    too) is an instance of it.

    :param app: The application.
    :param environ: A WSGI environ the request is made from.
    :param request: The request, instead of making one from ``environ``.
    :param session: A session to use instead of opening one.
    """

    def __init__(
        self,
        app: Kolben,
        environ: dict[str, Any],
        request: Request | None = None,
        session: SessionMixin | None = None,
    ) -> None:
        """Take the app and a WSGI environ or a made request, and its session."""
        if request is None:
            request = app.request_class(environ, app=app)
        super().__init__(app, request)
        if session is not None:
            self._session = session

    def match_request(self) -> None:
        """Match the request's URL, keeping a routing error for dispatch."""
        app = self.app
        assert self.request is not None
        if app._got_first_request:
            plan = app._match(self.request)
        else:
            plan = app._match_unfrozen(self.request)
        self._teardown_request = plan.teardown


def has_request_context() -> bool:
    """Return whether a request context is active (in a view, a hook, a test)."""
    ctx = _cv_app.get(None)
    return ctx is not None and ctx.request is not None


def has_app_context() -> bool:
    """Return whether an application context is active."""
    return _cv_app.get(None) is not None


def after_this_request(f: F) -> F:
    """Run ``f`` on the response of the current request only.

    Example::

        @app.route("/")
        def index():
            @after_this_request
            def add_header(response):
                response.headers["X-Foo"] = "Parachute"
                return response
            return "Hello"
    """
    ctx = _req_ctx()
    if ctx._after_request_functions is None:
        ctx._after_request_functions = []
    ctx._after_request_functions.append(f)
    return f


def copy_current_request_context(f: F) -> F:
    """Wrap ``f`` so it runs in a copy of the current request context.

    Use it to hand work to a thread or task that needs ``request`` or
    ``session``::

        @copy_current_request_context
        def work():
            print(request.path)
        threading.Thread(target=work).start()
    """
    ctx = _req_ctx().copy()

    if _is_coroutine_function(f):

        async def async_wrapper(*args: Any, **kwargs: Any) -> Any:
            with ctx:
                return await f(*args, **kwargs)

        return functools.update_wrapper(async_wrapper, f)  # type: ignore[return-value]

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with ctx:
            return f(*args, **kwargs)

    return functools.update_wrapper(wrapper, f)  # type: ignore[return-value]


def _is_coroutine_function(f: Any) -> bool:
    import inspect

    return inspect.iscoroutinefunction(f)
