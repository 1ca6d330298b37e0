"""``Broadcast``: subscriptions and their queues, over a back end."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from ..app import Kolben

#: Messages a slow subscriber may have waiting before it is dropped.
QUEUE_SIZE = 1000


@dataclass(frozen=True)
class Event:
    """One message published on a channel.

    :param channel: the channel it was published on.
    :param message: the message text.
    """

    channel: str
    message: str


class Backend(Protocol):
    """What a broadcast back end does: connect, pub/sub, and deliver."""

    async def connect(self) -> None: ...
    async def disconnect(self) -> None: ...
    async def subscribe(self, channel: str) -> None: ...
    async def unsubscribe(self, channel: str) -> None: ...
    async def publish(self, channel: str, message: str) -> None: ...


class Subscriber:
    """The events of one subscription: ``async for event in subscriber``.

    :param queue: where the broadcast puts the channel's events.
    """

    def __init__(self, queue: asyncio.Queue[Event | None]) -> None:
        self._queue = queue

    async def get(self) -> Event:
        """Wait for the next event.

        :raises RuntimeError: the subscriber fell too far behind and was
            dropped (see ``QUEUE_SIZE``).
        """
        event = await self._queue.get()
        if event is None:
            raise RuntimeError(
                "This subscriber fell behind by more than"
                f" {QUEUE_SIZE} messages and was dropped."
            )
        return event

    def __aiter__(self) -> AsyncIterator[Event]:
        return self._events()

    async def _events(self) -> AsyncIterator[Event]:
        while True:
            yield await self.get()


class Broadcast:
    """Publish to and subscribe to channels through ``url``'s back end.

    Connects on first use (a WSGI app has no startup hook); ``init_app``
    disconnects it when an ASGI server stops the app.

    :param url: ``memory://`` or ``redis://host:port/db`` (``rediss://`` too).
    """

    def __init__(self, url: str) -> None:
        self.url = url
        self._backend = _backend_for(url, self._deliver)
        self._subscribers: dict[str, set[asyncio.Queue[Event | None]]] = {}
        self._connected = False
        self._lock: asyncio.Lock | None = None

    def init_app(self, app: Kolben) -> None:
        """Disconnect when the app stops serving (its ``after_serving``)."""
        app.extensions.setdefault("broadcast", []).append(self)
        app.after_serving(self.disconnect)

    async def connect(self) -> None:
        """Connect the back end; publish and subscribe do it when needed."""
        if self._connected:
            return
        if self._lock is None:
            self._lock = asyncio.Lock()
        async with self._lock:
            if not self._connected:
                await self._backend.connect()
                self._connected = True

    async def disconnect(self) -> None:
        """Close the back end's connections; a later use connects again."""
        if self._connected:
            self._connected = False
            await self._backend.disconnect()

    async def publish(self, channel: str, message: str) -> None:
        """Send ``message`` to every subscriber of ``channel``, everywhere."""
        if not isinstance(message, str):
            raise TypeError(f"Broadcast messages are str, not {type(message)!r}.")
        await self.connect()
        await self._backend.publish(channel, message)

    @asynccontextmanager
    async def subscribe(self, channel: str) -> AsyncIterator[Subscriber]:
        """Subscribe to ``channel`` for the ``async with`` block.

        Example::

            async with hub.subscribe("lobby") as events:
                async for event in events:
                    print(event.message)

        Leaving the block (or the task being cancelled, as when a client
        disconnects) unsubscribes.
        """
        await self.connect()
        queue: asyncio.Queue[Event | None] = asyncio.Queue(QUEUE_SIZE)
        queues = self._subscribers.setdefault(channel, set())
        first = not queues
        queues.add(queue)
        try:
            if first:
                await self._backend.subscribe(channel)
            yield Subscriber(queue)
        finally:
            queues.discard(queue)
            if not queues and self._subscribers.get(channel) is queues:
                del self._subscribers[channel]
                if self._connected:
                    await self._backend.unsubscribe(channel)

    def _deliver(self, channel: str, message: str) -> None:
        """Put a message the back end received on its subscribers' queues."""
        event = Event(channel, message)
        for queue in list(self._subscribers.get(channel, ())):
            try:
                queue.put_nowait(event)
            except asyncio.QueueFull:
                # A subscriber this far behind is dropped, not waited for:
                # one slow client must not hold up every other.
                self._subscribers[channel].discard(queue)
                while not queue.empty():
                    queue.get_nowait()
                queue.put_nowait(None)


def _backend_for(url: str, deliver: Any) -> Backend:
    scheme = urlsplit(url).scheme
    if scheme == "memory":
        from ._memory import MemoryBackend

        return MemoryBackend(deliver)
    if scheme in ("redis", "rediss", "unix"):
        from ._redis import RedisBackend

        return RedisBackend(url, deliver)
    raise ValueError(
        f"Unknown broadcast URL {url!r}: use 'memory://' or 'redis://host:port/db'."
    )
