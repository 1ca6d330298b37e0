"""A rate limit and a cache shared by two real server processes via Redis.

One process is gunicorn (WSGI), the other uvicorn (ASGI), both serving
``tests/limiter/live_app.py`` on loopback ports. Set KOLBEN_TEST_REDIS_URL
(``.ci/run`` does) to run these.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e._live import LiveServer, fetch, start_server, stop_server

REDIS_URL = os.environ.get("KOLBEN_TEST_REDIS_URL")
pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(
        not REDIS_URL, reason="KOLBEN_TEST_REDIS_URL is not set: no Redis server to use"
    ),
]


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[LiveServer]]:
    """A gunicorn and a uvicorn process sharing the Redis server."""
    import redis

    assert REDIS_URL is not None
    prefix = f"kolben-test-live-{uuid.uuid4().hex}"
    log_dir: Path = tmp_path_factory.mktemp("live")
    env = {"KOLBEN_TEST_REDIS_URL": REDIS_URL, "LIVE_KEY_PREFIX": prefix}
    app = "tests.limiter.live_app:app"
    started: list[LiveServer] = []
    try:
        for name in ("gunicorn", "uvicorn"):
            started.append(start_server(name, log_dir, env, app=app))
        yield started
    finally:
        for server in started:
            stop_server(server)
        client = redis.Redis.from_url(REDIS_URL)
        keys = list(client.scan_iter(match=f"*{prefix}*"))
        if keys:
            client.delete(*keys)
        client.close()


def test_a_limit_holds_across_both_processes(servers: list[LiveServer]) -> None:
    answers = [fetch(servers[i % 2].url, "GET", "/limited") for i in range(12)]
    passed = [a for a in answers if a.status == 200]
    assert len(passed) == 5
    assert all(a.status == 429 for a in answers if a.status != 200)
    # Both processes answered some of the five: they counted together.
    assert len({a.text for a in passed}) == 2


def test_an_entry_cached_by_one_process_is_served_by_the_other(
    servers: list[LiveServer],
) -> None:
    first = fetch(servers[0].url, "GET", "/cached").json()
    second = fetch(servers[1].url, "GET", "/cached").json()
    assert first == second
    assert fetch(servers[1].url, "GET", "/cached").json() == first
