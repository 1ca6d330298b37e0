"""The ``Cache`` extension object (Flask-Caching's API)."""

from __future__ import annotations

import hashlib
import inspect
import weakref
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from cachelib import BaseCache

from ..globals import current_app
from ._memoize import MemoizeMixin
from ._views import MISS, CachedView, logger, revive
from .backends import AsyncCache, make_backend

if TYPE_CHECKING:
    from ..app import Kolben

F = TypeVar("F", bound=Callable[..., Any])

#: Flask-Caching's defaults, and kolben's one addition.
DEFAULTS: dict[str, Any] = {
    "CACHE_DEFAULT_TIMEOUT": 300,
    "CACHE_IGNORE_ERRORS": False,
    "CACHE_THRESHOLD": 500,
    "CACHE_KEY_PREFIX": "flask_cache_",
    "CACHE_DIR": None,
    "CACHE_FILE_HASH_METHOD": hashlib.sha256,
    "CACHE_HASH_METHOD": hashlib.sha256,
    "CACHE_OPTIONS": None,
    "CACHE_ARGS": [],
    "CACHE_TYPE": "NullCache",
    "CACHE_NO_NULL_WARNING": False,
    "CACHE_SOURCE_CHECK": False,
    "CACHE_REDIS_HOST": "localhost",
    "CACHE_REDIS_PORT": 6379,
    "CACHE_REDIS_DB": 0,
    "CACHE_REDIS_PASSWORD": None,
    "CACHE_REDIS_URL": None,
    # kolben: store only responses safe to share (see docs/caching.md).
    "CACHE_STRICT_RESPONSES": True,
}


