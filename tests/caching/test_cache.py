"""kolben.caching with SimpleCache, FileSystemCache and NullCache.

Views run under both protocols (the ``client`` fixtures), as ``def`` and
``async def`` (the ``view_kind`` fixture).
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from kolben import Kolben, make_response, request, session
from kolben.caching import Cache
from kolben.testing import KolbenClient
from tests.conftest import create_app

counter = itertools.count()


@pytest.fixture(params=["sync", "async"])
def view_kind(request: pytest.FixtureRequest) -> str:
    """Whether the test's views are ``def`` or ``async def``."""
    return str(request.param)


def counting_view(kind: str, answer: Callable[[int], Any] = str) -> Callable[..., Any]:
    """Return a view of ``kind`` answering ``answer(n)``, n counting calls."""
    if kind == "async":

        async def async_view(**kwargs: Any) -> Any:
            return answer(next(counter))

        return named(async_view)

    def sync_view(**kwargs: Any) -> Any:
        return answer(next(counter))

    return named(sync_view)


def named(f: Callable[..., Any]) -> Callable[..., Any]:
    """Give ``f`` a name of its own, so each is its own endpoint."""
    f.__name__ = f.__qualname__ = f"view_{next(counter)}"
    return f


def simple(app: Kolben, **config: Any) -> Cache:
    return Cache(app, config={"CACHE_TYPE": "SimpleCache", **config})


def test_cached_view_is_answered_from_the_cache(
    app: Kolben, client: KolbenClient, view_kind: str
) -> None:
    cache = simple(app)
    app.route("/a")(cache.cached(timeout=60)(counting_view(view_kind)))
    first = client.get("/a")
    again = client.get("/a")
    assert first.text == again.text
    assert again.status_code == 200
    assert again.mimetype == first.mimetype
    with app.app_context():
        assert cache.has("view//a")


def test_each_path_and_query_string(
    app: Kolben, client: KolbenClient, view_kind: str
) -> None:
    cache = simple(app)
    app.route("/p/<name>")(cache.cached()(counting_view(view_kind)))
    app.route("/q")(cache.cached(query_string=True)(counting_view(view_kind)))
    assert client.get("/p/a").text != client.get("/p/b").text
    assert client.get("/q?x=1&y=2").text == client.get("/q?y=2&x=1").text
    assert client.get("/q?x=1").text != client.get("/q?x=2").text


def test_key_prefix_unless_forced_update_and_make_cache_key(
    app: Kolben, client: KolbenClient, view_kind: str
) -> None:
    cache = simple(app)
    app.route("/fixed")(cache.cached(key_prefix="fixed")(counting_view(view_kind)))
    app.route("/unless")(
        cache.cached(unless=lambda: "fresh" in request.args)(counting_view(view_kind))
    )
    app.route("/forced")(
        cache.cached(forced_update=lambda: "renew" in request.args)(
            counting_view(view_kind)
        )
    )
    app.route("/user")(
        cache.cached(make_cache_key=lambda: "u:" + request.headers["X-User"])(
            counting_view(view_kind)
        )
    )
    client.get("/fixed")
    with app.app_context():
        assert cache.get("fixed") is not None
    base = client.get("/unless").text
    assert client.get("/unless?fresh").text != base
    assert client.get("/unless").text == base
    old = client.get("/forced").text
    new = client.get("/forced?renew").text
    assert new != old and client.get("/forced").text == new
    ada = client.get("/user", headers={"X-User": "ada"}).text
    assert client.get("/user", headers={"X-User": "bob"}).text != ada
    assert client.get("/user", headers={"X-User": "ada"}).text == ada


def test_only_successful_responses_are_cached(
    app: Kolben, client: KolbenClient, view_kind: str
) -> None:
    cache = simple(app)
    app.route("/error")(
        cache.cached()(counting_view(view_kind, lambda n: (str(n), 500)))
    )
    app.route("/json")(cache.cached()(counting_view(view_kind, lambda n: {"n": n})))
    assert client.get("/error").text != client.get("/error").text
    first = client.get("/json")
    assert first.get_json() == client.get("/json").get_json()
    assert client.get("/json").mimetype == "application/json"


