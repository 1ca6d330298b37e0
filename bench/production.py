"""A cached and a rate-limited endpoint: kolben vs Flask-Caching/Flask-Limiter.

Run from the repository root::

    .venv/bin/python -m bench.production                # ~20 s
    .venv/bin/python -m bench.production --redis redis://127.0.0.1:6379/15

In-process over WSGI, the same two endpoints in kolben (``kolben.caching``
with SimpleCache, ``kolben.limiter`` with ``memory://``) and in Flask (with
Flask-Caching's SimpleCache and Flask-Limiter's ``memory://``): ``GET
/cached``, a JSON answer served from the cache, and ``GET /limited``, a JSON
answer under a limit it never reaches. Both apps' answers are checked
before timing; the apps run back to back in every round, in an order that
rotates; each ratio is the median of the per-round ratios.

With ``--redis`` (or KOLBEN_TEST_REDIS_URL), kolben's endpoints also run on
Redis (RedisCache, ``redis://``), where a loopback round trip costs more
than a whole Flask request: the figure to read there is kolben's overhead
per request over a bare redis-py call (a GET for the cache, the limits
library's own counter update for the limiter), both timed here. Keys live
under a prefix of the run's own and are deleted at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import time
import uuid
from collections.abc import Callable, Sequence
from typing import Any

import flask
import flask_caching
import flask_limiter
import flask_limiter.util

import kolben
import kolben.caching
import kolben.limiter
import kolben.limiter.util

from . import _report
from ._drivers import call_wsgi, wsgi_environ, wsgi_rate

#: How the run is started, recorded in its JSON.
COMMAND = "python -m bench.production"
PACKAGES = ("kolben", "flask", "flask-caching", "flask-limiter", "limits", "cachelib")
ENDPOINTS = ("/cached", "/limited")
#: A limit no run reaches.
LIMIT = "1000000000/minute"
BODY = {"message": "Hello, World!", "items": list(range(10))}


def build_kolben(redis_url: str | None = None, prefix: str = "") -> Any:
    """Return the kolben app: SimpleCache and memory://, or Redis for both."""
    app = kolben.Kolben("bench_production_kolben")
    if redis_url:
        cache_config = {
            "CACHE_TYPE": "RedisCache",
            "CACHE_REDIS_URL": redis_url,
            "CACHE_KEY_PREFIX": prefix,
        }
        storage = {"storage_uri": redis_url, "storage_options": {"key_prefix": prefix}}
    else:
        cache_config = {"CACHE_TYPE": "SimpleCache"}
        storage = {"storage_uri": "memory://"}
    cache = kolben.caching.Cache(app, config=cache_config)
    limiter = kolben.limiter.Limiter(
        kolben.limiter.util.get_remote_address, app=app, **storage
    )

    @app.get("/cached")
    @cache.cached(timeout=600)
    def cached() -> Any:
        return kolben.jsonify(BODY)

    @app.get("/limited")
    @limiter.limit(LIMIT)
    def limited() -> Any:
        return kolben.jsonify(BODY)

    return app


def build_flask() -> Any:
    """Return the Flask app with Flask-Caching and Flask-Limiter in memory."""
    app = flask.Flask("bench_production_flask")
    cache = flask_caching.Cache(app, config={"CACHE_TYPE": "SimpleCache"})
    limiter = flask_limiter.Limiter(
        flask_limiter.util.get_remote_address, app=app, storage_uri="memory://"
    )

    @app.get("/cached")
    @cache.cached(timeout=600)
    def cached() -> Any:
        return flask.jsonify(BODY)

    @app.get("/limited")
    @limiter.limit(LIMIT)
    def limited() -> Any:
        return flask.jsonify(BODY)

    return app


def check(app: Any) -> list[str]:
    """Return what is wrong with the app's answers (nothing if all is well)."""
    problems = []
    for path in ENDPOINTS:
        for _ in range(2):  # the second /cached comes from the cache
            status, ctype, data = call_wsgi(app, path)
            if status != 200 or ctype != "application/json":
                problems.append(f"{path}: {status} {ctype}")
            elif json.loads(data) != BODY:
                problems.append(f"{path}: {data!r}")
    return problems


