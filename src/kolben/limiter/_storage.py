"""The limiter's storages: sync, async per event loop, and the fallback.

``memory://`` is one in-process counter for both kinds of code: it does no
I/O, so it is checked in place wherever the request runs. A storage that
does I/O (``redis://``) has a sync client, used from threads, and an async
client (``limits.aio`` on ``redis.asyncio``) for each event loop that uses
it, since an asyncio connection belongs to the loop it was made on. Both
use the same keys and scripts, so sync and async endpoints count into the
same buckets.
"""

from __future__ import annotations

import asyncio
import time
import weakref
from typing import Any

from limits.aio.strategies import STRATEGIES as AIO_STRATEGIES
from limits.aio.strategies import RateLimiter as AsyncRateLimiter
from limits.errors import ConfigurationError
from limits.storage import MemoryStorage, Storage, storage_from_string
from limits.strategies import STRATEGIES, RateLimiter

from .constants import MAX_BACKEND_CHECKS

_REDIS_SCHEMES = ("redis://", "rediss://", "redis+unix://")


def _async_uri(uri: str, options: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """Return the ``limits.aio`` URI and options for the sync ``uri``."""
    if uri.startswith(_REDIS_SCHEMES):
        # redis.asyncio (kolben[redis]) rather than limits' default, coredis.
        return "async+" + uri, {"implementation": "redispy", **options}
    return "async+" + uri, options


class Storages:
    """The storages of one limiter, and whether the main one is down.

    :param uri: the storage URI, ``memory://`` or ``redis://host:port/db``.
    :param options: keyword arguments for the storage classes.
    :param strategy: ``fixed-window``, ``moving-window`` or
        ``sliding-window-counter``.
    :param fallback: whether to count in memory while the storage is down.
    """

    def __init__(
        self, uri: str, options: dict[str, Any], strategy: str, fallback: bool
    ) -> None:
        if strategy not in STRATEGIES:
            raise ConfigurationError(f"Invalid rate limiting strategy {strategy}")
        self.uri = uri
        self.options = options
        self.strategy_name = strategy
        self.storage: Storage = storage_from_string(uri, **options)  # type: ignore[assignment]
        self.limiter: RateLimiter = STRATEGIES[strategy](self.storage)
        #: Whether checking may wait for the network: then async code
        #: awaits the async client instead.
        self.does_io = not isinstance(self.storage, MemoryStorage)
        self._async: weakref.WeakKeyDictionary[
            asyncio.AbstractEventLoop, tuple[Any, AsyncRateLimiter]
        ] = weakref.WeakKeyDictionary()
        self.fallback: RateLimiter | None = None
        if fallback:
            self.fallback = STRATEGIES[strategy](MemoryStorage())
        #: Whether the main storage failed and the fallback counts instead.
        self.dead = False
        self._checks = 0
        self._last_check = time.time()

    def async_limiter(self) -> AsyncRateLimiter:
        """Return the async strategy for the running loop, made on first use."""
        loop = asyncio.get_running_loop()
        entry = self._async.get(loop)
        if entry is None:
            uri, options = _async_uri(self.uri, self.options)
            storage = storage_from_string(uri, **options)
            strategy: Any = AIO_STRATEGIES[self.strategy_name]
            entry = (storage, strategy(storage))
            self._async[loop] = entry
        return entry[1]

    def async_storage(self) -> Any:
        """Return the async storage of the running loop."""
        self.async_limiter()
        return self._async[asyncio.get_running_loop()][0]

    def should_check(self) -> bool:
        """Whether to see if the dead storage is back: 1, 2, 4 ... s apart."""
        if self._checks > MAX_BACKEND_CHECKS:
            self._checks = 0
        now = time.time()
        if now - self._last_check > 2**self._checks:
            self._last_check = now
            self._checks += 1
            return True
        return False

    def recovered(self) -> None:
        """Use the main storage again."""
        self.dead = False
        self._checks = 0
