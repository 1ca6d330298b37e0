"""Caching for kolben apps: Flask-Caching's API on cachelib and redis.

``pip install kolben[caching]`` (and ``kolben[redis]`` for Redis), then::

    from kolben.caching import Cache

    cache = Cache(app, config={"CACHE_TYPE": "SimpleCache"})

    @app.route("/")
    @cache.cached(timeout=60)
    def index(): ...

Sync views and functions use the cachelib back end where they run; async
ones its async twin (``redis.asyncio`` for ``RedisCache``), with one key
scheme and one serializer, so both read the same entries
(:mod:`kolben.caching.backends`). Unlike Flask-Caching, a view's response
is stored only when it is safe to share (a 2xx without ``Set-Cookie``,
``Cache-Control: private``/``no-store`` or ``Vary: *``);
``CACHE_STRICT_RESPONSES = False`` stores every result, as Flask-Caching
does.
"""

from __future__ import annotations

import importlib.util

if importlib.util.find_spec("cachelib") is None:
    raise ImportError(
        "kolben.caching needs the 'cachelib' package: install it with"
        " 'pip install kolben[caching]' (and kolben[redis] for RedisCache)."
    )

from .extension import Cache as Cache  # noqa: E402

__all__ = ["Cache"]
