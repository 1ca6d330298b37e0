"""A message sent on a WebSocket of one server process reaches a client of
another through Redis (``kolben.broadcast`` with a redis:// URL)."""

from __future__ import annotations

import asyncio
import os
import uuid
from pathlib import Path

import pytest
from websockets.asyncio.client import connect

from tests.e2e._live import TIMEOUT, start_server, stop_server
from tests.e2e.realtime_app import BROADCAST_URL_ENV

REDIS_URL = os.environ.get("KOLBEN_TEST_REDIS_URL")
pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(
        not REDIS_URL, reason="KOLBEN_TEST_REDIS_URL is not set: no Redis server"
    ),
]

APP = "tests.e2e.realtime_app:app"


def test_broadcast_across_two_server_processes(tmp_path: Path) -> None:
    env = {BROADCAST_URL_ENV: str(REDIS_URL)}
    one = start_server("uvicorn-websockets", tmp_path, env, app=APP)
    two = start_server("hypercorn", tmp_path, env, app=APP)
    room = f"room-{uuid.uuid4().hex}"

    async def go() -> None:
        url_one = one.url.replace("http://", "ws://") + f"/ws/room/{room}"
        url_two = two.url.replace("http://", "ws://") + f"/ws/room/{room}"
        async with connect(url_one) as listener, connect(url_two) as speaker:
            assert await listener.recv() == "ready"  # subscribed in process one
            assert await speaker.recv() == "ready"
            await speaker.send("hello from two")
            assert await listener.recv() == "hello from two"
            assert await speaker.recv() == "hello from two"

    try:
        asyncio.run(asyncio.wait_for(go(), TIMEOUT))
    finally:
        stop_server(one)
        stop_server(two)
    for server in (one, two):
        assert "Traceback" not in server.log(), server.log()