@pytest.mark.parametrize(
    "headers",
    [
        {"Set-Cookie": "id=1"},
        {"Cache-Control": "private, max-age=60"},
        {"Cache-Control": "no-store"},
        {"Vary": "Accept, *"},
    ],
)
def test_responses_unsafe_to_share_are_not_cached(
    app: Kolben, client: KolbenClient, headers: dict[str, str]
) -> None:
    cache = simple(app)

    @app.route("/a")
    @cache.cached()
    def a() -> Any:
        return str(next(counter)), headers

    assert client.get("/a").text != client.get("/a").text


def test_strict_responses_off_caches_as_flask_caching_does(
    app: Kolben, client: KolbenClient, view_kind: str
) -> None:
    app.config["CACHE_STRICT_RESPONSES"] = False
    cache = simple(app)
    answer = counting_view(view_kind, lambda n: (str(n), 500, {"Set-Cookie": "a=b"}))
    app.route("/a")(cache.cached()(answer))
    first = client.get("/a")
    again = client.get("/a")
    assert (again.status_code, again.text) == (500, first.text)
    assert again.headers["Set-Cookie"] == "a=b"


def test_a_private_response_with_a_session_is_not_stored(
    app: Kolben, client: KolbenClient
) -> None:
    cache = simple(app)

    @app.route("/a")
    @cache.cached()
    def a() -> Any:
        response = make_response("hello")
        response.headers["Cache-Control"] = "private"
        session["seen"] = True
        return response

    assert client.get("/a").headers["Cache-Control"] == "private"
    with app.app_context():
        assert not cache.has("view//a")


def test_a_view_that_read_the_session_is_not_stored(
    app: Kolben, client: KolbenClient, view_kind: str
) -> None:
    # current_user reads the session: such a page is one visitor's.
    cache = simple(app)

    def greeting(n: int) -> str:
        return f"hello {session.get('name', 'stranger')} {n}"

    app.route("/a")(cache.cached()(counting_view(view_kind, greeting)))
    # Under a key the app makes per visitor, it is stored.
    per_visitor = cache.cached(make_cache_key=lambda: f"page:{session.get('name')}")
    app.route("/b")(per_visitor(counting_view(view_kind, greeting)))
    first, second = client.get("/a").text, client.get("/a").text
    assert first != second
    with app.app_context():
        assert not cache.has("view//a")
    assert client.get("/b").text == client.get("/b").text


def test_response_filter(app: Kolben, client: KolbenClient, view_kind: str) -> None:
    cache = simple(app)
    answer = counting_view(view_kind, lambda n: str(n))
    app.route("/a")(cache.cached(response_filter=lambda rv: False)(answer))
    assert client.get("/a").text != client.get("/a").text


def test_timeout_zero_and_default(app: Kolben, client: KolbenClient) -> None:
    cache = simple(app, CACHE_DEFAULT_TIMEOUT=120)
    with app.app_context():
        cache.set("forever", 1, timeout=0)
        assert cache.get("forever") == 1
        assert cache.cache.default_timeout == 120


def test_cache_methods(app: Kolben) -> None:
    cache = simple(app)
    with app.app_context():
        assert cache.set("a", 1)
        assert cache.add("a", 2) is False
        assert cache.add("b", 2) is True
        assert cache.get("a") == 1 and cache.has("b")
        assert cache.get_many("a", "b", "c") == [1, 2, None]
        cache.set_many({"c": 3, "d": 4})
        assert cache.get_dict("c", "d") == {"c": 3, "d": 4}
        assert cache.inc("n") == 1 and cache.inc("n", 5) == 6 and cache.dec("n") == 5
        assert cache.delete("a") and not cache.has("a")
        assert sorted(cache.delete_many("b", "c")) == ["b", "c"]
        assert cache.clear()
        assert cache.get("d") is None
    assert app.extensions["cache"][cache] is cache.cache


