"""Fixtures of the limiter's tests: the Redis server and a key prefix each."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest

REDIS_URL = os.environ.get("KOLBEN_TEST_REDIS_URL")


@pytest.fixture
def redis_url() -> str:
    """The test Redis server's URL; the test is skipped without one."""
    if not REDIS_URL:
        pytest.skip("KOLBEN_TEST_REDIS_URL is not set: no Redis server to use")
    return REDIS_URL


@pytest.fixture
def key_prefix(redis_url: str) -> Iterator[str]:
    """A key prefix of this test's own; its keys are deleted afterwards."""
    import redis

    prefix = f"kolben-test-cache-{uuid.uuid4().hex}"
    yield prefix
    client = redis.Redis.from_url(redis_url)
    try:
        keys = list(client.scan_iter(match=f"*{prefix}*", count=1000))
        if keys:
            client.delete(*keys)
    finally:
        client.close()
