"""``@cache.cached``: what a cached view stores, under which key, and when.

A view's response is stored as a plain tuple (status, headers, body), which
the back end's serializer writes the same way from the sync and the async
path, so a process answers from an entry another process stored. Any other
function's return value is stored as it is, as Flask-Caching does.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..ctx import has_request_context
from ..globals import current_app, request
from ..helpers import url_for
from ..response import Response
from ..sessions import session_accessed

if TYPE_CHECKING:
    from .extension import Cache

logger = logging.getLogger("kolben.caching")

#: The first item of a stored response's tuple.
RESPONSE_TAG = "kolben.caching.response/1"
#: What a lookup returns when there is no entry.
MISS = object()


def call_flexibly(
    fn: Callable[..., Any], f: Callable[..., Any], *a: Any, **k: Any
) -> Any:
    """Call ``unless``/``forced_update`` with no arguments, or with the call's.

    Flask-Caching passes the function and its arguments to a callable that
    takes any.
    """
    try:
        takes = bool(inspect.signature(fn).parameters)
    except (TypeError, ValueError):
        takes = False
    return fn(f, *a, **k) if takes else fn()


def cacheable(response: Response) -> bool:
    """Whether a response may be shared: kolben's stricter default.

    SECURITY: only a successful response of a view that did not read the
    session (``current_user`` does), without ``Set-Cookie``, without
    ``Cache-Control: private`` or ``no-store`` and without ``Vary: *``; a
    cache that stored any other would hand one client's answer, or its
    cookie, to the next. ``CACHE_STRICT_RESPONSES = False`` restores
    Flask-Caching's behaviour (every return value is stored).
    """
    if not 200 <= response.status_code < 300:
        return False
    headers = response.headers
    if "Set-Cookie" in headers:
        return False
    for value in headers.getlist("Cache-Control"):
        for directive in value.lower().split(","):
            if directive.split("=", 1)[0].strip() in ("private", "no-store"):
                return False
    return not any(
        field.strip() == "*"
        for value in headers.getlist("Vary")
        for field in value.split(",")
    )


def snapshot(response: Response) -> tuple[Any, ...]:
    """Return the storable form of ``response``."""
    headers = [
        (k, v) for k, v in response.headers.items() if k.lower() != "content-length"
    ]
    return (RESPONSE_TAG, response.status_code, headers, response.get_data())


def revive(value: Any) -> Any:
    """Return what a stored value answers: a fresh response, or the value."""
    if type(value) is tuple and len(value) == 4 and value[0] == RESPONSE_TAG:
        return current_app.response_class(value[3], value[1], value[2])
    return value


class CachedView:
    """The settings of one ``@cache.cached`` function, and its key making."""

    def __init__(
        self, cache: Cache, f: Callable[..., Any], options: dict[str, Any]
    ) -> None:
        self.cache = cache
        self.f = f
        self.timeout = options["timeout"]
        self.key_prefix = options["key_prefix"]
        self.unless = options["unless"]
        self.forced_update = options["forced_update"]
        self.response_filter = options["response_filter"]
        self.query_string = options["query_string"]
        self.hash_method = options["hash_method"]
        self.cache_none = options["cache_none"]
        self.custom_key = options["make_cache_key"]
        self.source_check = options["source_check"]
        self.wrapper: Callable[..., Any] | None = None

    def bypass(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> bool:
        """Whether ``unless`` skips the cache for this call."""
        return bool(self.unless and call_flexibly(self.unless, self.f, *args, **kwargs))

    def forced(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> bool:
        """Whether ``forced_update`` asks for a fresh value."""
        return bool(
            self.forced_update
            and call_flexibly(self.forced_update, self.f, *args, **kwargs)
        )

    def key(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> str:
        """Return the entry's key for a call within the request."""
        if self.custom_key is not None:
            return str(self.custom_key(*args, **kwargs))
        return self.make_key(use_request=True)

    def make_key(
        self,
        path: str | None = None,
        query_args: Any = None,
        use_request: bool = False,
        **view_args: Any,
    ) -> str:
        """Return the key of the entry for ``path`` (the request's by default).

        :param path: the path, e.g. ``"/items"``.
        :param query_args: for ``query_string=True``: a query string, a
            mapping or pairs.
        :param view_args: outside a request, the view's arguments to build
            its path with ``url_for``.
        """
        prefix = self.key_prefix
        if callable(prefix):
            key = str(prefix())
        elif "%s" in prefix:
            if path is None:
                path = (
                    request.path
                    if use_request
                    else url_for(self.f.__name__, **view_args)
                )
            key = prefix % path
        else:
            key = prefix
        if self.query_string:
            key += self._query_hash(query_args)
        if self.cache._source_check(self.source_check):
            source = inspect.getsource(self.f).encode()
            key += self.cache._hash_method(self.hash_method)(source).hexdigest()
        return key

    def _query_hash(self, query_args: Any) -> str:
        if query_args is None:
            pairs = list(request.args.items(multi=True))
        elif isinstance(query_args, str):
            from ..http.urls import parse_qs

            pairs = list(parse_qs(query_args).items(multi=True))
        elif hasattr(query_args, "items"):
            pairs = list(query_args.items())
        else:
            pairs = list(query_args)
        text = str(tuple(sorted(pairs))).encode()
        return str(self.cache._hash_method(self.hash_method)(text).hexdigest())

    def shared_key_is_safe(self) -> bool:
        """Whether the key may be shared though the view read the session.

        SECURITY: a view that read the session (``current_user`` does)
        answers one visitor; under a key made from the path alone the next
        visitor would get that answer (``Vary: Cookie`` is added only after
        the view). It is stored only under a key the app makes itself
        (``make_cache_key`` or a callable ``key_prefix``), as a per-user
        key is.
        """
        return not session_accessed() or (
            self.custom_key is not None or callable(self.key_prefix)
        )

    def is_view(self) -> bool:
        """Whether the function runs as the request's view (then a response)."""
        view = current_app.view_functions.get(request.endpoint or "")
        while view is not None:
            if view is self.wrapper:
                return True
            view = getattr(view, "__wrapped__", None)
        return False

    def prepare(self, rv: Any) -> tuple[Any, Any]:
        """Return (what to store or ``MISS``, what to answer) for a result."""
        if inspect.isgenerator(rv):
            rv = "".join(str(part) for part in rv)
        stored: Any = rv
        if isinstance(rv, Response) or (has_request_context() and self.is_view()):
            response = current_app.make_response(rv)
            if self.cache._strict and not (
                cacheable(response) and self.shared_key_is_safe()
            ):
                return MISS, response
            stored = snapshot(response)
            rv = revive(stored)
        if self.response_filter is not None and not self.response_filter(rv):
            return MISS, rv
        return stored, rv