def test_init_app_with_config_and_defaults(app: Kolben) -> None:
    cache = Cache()
    cache.init_app(app, config={"CACHE_TYPE": "SimpleCache"})
    assert app.config["CACHE_DEFAULT_TIMEOUT"] == 300
    assert app.config["CACHE_KEY_PREFIX"] == "flask_cache_"
    assert app.config["CACHE_THRESHOLD"] == 500
    assert app.config["CACHE_STRICT_RESPONSES"] is True
    assert type(cache.cache).__name__ == "SimpleCache"
    with pytest.raises(ValueError, match="Unknown CACHE_TYPE"):
        Cache(create_app(), config={"CACHE_TYPE": "Cassandra"})


@pytest.mark.parametrize("name", ["simple", "null", "filesystem", "redis"])
def test_legacy_lowercase_names(name: str, tmp_path: Path) -> None:
    app = create_app({"CACHE_DIR": str(tmp_path), "CACHE_NO_NULL_WARNING": True})
    cache = Cache(app, config={"CACHE_TYPE": name})
    expected = {
        "simple": "SimpleCache",
        "null": "NullCache",
        "filesystem": "FileSystemCache",
        "redis": "RedisCache",
    }
    assert type(cache.cache).__name__ == expected[name]


def test_null_cache_caches_nothing_and_warns(
    app: Kolben, client: KolbenClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, "kolben.caching"):
        cache = Cache(app)
    assert "NullCache" in caplog.text
    app.route("/a")(cache.cached()(counting_view("async")))
    assert client.get("/a").text != client.get("/a").text


def test_file_system_cache_for_sync_and_async_views(
    app: Kolben, client: KolbenClient, tmp_path: Path
) -> None:
    cache = Cache(
        app, config={"CACHE_TYPE": "FileSystemCache", "CACHE_DIR": str(tmp_path)}
    )
    app.route("/s")(cache.cached(key_prefix="shared")(counting_view("sync")))
    app.route("/a")(cache.cached(key_prefix="shared")(counting_view("async")))
    # One entry: the async view reads what the sync view stored, and back.
    assert client.get("/s").text == client.get("/a").text
    assert list(tmp_path.iterdir())


def test_memoize_and_delete_memoized(app: Kolben, view_kind: str) -> None:
    cache = simple(app)
    calls: list[tuple[Any, ...]] = []

    if view_kind == "async":

        @cache.memoize(timeout=60)
        async def add(a: int, b: int = 1) -> int:
            calls.append((a, b))
            return a + b

    else:

        @cache.memoize(timeout=60)
        def add(a: int, b: int = 1) -> int:  # type: ignore[misc]
            calls.append((a, b))
            return a + b

    @app.route("/<int:a>/<int:b>")
    async def sums(a: int, b: int) -> str:
        rv = add(a, b=b)
        return str(await rv if view_kind == "async" else rv)

    client = app.test_client()
    assert client.get("/1/2").text == client.get("/1/2").text == "3"
    client.get("/2/1")
    assert calls == [(1, 2), (2, 1)]
    with app.app_context():
        cache.delete_memoized(add, 1, b=2)
    client.get("/1/2")
    client.get("/2/1")
    assert calls == [(1, 2), (2, 1), (1, 2)]
    with app.app_context():
        cache.delete_memoized(add)
    client.get("/2/1")
    assert calls[-1] == (2, 1)
    with app.app_context():
        cache.delete_memoized_verhash(add)
    client.get("/2/1")
    assert len(calls) == 5


def test_memoize_outside_views(app: Kolben) -> None:
    cache = simple(app)
    seen: list[int] = []

    @cache.memoize()
    def square(x: int) -> int:
        seen.append(x)
        return x * x

    with app.app_context():
        assert square(3) == square(3) == 9
        assert square.uncached(3) == 9  # type: ignore[attr-defined]
    assert seen == [3, 3]


def test_cached_function_outside_a_view_keeps_its_value(app: Kolben) -> None:
    cache = simple(app)

    @cache.cached(key_prefix="numbers")
    def numbers() -> list[int]:
        return [next(counter)]

    with app.test_request_context("/"):
        assert numbers() == numbers()
        assert isinstance(numbers(), list)
