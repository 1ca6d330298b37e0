"""Fixtures shared by the whole suite.

Every test that touches requests, responses, contexts or errors takes the
``client`` fixture (or ``protocol``), which runs it once through the WSGI
adapter and once through the ASGI adapter.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator

import pytest

from kolben import Kolben
from kolben.testing import KolbenClient

try:
    from hypothesis import settings
except ImportError:  # tests/compat's virtualenv, which has no Hypothesis
    pass
else:
    # Hypothesis' per-example deadline is a timed assertion: on a shared
    # 2-core CI machine a slow moment failed a correct parser (486 ms against
    # 200). The property tests check what the code does; benchmarks, its speed.
    settings.register_profile("kolben", deadline=None)
    settings.load_profile("kolben")


def create_app(config: dict[str, object] | None = None) -> Kolben:
    """Build a bare app for a test, the application-factory way."""
    app = Kolben("kolben_tests")
    app.config.from_mapping(TESTING=True, SECRET_KEY="test secret")
    if config:
        app.config.from_mapping(config)
    return app


@pytest.fixture(params=["wsgi", "asgi"])
def protocol(request: pytest.FixtureRequest) -> str:
    """The protocol the test drives the app through."""
    return str(request.param)


@pytest.fixture
def app() -> Kolben:
    """A fresh app in testing mode."""
    return create_app()


@pytest.fixture
def client(app: Kolben, protocol: str) -> KolbenClient:
    """A test client for ``app`` over the parametrized protocol."""
    return app.test_client(protocol=protocol)


@pytest.fixture
def make_client(protocol: str) -> Callable[[Kolben], KolbenClient]:
    """Make a client for another app over the parametrized protocol."""

    def make(app: Kolben) -> KolbenClient:
        return app.test_client(protocol=protocol)

    return make


@pytest.fixture
def redis_url() -> str:
    """The test Redis server's URL; the test is skipped without one."""
    url = os.environ.get("KOLBEN_TEST_REDIS_URL")
    if not url:
        pytest.skip("KOLBEN_TEST_REDIS_URL is not set: no Redis server to use")
    return url


@pytest.fixture
def key_prefix(redis_url: str) -> Iterator[str]:
    """A Redis key prefix of this test's own; its keys are deleted afterwards.

    Other suites run against the same server, so no test shares a key.
    """
    import redis

    prefix = f"kolben-test-{uuid.uuid4().hex}"
    yield prefix
    client = redis.Redis.from_url(redis_url)
    try:
        keys = list(client.scan_iter(match=f"*{prefix}*", count=1000))
        if keys:
            client.delete(*keys)
    finally:
        client.close()


def pytest_collection_modifyitems(
    config: pytest.Config, items: list[pytest.Item]
) -> None:
    """Skip the ``deploy`` tests unless the ``-m`` expression names them.

    They install the project into fresh virtualenvs, which takes a minute,
    so ``.ci/run`` gives them a bounded step of their own.
    """
    if "deploy" in config.getoption("markexpr", ""):
        return
    skip = pytest.mark.skip(reason="deploy tests run only with `pytest -m deploy`")
    for item in items:
        if item.get_closest_marker("deploy") is not None:
            item.add_marker(skip)