class Cache(MemoizeMixin):
    """Cache views and function results: Flask-Caching's ``Cache``.

    Example::

        cache = Cache(app, config={"CACHE_TYPE": "RedisCache",
                                   "CACHE_REDIS_URL": "redis://localhost:6379/0"})

        @app.route("/items")
        @cache.cached(timeout=60)
        async def items():
            return {"items": await load_items()}

    Sync views use the cachelib back end in their thread; async views its
    async twin on their loop (``redis.asyncio`` for Redis), with the same
    keys and serializer.

    :param app: an app to initialise now; or call :meth:`init_app`.
    :param with_jinja2_ext: accepted for Flask-Caching's signature; kolben
        has no ``{% cache %}`` template tag.
    :param config: ``CACHE_*`` settings that win over the app's config.
    """

    def __init__(
        self,
        app: Kolben | None = None,
        with_jinja2_ext: bool = True,
        config: dict[str, Any] | None = None,
    ) -> None:
        """Take the app (or call :meth:`init_app` later) and default config."""
        if not (config is None or isinstance(config, dict)):
            raise ValueError("`config` must be an instance of dict or None")
        self.config = config
        self.with_jinja2_ext = with_jinja2_ext
        self.source_check = False
        self.hash_method: Callable[..., Any] = hashlib.sha256
        self._strict = True
        self._async: weakref.WeakKeyDictionary[Kolben, AsyncCache] = (
            weakref.WeakKeyDictionary()
        )
        self.app = app
        if app is not None:
            self.init_app(app, config)

    def init_app(self, app: Kolben, config: dict[str, Any] | None = None) -> None:
        """Initialise ``app``: make its back end from ``CACHE_*`` config.

        :param app: the app.
        :param config: settings that win over the app's config and the
            constructor's.
        """
        if not (config is None or isinstance(config, dict)):
            raise ValueError("`config` must be an instance of dict or None")
        merged: dict[str, Any] = {}
        for key, value in DEFAULTS.items():
            merged[key] = app.config.setdefault(key, value)
        merged.update({k: v for k, v in app.config.items() if k.startswith("CACHE_")})
        merged.update(self.config or {})
        merged.update(config or {})
        if merged["CACHE_TYPE"] in ("NullCache", "null"):
            if not merged["CACHE_NO_NULL_WARNING"]:
                logger.warning(
                    "CACHE_TYPE is NullCache: caching is disabled. Set CACHE_TYPE"
                    " (SimpleCache, RedisCache, FileSystemCache) to cache."
                )
        if not callable(merged["CACHE_HASH_METHOD"]):
            raise ValueError("CACHE_HASH_METHOD must be a hash constructor")
        self.source_check = merged["CACHE_SOURCE_CHECK"]
        self.hash_method = merged["CACHE_HASH_METHOD"]
        self._strict = bool(merged["CACHE_STRICT_RESPONSES"])
        backend, async_backend = make_backend(merged)
        app.extensions.setdefault("cache", {})[self] = backend
        self._async[app] = async_backend
        self.app = app

    def _app(self) -> Kolben:
        try:
            return current_app._get_current_object()  # type: ignore[no-any-return]
        except RuntimeError:
            if self.app is None:
                raise
            return self.app

    @property
    def cache(self) -> BaseCache:
        """The app's back end, a cachelib cache (for what ``Cache`` lacks)."""
        return self._app().extensions["cache"][self]  # type: ignore[no-any-return]

    @property
    def async_cache(self) -> AsyncCache:
        """The app's back end for async code: ``await cache.async_cache.get(k)``."""
        return self._async[self._app()]

    def _source_check(self, value: bool | None) -> bool:
        return bool(self.source_check if value is None else value)

    def _hash_method(self, value: Callable[..., Any] | None) -> Callable[..., Any]:
        return value or self.hash_method

    # -- the back end's methods ----------------------------------------------------

    def get(self, key: str) -> Any:
        """Return the value of ``key``, or ``None``."""
        return self.cache.get(key)

    def has(self, key: str) -> bool:
        """Return whether ``key`` exists."""
        return bool(self.cache.has(key))

    def set(self, key: str, value: Any, timeout: int | None = None) -> Any:
        """Store ``value`` under ``key`` (for ``timeout`` seconds; 0: forever)."""
        return self.cache.set(key, value, timeout)

    def add(self, key: str, value: Any, timeout: int | None = None) -> bool:
        """Store ``value`` under ``key`` unless the key exists."""
        return bool(self.cache.add(key, value, timeout))

    def delete(self, key: str) -> bool:
        """Delete ``key``; return whether it existed."""
        return bool(self.cache.delete(key))

    def delete_many(self, *keys: str) -> list[str]:
        """Delete ``keys``; return those deleted."""
        return list(self.cache.delete_many(*keys))

    def clear(self) -> bool:
        """Delete every entry (of this prefix, for Redis)."""
        return bool(self.cache.clear())

    def get_many(self, *keys: str) -> list[Any]:
        """Return the values of ``keys``, ``None`` for each missing."""
        return list(self.cache.get_many(*keys))

    def set_many(
        self, mapping: dict[str, Any], timeout: int | None = None
    ) -> list[Any]:
        """Store every item of ``mapping``; return the keys stored."""
        return list(self.cache.set_many(mapping, timeout))

    def get_dict(self, *keys: str) -> dict[str, Any]:
        """Return ``{key: value}`` for ``keys``."""
        return dict(self.cache.get_dict(*keys))

    def inc(self, key: str, delta: int = 1) -> Any:
        """Add ``delta`` to the number under ``key``; return the new value."""
        return self.cache.inc(key, delta)

    def dec(self, key: str, delta: int = 1) -> Any:
        """Subtract ``delta`` from the number under ``key``; return the result."""
        return self.cache.dec(key, delta)

    # -- views ---------------------------------------------------------------------

    def cached(
        self,
        timeout: int | None = None,
        key_prefix: str | Callable[[], str] = "view/%s",
        unless: Callable[..., Any] | None = None,
        forced_update: Callable[..., Any] | None = None,
        response_filter: Callable[[Any], Any] | None = None,
        query_string: bool = False,
        hash_method: Callable[..., Any] | None = None,
        cache_none: bool = False,
        make_cache_key: Callable[..., str] | None = None,
        source_check: bool | None = None,
    ) -> Callable[[F], F]:
        """Cache a view's response (or any function's result) under a key.

        Example::

            @app.route("/")
            @cache.cached(timeout=50)
            def index():
                return render_template("index.html")

        :param timeout: seconds to keep it; ``CACHE_DEFAULT_TIMEOUT`` if not
            given.
        :param key_prefix: the key; ``%s`` becomes the request path. Or a
            function returning the key.
        :param unless: when it returns true, the cache is skipped.
        :param forced_update: when it returns true, a fresh value is stored.
        :param response_filter: given the result; when it returns false,
            the result is not stored.
        :param query_string: add a hash of the sorted query arguments.
        :param hash_method: the hash of keys; ``CACHE_HASH_METHOD``.
        :param cache_none: treat a stored ``None`` as a hit.
        :param make_cache_key: a function of the view's arguments that
            returns the key.
        :param source_check: add a hash of the function's source code.
        """
        options = dict(locals())

        def decorator(f: F) -> F:
            view = CachedView(self, f, options)
            wrapper = (
                self._async_cached(view)
                if inspect.iscoroutinefunction(f)
                else self._sync_cached(view)
            )
            view.wrapper = wrapper
            wrapper.uncached = f  # type: ignore[attr-defined]
            wrapper.cache_timeout = timeout  # type: ignore[attr-defined]
            wrapper.make_cache_key = view.make_key  # type: ignore[attr-defined]
            return wrapper  # type: ignore[return-value]

        return decorator

    def _lookup_failed(self) -> None:
        if self._app().debug:
            raise
        logger.exception("Exception possibly due to cache backend.")

    def _sync_cached(self, view: CachedView) -> Callable[..., Any]:
        f = view.f

        def cached_view(*args: Any, **kwargs: Any) -> Any:
            if view.bypass(args, kwargs):
                return f(*args, **kwargs)
            backend = self.cache
            try:
                key = view.key(args, kwargs)
                value = MISS if view.forced(args, kwargs) else backend.get(key)
                if value is None:
                    value = None if view.cache_none and backend.has(key) else MISS
            except Exception:
                self._lookup_failed()
                return f(*args, **kwargs)
            if value is not MISS:
                return revive(value)
            stored, rv = view.prepare(f(*args, **kwargs))
            if stored is not MISS:
                try:
                    backend.set(key, stored, timeout=view.timeout)
                except Exception:
                    self._lookup_failed()
            return rv

        return _wraps(f, cached_view)

    def _async_cached(self, view: CachedView) -> Callable[..., Any]:
        f = view.f

        async def cached_view(*args: Any, **kwargs: Any) -> Any:
            if view.bypass(args, kwargs):
                return await f(*args, **kwargs)
            backend = self.async_cache
            try:
                key = view.key(args, kwargs)
                value = MISS if view.forced(args, kwargs) else await backend.get(key)
                if value is None:
                    hit = view.cache_none and await backend.has(key)
                    value = None if hit else MISS
            except Exception:
                self._lookup_failed()
                return await f(*args, **kwargs)
            if value is not MISS:
                return revive(value)
            stored, rv = view.prepare(await f(*args, **kwargs))
            if stored is not MISS:
                try:
                    await backend.set(key, stored, timeout=view.timeout)
                except Exception:
                    self._lookup_failed()
            return rv

        return _wraps(f, cached_view)


def _wraps(f: Callable[..., Any], wrapper: Callable[..., Any]) -> Callable[..., Any]:
    import functools

    return functools.wraps(f)(wrapper)
