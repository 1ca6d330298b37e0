"""Flask-Caching: SimpleCache and a cached view."""

from __future__ import annotations

import itertools
from typing import Any

from flask import Flask
from flask_caching import Cache

from .support import client


def make_app() -> Flask:
    app = Flask(__name__)
    cache = Cache(app, config={"CACHE_TYPE": "SimpleCache"})
    calls = itertools.count(1)

    @app.get("/counted")
    @cache.cached(timeout=60, query_string=True)
    def counted() -> Any:
        return {"call": next(calls)}

    @app.get("/memo/<int:n>")
    def memo(n: int) -> Any:
        return {"square": square(n)}

    @cache.memoize(60)
    def square(n: int) -> int:
        return n * n + next(calls) * 0

    return app


def test_cached_view_is_answered_from_the_cache(protocol: str) -> None:
    c = client(make_app(), protocol)
    assert c.get("/counted").get_json() == {"call": 1}
    assert c.get("/counted").get_json() == {"call": 1}
    assert c.get("/counted?page=2").get_json() == {"call": 2}
    assert c.get("/memo/3").get_json() == {"square": 9}
