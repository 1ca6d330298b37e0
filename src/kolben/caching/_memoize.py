"""``@cache.memoize``: results cached by the function's arguments.

Each memoized function has a version, stored in the cache under
``<function>_memver``; every entry's key ends with it. ``delete_memoized``
of the function alone changes the version, which orphans every entry at
once (they expire); with arguments it deletes that one entry.
``delete_memoized_verhash`` deletes the version itself.
"""

from __future__ import annotations

import base64
import functools
import inspect
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from ._views import MISS, call_flexibly

if TYPE_CHECKING:
    from cachelib import BaseCache

    from .backends import AsyncCache

F = TypeVar("F", bound=Callable[..., Any])

#: How long a version lives: 30 days, as in Flask-Caching.
VERSION_TIMEOUT = 60 * 60 * 24 * 30


def function_name(f: Callable[..., Any]) -> str:
    """Return the name memoized entries of ``f`` are kept under."""
    f = getattr(f, "uncached", f)
    return f"{f.__module__}.{f.__qualname__}"


def _arguments(
    f: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]
) -> str:
    """Return the call's arguments in a form that ignores how they were passed."""
    try:
        bound = inspect.signature(f).bind(*args, **kwargs)
    except TypeError:
        return f"{args}{sorted(kwargs.items())}"
    bound.apply_defaults()
    values = []
    for name, value in bound.arguments.items():
        if name in ("self", "cls"):
            value = getattr(value, "__caching_id__", lambda v=value: repr(v))()
        values.append((name, value))
    return repr(values)


class MemoizeMixin:
    """The memoize part of :class:`~kolben.caching.Cache`."""

    if TYPE_CHECKING:

        @property
        def cache(self) -> BaseCache: ...

        @property
        def async_cache(self) -> AsyncCache: ...

    hash_method: Callable[..., Any]

    def _memvname(self, fname: str) -> str:
        return fname + "_memver"

    def _entry_key(
        self,
        fname: str,
        version: str,
        f: Callable[..., Any],
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
        hash_method: Callable[..., Any] | None,
    ) -> str:
        text = f"{fname}{_arguments(f, args, kwargs)}"
        digest = (hash_method or self.hash_method)(text.encode()).digest()
        return base64.b64encode(digest)[:16].decode() + version

    def memoize(
        self,
        timeout: int | None = None,
        make_name: Callable[[str], str] | None = None,
        unless: Callable[..., Any] | None = None,
        forced_update: Callable[..., Any] | None = None,
        response_filter: Callable[[Any], Any] | None = None,
        hash_method: Callable[..., Any] | None = None,
        cache_none: bool = False,
    ) -> Callable[[F], F]:
        """Cache a function's results by its arguments.

        Example::

            @cache.memoize(timeout=60)
            def user_count(group):
                return db.session.scalar(...)

            cache.delete_memoized(user_count, "admins")

        :param timeout: seconds to keep a result.
        :param make_name: a function of the function's name that returns
            the name to key its entries by.
        :param unless: when it returns true, the cache is skipped.
        :param forced_update: when it returns true, a fresh result is stored.
        :param response_filter: when it returns false for a result, the
            result is not stored.
        :param hash_method: the hash of keys; ``CACHE_HASH_METHOD``.
        :param cache_none: treat a stored ``None`` as a hit.
        """

        def decorator(f: F) -> F:
            fname = function_name(f)
            name = make_name(fname) if make_name else fname
            spec = (f, fname, name, timeout, unless, forced_update)
            more = (response_filter, hash_method, cache_none)
            if inspect.iscoroutinefunction(f):
                wrapper = self._async_memoized(*spec, *more)
            else:
                wrapper = self._sync_memoized(*spec, *more)
            wrapper = functools.wraps(f)(wrapper)
            wrapper.uncached = f  # type: ignore[attr-defined]
            wrapper.cache_timeout = timeout  # type: ignore[attr-defined]
            wrapper.memoize_name = name  # type: ignore[attr-defined]
            return wrapper  # type: ignore[return-value]

        return decorator

    def _sync_memoized(self, f: Any, fname: str, name: str, *rest: Any) -> Any:
        timeout, unless, forced, keep, hash_method, cache_none = rest

        def memoized(*args: Any, **kwargs: Any) -> Any:
            if unless and call_flexibly(unless, f, *args, **kwargs):
                return f(*args, **kwargs)
            backend = self.cache
            version = backend.get(self._memvname(fname))
            if version is None:
                version = uuid.uuid4().hex[:6]
                backend.set(self._memvname(fname), version, VERSION_TIMEOUT)
            key = self._entry_key(name, version, f, args, kwargs, hash_method)
            value: Any = MISS
            if not (forced and call_flexibly(forced, f, *args, **kwargs)):
                value = backend.get(key)
                if value is None and not (cache_none and backend.has(key)):
                    value = MISS
            if value is MISS:
                value = f(*args, **kwargs)
                if keep is None or keep(value):
                    backend.set(key, value, timeout)
            return value

        return memoized

    def _async_memoized(self, f: Any, fname: str, name: str, *rest: Any) -> Any:
        timeout, unless, forced, keep, hash_method, cache_none = rest

        async def memoized(*args: Any, **kwargs: Any) -> Any:
            if unless and call_flexibly(unless, f, *args, **kwargs):
                return await f(*args, **kwargs)
            backend = self.async_cache
            version = await backend.get(self._memvname(fname))
            if version is None:
                version = uuid.uuid4().hex[:6]
                await backend.set(self._memvname(fname), version, VERSION_TIMEOUT)
            key = self._entry_key(name, version, f, args, kwargs, hash_method)
            value: Any = MISS
            if not (forced and call_flexibly(forced, f, *args, **kwargs)):
                value = await backend.get(key)
                if value is None and not (cache_none and await backend.has(key)):
                    value = MISS
            if value is MISS:
                value = await f(*args, **kwargs)
                if keep is None or keep(value):
                    await backend.set(key, value, timeout)
            return value

        return memoized

    def delete_memoized(self, f: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
        """Forget ``f``'s cached results: all of them, or those of the arguments.

        Example::

            cache.delete_memoized(user_count)            # every result
            cache.delete_memoized(user_count, "admins")  # this call's

        :param f: the memoized function.
        """
        fname = function_name(f)
        if not (args or kwargs):
            self.cache.set(self._memvname(fname), uuid.uuid4().hex[:6], VERSION_TIMEOUT)
            return
        version = self.cache.get(self._memvname(fname))
        if version is None:
            return
        inner = getattr(f, "uncached", f)
        name = getattr(f, "memoize_name", fname)
        self.cache.delete(self._entry_key(name, version, inner, args, kwargs, None))

    def delete_memoized_verhash(self, f: Callable[..., Any], *args: Any) -> None:
        """Delete ``f``'s version, so that every cached result of it is lost.

        :param f: the memoized function.
        """
        self.cache.delete(self._memvname(function_name(f)))
