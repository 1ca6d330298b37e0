"""kolben.limiter on the real Redis server, and what happens when it is gone.

Set KOLBEN_TEST_REDIS_URL (``.ci/run`` does) to run these. Each test keeps
its keys under a prefix of its own and deletes them afterwards; the server
is never stopped: a test that needs it unreachable talks to it through a
loopback proxy that it closes.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import pytest

from kolben import Kolben
from kolben.limiter import Limiter
from kolben.limiter.util import get_remote_address
from kolben.testing import KolbenClient
from tests.conftest import create_app

from ._proxy import TCPProxy
from .test_limits import statuses, view


def redis_limiter(app: Kolben, url: str, prefix: str, **options: Any) -> Limiter:
    """Return a limiter of ``app`` on Redis, its keys under ``prefix``."""
    return Limiter(
        get_remote_address,
        app=app,
        storage_uri=url,
        storage_options={"key_prefix": prefix},
        **options,
    )


@pytest.fixture(params=["sync", "async"])
def view_kind(request: pytest.FixtureRequest) -> str:
    """Whether the test's views are ``def`` or ``async def``."""
    return str(request.param)


@pytest.fixture
def proxy(redis_url: str) -> Iterator[TCPProxy]:
    """A loopback proxy in front of the Redis server."""
    p = TCPProxy(redis_url)
    yield p
    p.close()


def test_decorated_limit_on_redis(
    app: Kolben, client: KolbenClient, view_kind: str, redis_url: str, key_prefix: str
) -> None:
    limiter = redis_limiter(app, redis_url, key_prefix)
    app.route("/a")(limiter.limit("2/minute")(view(view_kind)))
    assert statuses(client, "/a", 3) == [200, 200, 429]


@pytest.mark.parametrize(
    "strategy", ["fixed-window", "moving-window", "sliding-window-counter"]
)
def test_strategies_on_redis(
    app: Kolben,
    client: KolbenClient,
    view_kind: str,
    strategy: str,
    redis_url: str,
    key_prefix: str,
) -> None:
    limiter = redis_limiter(app, redis_url, key_prefix, strategy=strategy)
    app.route("/a")(limiter.limit("2/minute")(view(view_kind)))
    assert statuses(client, "/a", 3) == [200, 200, 429]


def test_sync_and_async_endpoints_count_into_the_same_keys(
    app: Kolben, protocol: str, redis_url: str, key_prefix: str
) -> None:
    limiter = redis_limiter(
        app,
        redis_url,
        key_prefix,
        application_limits=["4/minute"],
        headers_enabled=True,
    )
    app.route("/sync")(view("sync", "s"))
    app.route("/async")(view("async", "a"))
    client = app.test_client(protocol=protocol)
    assert statuses(client, "/sync", 2) == [200, 200]
    assert limiter._storages is not None
    # A sync endpoint checks with the sync client, in its own thread.
    assert len(limiter._storages._async) == 0
    answer = client.get("/async")
    assert answer.headers["X-RateLimit-Remaining"] == "1"
    assert statuses(client, "/async", 2) == [200, 429]
    assert statuses(client, "/sync", 1) == [429]
    # Under ASGI the async endpoint's check awaited the loop's async client.
    assert len(limiter._storages._async) == (1 if protocol == "asgi" else 0)


def test_async_view_limits_use_the_async_client_under_both_protocols(
    app: Kolben, protocol: str, redis_url: str, key_prefix: str
) -> None:
    limiter = redis_limiter(app, redis_url, key_prefix)
    app.route("/a")(limiter.limit("1/minute")(view("async")))
    client = app.test_client(protocol=protocol)
    assert statuses(client, "/a", 2) == [200, 429]
    assert limiter._storages is not None
    assert len(limiter._storages._async) == 1


def test_reset_clears_only_the_limiters_keys(
    app: Kolben, client: KolbenClient, redis_url: str, key_prefix: str
) -> None:
    limiter = redis_limiter(app, redis_url, key_prefix)
    app.route("/a")(limiter.limit("1/minute")(view("sync")))
    assert statuses(client, "/a", 2) == [200, 429]
    limiter.reset()
    assert statuses(client, "/a", 1) == [200]


def test_in_memory_fallback_when_redis_is_unreachable(
    app: Kolben,
    client: KolbenClient,
    view_kind: str,
    proxy: TCPProxy,
    key_prefix: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    app.config["RATELIMIT_IN_MEMORY_FALLBACK_ENABLED"] = True
    limiter = redis_limiter(app, proxy.url, key_prefix)
    app.route("/a")(limiter.limit("2/minute")(view(view_kind)))
    assert statuses(client, "/a", 1) == [200]
    proxy.close()
    with caplog.at_level(logging.WARNING, "kolben.limiter"):
        # Counted afresh in memory: the limit still holds.
        assert statuses(client, "/a", 3) == [200, 200, 429]
    assert "counting in memory" in caplog.text


def test_in_memory_fallback_limits_replace_the_limits(
    app: Kolben, client: KolbenClient, proxy: TCPProxy, key_prefix: str
) -> None:
    limiter = redis_limiter(app, proxy.url, key_prefix, in_memory_fallback=["1/minute"])
    app.route("/a")(limiter.limit("5/minute")(view("async")))
    assert statuses(client, "/a", 2) == [200, 200]
    proxy.close()
    assert statuses(client, "/a", 2) == [200, 429]


def test_swallow_errors_lets_requests_through_with_a_warning(
    app: Kolben,
    client: KolbenClient,
    view_kind: str,
    proxy: TCPProxy,
    key_prefix: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    app.config["RATELIMIT_SWALLOW_ERRORS"] = True
    limiter = redis_limiter(app, proxy.url, key_prefix, application_limits=["1/minute"])
    app.route("/a")(view(view_kind))
    assert statuses(client, "/a", 2) == [200, 429]
    proxy.close()
    with caplog.at_level(logging.WARNING, "kolben.limiter"):
        assert statuses(client, "/a", 2) == [200, 200]
    assert "request let through" in caplog.text
    assert limiter._storages is not None and not limiter._storages.dead


def test_without_fallback_the_storage_error_propagates(
    protocol: str, proxy: TCPProxy, key_prefix: str
) -> None:
    import redis

    app = create_app()
    limiter = redis_limiter(app, proxy.url, key_prefix)
    app.route("/a")(limiter.limit("1/minute")(view("sync")))
    client = app.test_client(protocol=protocol)
    proxy.close()
    with pytest.raises(redis.ConnectionError):
        client.get("/a")
