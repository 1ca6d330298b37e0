"""The ``redis://`` back end: Redis pub/sub, across processes and machines.

One connection publishes; one pub/sub connection, read by a task, carries
every channel this process subscribes to. When that connection drops, the
reader connects again (backing off up to 5 s) and subscribes to the same
channels: messages published in between are lost, as pub/sub does not keep
them (at-most-once delivery; use a stream or a job queue where every
message counts).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

from ..db._require import require

logger = logging.getLogger("kolben.broadcast")

#: Seconds ``subscribe`` waits for Redis to confirm a subscription.
SUBSCRIBE_TIMEOUT = 5.0
#: The longest wait between two reconnection attempts, in seconds.
MAX_BACKOFF = 5.0


class RedisBackend:
    """Publish and subscribe through one Redis server.

    :param url: the Redis URL.
    :param deliver: puts a received message on the subscribers' queues.
    """

    def __init__(self, url: str, deliver: Callable[[str, str], None]) -> None:
        require("redis", "redis", "kolben.broadcast's redis:// back end")
        self.url = url
        self._deliver = deliver
        self._client: Any = None
        self._pubsub: Any = None
        self._reader: asyncio.Task[None] | None = None
        self._channels: set[str] = set()
        self._confirmed: dict[str, asyncio.Event] = {}
        self._wake = asyncio.Event()

    async def connect(self) -> None:
        """Make the client; the pub/sub connection opens with a first channel."""
        import redis.asyncio as aioredis

        self._client = aioredis.from_url(self.url)
        self._reader = asyncio.ensure_future(self._read())

    async def disconnect(self) -> None:
        """Stop the reader and close both connections."""
        reader, self._reader = self._reader, None
        if reader is not None:
            reader.cancel()
            await asyncio.gather(reader, return_exceptions=True)
        client, self._client = self._client, None
        if client is not None:
            await client.aclose()

    async def publish(self, channel: str, message: str) -> None:
        """Publish ``message`` on ``channel``."""
        await self._client.publish(channel, message)

    async def subscribe(self, channel: str) -> None:
        """Subscribe, and wait until Redis has confirmed it."""
        confirmed = self._confirmed.setdefault(channel, asyncio.Event())
        self._channels.add(channel)
        if self._pubsub is not None:
            await self._pubsub.subscribe(channel)
        self._wake.set()
        try:
            await asyncio.wait_for(confirmed.wait(), SUBSCRIBE_TIMEOUT)
        except TimeoutError:
            raise ConnectionError(
                f"Redis did not confirm the subscription to {channel!r} within"
                f" {SUBSCRIBE_TIMEOUT} s; is {self.url} reachable?"
            ) from None

    async def unsubscribe(self, channel: str) -> None:
        """Unsubscribe from ``channel``."""
        self._channels.discard(channel)
        self._confirmed.pop(channel, None)
        if self._pubsub is not None:
            try:
                await self._pubsub.unsubscribe(channel)
            except (OSError, ConnectionError):
                pass  # the reader subscribes afresh to what is left

    async def _read(self) -> None:
        """Read the pub/sub connection for as long as the back end is open."""
        from redis.exceptions import RedisError

        backoff = 0.1
        while True:
            pubsub = self._client.pubsub()
            try:
                await self._listen(pubsub)
            except (OSError, ConnectionError, RedisError) as e:
                logger.warning(
                    "The broadcast's Redis connection failed (%s); reconnecting"
                    " in %.1f s. Messages published meanwhile are lost.",
                    e,
                    backoff,
                )
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, MAX_BACKOFF)
            else:
                backoff = 0.1
            finally:
                self._pubsub = None
                for event in self._confirmed.values():
                    event.clear()
                try:
                    await pubsub.aclose()
                except Exception:  # noqa: BLE001 - closing a broken connection
                    pass

    async def _listen(self, pubsub: Any) -> None:
        while not self._channels:
            self._wake.clear()
            await self._wake.wait()
        await pubsub.subscribe(*self._channels)
        self._pubsub = pubsub
        while True:
            message = await pubsub.get_message(timeout=1.0)
            if message is None:
                if not self._channels and not pubsub.subscribed:
                    return  # every channel left: wait for the next one
                continue
            kind = message["type"]
            channel = _text(message["channel"])
            if kind == "message":
                self._deliver(channel, _text(message["data"]))
            elif kind == "subscribe" and channel in self._confirmed:
                self._confirmed[channel].set()


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)
