"""Compression and CORS per request: kolben vs Flask-Compress and Flask-CORS.

Run from the repository root::

    .venv/bin/python -m bench.compress            # ~25 s
    .venv/bin/python -m bench.compress --rounds 9

Two apps, kolben with kolben.compress and kolben.cors, Flask with
Flask-Compress and Flask-CORS, called in-process over WSGI:

- ``gzip``: ``GET /report`` with ``Accept-Encoding: gzip``, a 100 kB JSON
  body compressed at level 6 by both;
- ``identity``: the same request without ``Accept-Encoding``, so the gap
  between the two is what compressing costs a request;
- ``preflight``: a CORS preflight (``OPTIONS /api/items`` with ``Origin``
  and ``Access-Control-Request-Method``), answered without the view;
- ``simple``: ``GET /api/items`` with ``Origin``, a small JSON answer.

Every answer is checked before timing. The apps run back to back in every
round, in an order that rotates; each ratio is the median of the per-round
ratios.
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
from collections.abc import Sequence
from typing import Any

import flask
import flask_compress
import flask_cors

import kolben
import kolben.compress
import kolben.cors

from . import _report
from ._drivers import wsgi_environ, wsgi_rate

PACKAGES = ("kolben", "flask", "flask-compress", "flask-cors")
ORIGIN = "https://app.example.com"
#: About 100 kB of JSON: 1,350 records.
REPORT = {
    "rows": [
        {"id": i, "name": f"customer {i}", "city": "Lisbon", "balance": i * 3.25}
        for i in range(1350)
    ]
}
ENDPOINTS = ("gzip", "identity", "preflight", "simple")


def build_kolben() -> Any:
    """Return the kolben app."""
    app = kolben.Kolben("bench_compress_kolben")
    kolben.compress.Compress(app)
    kolben.cors.CORS(app, resources={r"/api/*": {"origins": [ORIGIN]}})
    app.add_url_rule("/report", "report", lambda: REPORT)
    app.add_url_rule("/api/items", "items", lambda: {"items": [1, 2, 3]})
    return app


def build_flask() -> Any:
    """Return the Flask app."""
    app = flask.Flask("bench_compress_flask")
    flask_compress.Compress(app)
    flask_cors.CORS(app, resources={r"/api/*": {"origins": [ORIGIN]}})
    app.add_url_rule("/report", "report", lambda: REPORT)
    app.add_url_rule("/api/items", "items", lambda: {"items": [1, 2, 3]})
    return app


def environ(endpoint: str) -> dict[str, Any]:
    """Return the environ of one of :data:`ENDPOINTS`."""
    if endpoint in ("gzip", "identity"):
        env = wsgi_environ("/report")
        if endpoint == "gzip":
            env["HTTP_ACCEPT_ENCODING"] = "gzip"
        return env
    env = wsgi_environ("/api/items")
    env["HTTP_ORIGIN"] = ORIGIN
    if endpoint == "preflight":
        env["REQUEST_METHOD"] = "OPTIONS"
        env["HTTP_ACCESS_CONTROL_REQUEST_METHOD"] = "POST"
    return env


def check(app: Any) -> list[str]:
    """Return what is wrong with the app's answers (nothing if all is well)."""
    problems = []
    for endpoint in ENDPOINTS:
        env = environ(endpoint)
        env["wsgi.input"] = io.BytesIO(b"")
        status, headers, body = _call(app, env)
        if status != 200:
            problems.append(f"{endpoint}: status {status}")
        elif endpoint == "gzip" and (
            headers.get("content-encoding") != "gzip"
            or json.loads(gzip.decompress(body)) != REPORT
        ):
            problems.append("gzip: not the report, gzipped")
        elif endpoint == "identity" and json.loads(body) != REPORT:
            problems.append("identity: not the report")
        elif endpoint in ("preflight", "simple") and (
            headers.get("access-control-allow-origin") != ORIGIN
        ):
            problems.append(f"{endpoint}: no Access-Control-Allow-Origin")
    return problems


def _call(app: Any, env: dict[str, Any]) -> tuple[int, dict[str, str], bytes]:
    seen: list[Any] = []

    def start_response(status: str, headers: list[tuple[str, str]], *a: Any) -> Any:
        seen.append((status, headers))

    body = b"".join(app(env, start_response))
    status, headers = seen[-1]
    return int(status.split()[0]), {k.lower(): v for k, v in headers}, body


def main(argv: Sequence[str] | None = None) -> int:
    """Check the apps, time them in interleaved rounds, print rates and ratios.

    :param argv: command-line arguments; ``sys.argv[1:]`` by default.
    """
    parser = argparse.ArgumentParser(
        prog="python -m bench.compress", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=0.6)
    args = parser.parse_args(argv)
    apps = {"kolben": build_kolben(), "flask": build_flask()}
    for name, app in apps.items():
        if problems := check(app):
            raise SystemExit(f"{name} does not answer as expected: {problems}")
    samples: dict[tuple[str, str], list[float]] = {
        (n, e): [] for n in apps for e in ENDPOINTS
    }
    names = list(apps)
    for r in range(args.rounds):
        for name in names[r % len(names) :] + names[: r % len(names)]:
            for endpoint in ENDPOINTS:
                rate = wsgi_rate(apps[name], environ(endpoint), args.seconds)
                samples[name, endpoint].append(rate)
    _print(samples, args.rounds, args.seconds)
    return 0


def _print(
    samples: dict[tuple[str, str], list[float]], rounds: int, secs: float
) -> None:
    print(_report.versions(PACKAGES))
    print(f"machine at the end of the run: {_report.machine()}")
    print(
        f"in-process WSGI, best of {rounds} interleaved rounds of ~{secs:g} s;"
        " req/s (higher is better)"
    )
    print(f"  {'':10}" + "".join(f"{e:>12}" for e in ENDPOINTS))
    for name in ("kolben", "flask"):
        rates = [max(samples[name, e]) for e in ENDPOINTS]
        print(f"  {name:10}" + "".join(f"{r:12,.0f}" for r in rates))
    ratios = _report.paired_ratios(samples)
    print(
        "kolben/flask:" + "".join(f"  {e} {ratios['flask', e]:.2f}x" for e in ENDPOINTS)
    )
    for name in ("kolben", "flask"):
        gz, plain = max(samples[name, "gzip"]), max(samples[name, "identity"])
        cost = (1 / gz - 1 / plain) * 1e6
        print(f"{name}: gzip of the 100 kB report costs {cost:,.0f} us a request")
    worst = max(samples.values(), key=_report.spread)
    print(
        f"noise: the median round is at most {_report.spread(worst):.1%} below the best"
    )


if __name__ == "__main__":
    raise SystemExit(main())
