"""Cache back ends: cachelib's, made from ``CACHE_*`` config, with async twins.

Each back end is a cachelib cache (the sync path) and an async adapter
over the same entries (the path of async views):

- ``SimpleCache`` and ``NullCache`` do no I/O: the adapter calls them in
  place, on the loop.
- ``FileSystemCache`` reads and writes files: the adapter runs it in a
  worker thread, so the loop never waits for the disk.
- ``RedisCache`` talks to Redis: the adapter uses ``redis.asyncio``, one
  client per event loop, with the cachelib cache's own key prefix, timeout
  rules and serializer, so a value written by either path is read by the
  other, in this process or any other sharing the server.
"""

from __future__ import annotations

import asyncio
import functools
import weakref
from typing import Any

from cachelib import BaseCache, FileSystemCache, NullCache, RedisCache, SimpleCache

#: ``CACHE_TYPE`` values, with the lowercase names of older Flask-Caching.
CACHE_TYPES = {
    "NullCache": "NullCache",
    "null": "NullCache",
    "SimpleCache": "SimpleCache",
    "simple": "SimpleCache",
    "FileSystemCache": "FileSystemCache",
    "filesystem": "FileSystemCache",
    "RedisCache": "RedisCache",
    "redis": "RedisCache",
}


def make_backend(config: dict[str, Any]) -> tuple[BaseCache, AsyncCache]:
    """Return the cache ``config`` names and its async adapter.

    :param config: the app's config merged with the extension's.
    :raises ValueError: ``CACHE_TYPE`` names no known back end.
    """
    name = config["CACHE_TYPE"]
    kind = CACHE_TYPES.get(name)
    if kind is None:
        raise ValueError(
            f"Unknown CACHE_TYPE {name!r}: use one of SimpleCache, RedisCache,"
            " FileSystemCache or NullCache."
        )
    args = list(config["CACHE_ARGS"])
    options: dict[str, Any] = {
        "default_timeout": config["CACHE_DEFAULT_TIMEOUT"],
        "ignore_delete_many_errors": config["CACHE_IGNORE_ERRORS"],
    }
    if kind == "RedisCache":
        return _redis(config, args, options)
    options.update(config["CACHE_OPTIONS"] or {})
    if kind == "NullCache":
        options.pop("ignore_delete_many_errors")
        null = NullCache(*args, **options)
        return null, AsyncCache(null)
    if kind == "SimpleCache":
        options.setdefault("threshold", config["CACHE_THRESHOLD"])
        simple = SimpleCache(*args, **options)
        return simple, AsyncCache(simple)
    if config["CACHE_DIR"] is None:
        raise ValueError("CACHE_TYPE FileSystemCache needs CACHE_DIR, the folder.")
    options.setdefault("threshold", config["CACHE_THRESHOLD"])
    options.setdefault("hash_method", config["CACHE_FILE_HASH_METHOD"])
    files = FileSystemCache(config["CACHE_DIR"], *args, **options)
    return files, ThreadedAsyncCache(files)


def _redis(
    config: dict[str, Any], args: list[Any], options: dict[str, Any]
) -> tuple[BaseCache, AsyncCache]:
    import redis

    connection: dict[str, Any] = dict(config["CACHE_OPTIONS"] or {})
    url = config.get("CACHE_REDIS_URL")
    if not url:
        connection.update(
            host=config.get("CACHE_REDIS_HOST", "localhost"),
            port=config.get("CACHE_REDIS_PORT", 6379),
            db=config.get("CACHE_REDIS_DB", 0),
        )
        if config.get("CACHE_REDIS_PASSWORD"):
            connection["password"] = config["CACHE_REDIS_PASSWORD"]
    if config.get("CACHE_KEY_PREFIX"):
        options["key_prefix"] = config["CACHE_KEY_PREFIX"]
    client = (
        redis.Redis.from_url(url, **connection) if url else redis.Redis(**connection)
    )
    cache = RedisCache(client, *args, **options)
    return cache, AsyncRedisCache(cache, url, connection)


