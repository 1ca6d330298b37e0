"""The context-bound globals: ``request``, ``session``, ``g``, ``current_app``.

One ``ContextVar`` holds the current context. contextvars follow both threads
(each thread starts empty) and asyncio tasks (each task copies its creator's
context), which is why one mechanism serves WSGI and ASGI alike.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    from .app import Kolben
    from .ctx import AppContext, _AppCtxGlobals
    from .request import Request
    from .sessions import SessionMixin

_cv_app: ContextVar[AppContext] = ContextVar("kolben.ctx")

_no_app_msg = """\
Working outside of application context.

This typically means that you attempted to use functionality that needed
the current application. To solve this, set up an application context
with `with app.app_context():`. See the documentation for more information."""

_no_req_msg = """\
Working outside of request context.

This typically means that you attempted to use functionality that needed
an active HTTP request. Use `with app.test_request_context():` in tests and
scripts, or run the code inside a view. See the documentation for more
information."""


def _app_ctx() -> AppContext:
    ctx = _cv_app.get(None)
    if ctx is None:
        raise RuntimeError(_no_app_msg)
    return ctx


def _req_ctx() -> AppContext:
    ctx = _cv_app.get(None)
    if ctx is None or ctx.request is None:
        raise RuntimeError(_no_req_msg)
    return ctx


class _RequestContextVar:
    """Flask's ``_cv_request``: the current context while it has a request.

    kolben keeps one context variable; this reads it as Flask's second one
    would read, for extensions that call ``_cv_request.get(None)``.
    """

    name = "kolben.request_ctx"

    def get(self, *default: Any) -> AppContext:
        """Return the current request context, or ``default`` if there is none.

        :param default: Returned outside a request; without it, LookupError.
        """
        ctx = _cv_app.get(None)
        if ctx is not None and ctx.request is not None:
            return ctx
        if default:
            return default[0]  # type: ignore[no-any-return]
        raise LookupError(self.name)


_cv_request = _RequestContextVar()


class _Proxy:
    """Forward attribute and item access to an object found by ``get``.

    PERF: a hand-written proxy with ``__slots__`` and no per-access allocation;
    the generic proxies in other libraries cost several times as much.

    :param get: Returns the object; raises RuntimeError outside its context.
    :param name: What the proxy stands for, for its ``repr`` when unbound.
    """

    __slots__ = ("_get", "_name")

    def __init__(self, get: Callable[[], Any], name: str = "object") -> None:
        object.__setattr__(self, "_get", get)
        object.__setattr__(self, "_name", name)

    def _get_current_object(self) -> Any:
        """Return the object this proxy stands for in the current context."""
        return self._get()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._get(), name)

    def __setattr__(self, name: str, value: Any) -> None:
        setattr(self._get(), name, value)

    def __delattr__(self, name: str) -> None:
        delattr(self._get(), name)

    def __getitem__(self, key: Any) -> Any:
        return self._get()[key]

    def __setitem__(self, key: Any, value: Any) -> None:
        self._get()[key] = value

    def __delitem__(self, key: Any) -> None:
        del self._get()[key]

    def __contains__(self, key: Any) -> bool:
        return key in self._get()

    def __iter__(self) -> Iterator[Any]:
        return iter(self._get())

    def __len__(self) -> int:
        return len(self._get())

    def __bool__(self) -> bool:
        try:
            return bool(self._get())
        except RuntimeError:
            return False

    def __eq__(self, other: object) -> bool:
        return bool(self._get() == other)

    def __ne__(self, other: object) -> bool:
        return bool(self._get() != other)

    __hash__ = None  # type: ignore[assignment]

    def __enter__(self) -> Any:
        # Special methods are looked up on the type, never via __getattr__.
        return self._get().__enter__()

    def __exit__(self, *exc_info: Any) -> Any:
        return self._get().__exit__(*exc_info)

    def __repr__(self) -> str:
        try:
            return repr(self._get())
        except RuntimeError:
            return f"<kolben.{self._name}: unbound>"


def _get_app() -> Kolben:
    # PERF: every access through the proxy runs this; _app_ctx is inlined.
    ctx = _cv_app.get(None)
    if ctx is None:
        raise RuntimeError(_no_app_msg)
    return ctx.app


def _get_g() -> _AppCtxGlobals:
    return _app_ctx().g


def _get_request() -> Request:
    # PERF: every access through the proxy runs this; _req_ctx is inlined.
    ctx = _cv_app.get(None)
    if ctx is None or ctx.request is None:
        raise RuntimeError(_no_req_msg)
    return ctx.request


def _get_session() -> SessionMixin:
    return _req_ctx().session


current_app: Kolben = cast("Kolben", _Proxy(_get_app, "current_app"))
g: _AppCtxGlobals = cast("_AppCtxGlobals", _Proxy(_get_g, "g"))
request: Request = cast("Request", _Proxy(_get_request, "request"))
session: SessionMixin = cast("SessionMixin", _Proxy(_get_session, "session"))
#: The current application context (Flask's ``app_ctx``): false outside one.
app_ctx: AppContext = cast("AppContext", _Proxy(_app_ctx, "app_ctx"))
#: The current request context (Flask's ``request_ctx``). kolben has one
#: context object, so inside a request this is the same object as ``app_ctx``.
request_ctx: AppContext = cast("AppContext", _Proxy(_req_ctx, "request_ctx"))
