"""kolben.caching's RedisCache on the real server: one entry for both paths.

Set KOLBEN_TEST_REDIS_URL (``.ci/run`` does) to run these. Each test keeps
its keys under a prefix of its own (``CACHE_KEY_PREFIX``) and deletes them
afterwards.
"""

from __future__ import annotations

from typing import Any

import pytest

from kolben import Kolben
from kolben.caching import Cache
from kolben.testing import KolbenClient

from .test_cache import counting_view


def redis_cache(app: Kolben, url: str, prefix: str, **config: Any) -> Cache:
    return Cache(
        app,
        config={
            "CACHE_TYPE": "RedisCache",
            "CACHE_REDIS_URL": url,
            "CACHE_KEY_PREFIX": prefix,
            **config,
        },
    )


@pytest.mark.parametrize("writer,reader", [("sync", "async"), ("async", "sync")])
def test_one_path_reads_what_the_other_wrote(
    app: Kolben,
    client: KolbenClient,
    redis_url: str,
    key_prefix: str,
    writer: str,
    reader: str,
) -> None:
    cache = redis_cache(app, redis_url, key_prefix)
    app.route("/write")(cache.cached(key_prefix="page")(counting_view(writer)))
    app.route("/read")(cache.cached(key_prefix="page")(counting_view(reader)))
    written = client.get("/write")
    read = client.get("/read")
    assert (read.status_code, read.text) == (200, written.text)
    assert read.mimetype == written.mimetype


def test_entries_live_in_redis_under_the_prefix(
    app: Kolben, client: KolbenClient, redis_url: str, key_prefix: str
) -> None:
    import redis

    cache = redis_cache(app, redis_url, key_prefix, CACHE_DEFAULT_TIMEOUT=30)
    app.route("/a")(cache.cached()(counting_view("async", lambda n: {"n": n})))
    first = client.get("/a").get_json()
    assert client.get("/a").get_json() == first
    server = redis.Redis.from_url(redis_url)
    try:
        assert 0 < server.ttl(f"{key_prefix}view//a") <= 30
    finally:
        server.close()
    with app.app_context():
        assert cache.get("view//a") is not None
        assert cache.clear()
        assert cache.get("view//a") is None


def test_async_cache_api_and_cache_methods(
    app: Kolben, redis_url: str, key_prefix: str, protocol: str
) -> None:
    cache = redis_cache(app, redis_url, key_prefix)

    @app.route("/")
    async def index() -> dict[str, Any]:
        backend = cache.async_cache
        await backend.set("x", {"a": 1}, 60)
        added = await backend.add("x", 2)
        return {
            "x": await backend.get("x"),
            "added": added,
            "has": await backend.has("x"),
        }

    client = app.test_client(protocol=protocol)
    assert client.get("/").get_json() == {"x": {"a": 1}, "added": False, "has": True}
    with app.app_context():
        assert cache.get("x") == {"a": 1}
        assert cache.inc("n", 2) == 2
        cache.set_many({"p": 1, "q": [2]})
        assert cache.get_many("p", "q") == [1, [2]]
        assert cache.delete("x") and not cache.has("x")


def test_memoize_on_redis_for_async_functions(
    app: Kolben, client: KolbenClient, redis_url: str, key_prefix: str
) -> None:
    cache = redis_cache(app, redis_url, key_prefix)
    calls: list[int] = []

    @cache.memoize(timeout=60)
    async def double(x: int) -> int:
        calls.append(x)
        return 2 * x

    @app.route("/<int:x>")
    async def view(x: int) -> str:
        return str(await double(x))

    assert client.get("/4").text == client.get("/4").text == "8"
    assert calls == [4]
    with app.app_context():
        cache.delete_memoized(double)
    client.get("/4")
    assert calls == [4, 4]