def bare_redis_rates(url: str, prefix: str, seconds: float) -> dict[str, float]:
    """Return calls/second of the bare Redis work behind each endpoint."""
    import limits
    import limits.storage
    import limits.strategies
    import redis

    client = redis.Redis.from_url(url)
    client.set(f"{prefix}bare", b"!" + json.dumps(BODY).encode())
    storage = limits.storage.RedisStorage(url, key_prefix=prefix)
    strategy = limits.strategies.FixedWindowRateLimiter(storage)
    item = limits.parse(LIMIT)
    calls: dict[str, Callable[[], Any]] = {
        "/cached": lambda: client.get(f"{prefix}bare"),
        "/limited": lambda: strategy.hit(item, "bare"),
    }
    rates = {}
    for path, call in calls.items():
        done, start = 0, time.perf_counter()
        while time.perf_counter() - start < seconds:
            for _ in range(100):
                call()
            done += 100
        rates[path] = done / (time.perf_counter() - start)
    client.close()
    return rates


def _clean(url: str, prefix: str) -> None:
    import redis

    client = redis.Redis.from_url(url)
    keys = list(client.scan_iter(match=f"*{prefix}*"))
    if keys:
        client.delete(*keys)
    client.close()


def main(argv: Sequence[str] | None = None) -> int:
    """Check the apps, time them in interleaved rounds, print rates and ratios.

    :param argv: command-line arguments; ``sys.argv[1:]`` by default.
    """
    parser = argparse.ArgumentParser(
        prog="python -m bench.production", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=0.8)
    parser.add_argument("--redis", default=os.environ.get("KOLBEN_TEST_REDIS_URL"))
    _report.add_json_option(parser)
    args = parser.parse_args(argv)
    prefix = f"kolben-bench-{uuid.uuid4().hex}:"
    apps = {"kolben": build_kolben(), "flask": build_flask()}
    if args.redis:
        apps["kolben-redis"] = build_kolben(args.redis, prefix)
    try:
        for name, app in apps.items():
            if problems := check(app):
                raise SystemExit(f"{name} does not answer as expected: {problems}")
        samples = measure(apps, args.rounds, args.seconds)
        bare = bare_redis_rates(args.redis, prefix, args.seconds) if args.redis else {}
    finally:
        if args.redis:
            _clean(args.redis, prefix)
    kept = _report.Tables("production", PACKAGES)
    _print(samples, bare, args.rounds, args.seconds, kept)
    command = COMMAND + (" --redis URL" if args.redis else "")
    kept.write(args.json, command=command, rounds=args.rounds, seconds=args.seconds)
    return 0


def measure(
    apps: dict[str, Any], rounds: int, seconds: float
) -> dict[tuple[str, str], list[float]]:
    """Time every app on every endpoint, back to back, in rotating order."""
    samples: dict[tuple[str, str], list[float]] = {
        (name, path): [] for name in apps for path in ENDPOINTS
    }
    names = list(apps)
    for r in range(rounds):
        for path in ENDPOINTS:
            for name in names[r % len(names) :] + names[: r % len(names)]:
                rate = wsgi_rate(apps[name], wsgi_environ(path), seconds)
                samples[name, path].append(rate)
    return samples


def _print(
    samples: dict[tuple[str, str], list[float]],
    bare: dict[str, float],
    rounds: int,
    secs: float,
    kept: _report.Tables,
) -> None:
    print(_report.versions(PACKAGES))
    print(f"machine at the end of the run: {_report.machine()}")
    title = (
        f"in-process WSGI, best of {rounds} interleaved rounds of ~{secs:g} s;"
        " req/s (higher is better)"
    )
    rows = _report.rate_rows(samples)
    print(kept.add("rates", title, rows, rows[0][1:]))
    ratios = _report.paired_ratios(samples)
    rows = _report.ratio_rows(
        [
            (f"kolben/flask {path} (memory)", ratios["flask", path], 4.0)
            for path in ENDPOINTS
        ]
    )
    print()
    title = _report.PAIRED
    print(kept.add("ratios", title, rows, ["median"], unit="ratio (x)"))
    if bare:
        rows = [["endpoint", "us per request", "bare redis-py us", "overhead us"]]
        for path, rate in bare.items():
            kolben_rate = max(samples["kolben-redis", path])
            overhead = 1e6 / kolben_rate - 1e6 / rate
            rows.append(
                [
                    path,
                    f"{1e6 / kolben_rate:.1f}",
                    f"{1e6 / rate:.1f}",
                    f"{overhead:.1f}",
                ]
            )
        print()
        title = "kolben on Redis against the bare redis-py calls it makes"
        charted = ["us per request", "bare redis-py us"]
        print(kept.add("redis", title, rows, charted, unit="microseconds a request"))
    worst = max(samples.values(), key=_report.spread)
    print(
        f"noise: the median round is at most {_report.spread(worst):.1%} below the best"
    )


if __name__ == "__main__":
    raise SystemExit(main())
