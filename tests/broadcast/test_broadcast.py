"""kolben.broadcast: memory:// in process, redis:// through the real server."""

from __future__ import annotations

import asyncio
import os
import uuid
from typing import Any

import pytest

from kolben import Kolben
from kolben.broadcast import Broadcast, Event

REDIS_URL = os.environ.get("KOLBEN_TEST_REDIS_URL")
needs_redis = pytest.mark.skipif(
    not REDIS_URL, reason="KOLBEN_TEST_REDIS_URL is not set: no Redis server to use"
)


def run(coro: Any) -> Any:
    return asyncio.run(asyncio.wait_for(coro, 20))


def channel() -> str:
    return f"kolben-test-{uuid.uuid4().hex}"


async def fan_out(hub: Broadcast) -> None:
    name = channel()
    async with hub.subscribe(name) as a, hub.subscribe(name) as b:
        async with hub.subscribe(channel()) as other:
            await hub.publish(name, "hello")
            assert await a.get() == Event(name, "hello")
            assert await b.get() == Event(name, "hello")
            assert other._queue.empty()
    # Unsubscribed on leaving: nobody is left to deliver to.
    assert name not in hub._subscribers
    await hub.publish(name, "nobody listens")
    await hub.disconnect()


def test_memory_fan_out_and_unsubscribe() -> None:
    run(fan_out(Broadcast("memory://")))


@needs_redis
def test_redis_fan_out_and_unsubscribe() -> None:
    assert REDIS_URL is not None
    run(fan_out(Broadcast(REDIS_URL)))


def test_bad_input() -> None:
    with pytest.raises(ValueError, match="Unknown broadcast URL"):
        Broadcast("amqp://localhost")
    with pytest.raises(TypeError, match="are str"):
        run(Broadcast("memory://").publish("c", b"bytes"))  # type: ignore[arg-type]


def test_a_cancelled_subscriber_unsubscribes() -> None:
    async def go() -> None:
        hub = Broadcast("memory://")
        entered = asyncio.Event()

        async def listen() -> None:
            async with hub.subscribe("c") as events:
                entered.set()
                async for _ in events:
                    pass

        task = asyncio.ensure_future(listen())
        await entered.wait()
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        assert hub._subscribers == {}

    run(go())


def test_init_app_disconnects_after_serving() -> None:
    app = Kolben(__name__)
    hub = Broadcast("memory://")
    hub.init_app(app)
    assert hub.disconnect in app.after_serving_funcs
    assert app.extensions["broadcast"] == [hub]


@needs_redis
def test_redis_reconnects_after_the_connection_drops() -> None:
    import redis.asyncio as aioredis

    async def go() -> None:
        assert REDIS_URL is not None
        hub = Broadcast(REDIS_URL)
        admin: Any = aioredis.from_url(REDIS_URL)
        name = channel()
        try:
            async with hub.subscribe(name) as events:
                backend: Any = hub._backend
                sock = backend._pubsub.connection._writer.get_extra_info("sockname")
                killed = await admin.execute_command(
                    "CLIENT", "KILL", "ADDR", f"{sock[0]}:{sock[1]}"
                )
                assert killed
                # Subscribed again on a new connection, messages flow again.
                while True:
                    await hub.publish(name, "after")
                    try:
                        event = await asyncio.wait_for(events.get(), 0.5)
                    except TimeoutError:
                        continue
                    assert event == Event(name, "after")
                    break
        finally:
            await hub.disconnect()
            await admin.aclose()

    run(go())