class AsyncCache:
    """The async face of a cache that does no I/O: calls it in place.

    :param cache: the cachelib cache.
    """

    def __init__(self, cache: BaseCache) -> None:
        """Wrap the sync ``cache``."""
        self.cache = cache

    async def _call(self, name: str, *args: Any, **kwargs: Any) -> Any:
        return getattr(self.cache, name)(*args, **kwargs)

    async def get(self, key: str) -> Any:
        """Return the value of ``key``, or ``None``."""
        return await self._call("get", key)

    async def set(self, key: str, value: Any, timeout: Any = None) -> Any:
        """Store ``value`` under ``key``."""
        return await self._call("set", key, value, timeout)

    async def add(self, key: str, value: Any, timeout: Any = None) -> Any:
        """Store ``value`` under ``key`` unless the key exists."""
        return await self._call("add", key, value, timeout)

    async def delete(self, key: str) -> Any:
        """Delete ``key``."""
        return await self._call("delete", key)

    async def has(self, key: str) -> bool:
        """Return whether ``key`` exists."""
        return bool(await self._call("has", key))


class ThreadedAsyncCache(AsyncCache):
    """The async face of a cache that does blocking I/O: runs it in a thread."""

    async def _call(self, name: str, *args: Any, **kwargs: Any) -> Any:
        call = functools.partial(getattr(self.cache, name), *args, **kwargs)
        return await asyncio.to_thread(call)


class AsyncRedisCache(AsyncCache):
    """The async face of a cachelib ``RedisCache``, on ``redis.asyncio``.

    :param cache: the sync cache, whose prefix, timeouts and serializer it
        uses.
    :param url: the ``CACHE_REDIS_URL``, if the config names one.
    :param connection: the client's other arguments.
    """

    def __init__(
        self, cache: RedisCache, url: str | None, connection: dict[str, Any]
    ) -> None:
        """Wrap ``cache``, connecting to ``url`` or using ``connection``."""
        super().__init__(cache)
        self.redis_cache = cache
        self._url = url
        self._connection = connection
        self._clients: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Any] = (
            weakref.WeakKeyDictionary()
        )

    def client(self) -> Any:
        """Return the running loop's client, made on first use."""
        import redis.asyncio

        loop = asyncio.get_running_loop()
        client = self._clients.get(loop)
        if client is None:
            if self._url:
                client = redis.asyncio.Redis.from_url(self._url, **self._connection)
            else:
                client = redis.asyncio.Redis(**self._connection)
            self._clients[loop] = client
        return client

    def _key(self, key: str) -> str:
        return f"{self.redis_cache._get_prefix()}{key}"

    async def get(self, key: str) -> Any:
        """Return the value of ``key``, or ``None``."""
        raw = await self.client().get(self._key(key))
        return self.redis_cache.serializer.loads(raw)

    async def set(self, key: str, value: Any, timeout: Any = None) -> Any:
        """Store ``value`` under ``key`` for ``timeout`` seconds."""
        seconds = self.redis_cache._normalize_timeout(timeout)
        dump = self.redis_cache.serializer.dumps(value)
        ex = seconds if seconds != -1 else None
        return await self.client().set(self._key(key), dump, ex=ex)

    async def add(self, key: str, value: Any, timeout: Any = None) -> Any:
        """Store ``value`` under ``key`` unless the key exists."""
        seconds = self.redis_cache._normalize_timeout(timeout)
        dump = self.redis_cache.serializer.dumps(value)
        ex = seconds if seconds != -1 else None
        return bool(await self.client().set(self._key(key), dump, ex=ex, nx=True))

    async def delete(self, key: str) -> Any:
        """Delete ``key``."""
        return bool(await self.client().delete(self._key(key)))

    async def has(self, key: str) -> bool:
        """Return whether ``key`` exists."""
        return bool(await self.client().exists(self._key(key)))
