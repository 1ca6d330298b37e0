"""Broadcast messages to subscribers in this process or across processes.

The shape of encode's ``broadcaster``::

    hub = Broadcast("redis://127.0.0.1:6379/0")   # or "memory://"

    @app.websocket("/ws/<room>")
    async def chat(room):
        async with hub.subscribe(room) as events:
            ...
            async for event in events:           # Event(channel, message)
                await websocket.send(event.message)

    await hub.publish(room, "hello")

``memory://`` delivers within one process; ``redis://`` (``kolben[redis]``)
through Redis pub/sub, to every process and machine subscribed. Delivery is
at most once: a message published while a subscriber's connection to Redis
is down is lost for it (the back end reconnects and subscribes again).
"""

from __future__ import annotations

from ._broadcast import Broadcast as Broadcast
from ._broadcast import Event as Event
from ._broadcast import Subscriber as Subscriber

__all__ = ["Broadcast", "Event", "Subscriber"]
