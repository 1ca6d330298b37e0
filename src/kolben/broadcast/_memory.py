"""The ``memory://`` back end: delivery within one process."""

from __future__ import annotations

from collections.abc import Callable


class MemoryBackend:
    """Hand each published message straight to this process's subscribers.

    :param deliver: puts a message on the subscribers' queues.
    """

    def __init__(self, deliver: Callable[[str, str], None]) -> None:
        self._deliver = deliver

    async def connect(self) -> None:
        """Nothing to connect."""

    async def disconnect(self) -> None:
        """Nothing to close."""

    async def subscribe(self, channel: str) -> None:
        """Nothing to tell: delivery reads the subscribers directly."""

    async def unsubscribe(self, channel: str) -> None:
        """Nothing to tell."""

    async def publish(self, channel: str, message: str) -> None:
        """Deliver ``message`` now."""
        self._deliver(channel, message)
