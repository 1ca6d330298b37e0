"""What Prometheus metrics cost a request: kolben.metrics vs prometheus-flask-exporter.

Run from the repository root::

    .venv/bin/python -m bench.metrics             # ~15 s
    .venv/bin/python -m bench.metrics --rounds 9

Four apps called in-process over WSGI, each answering ``GET /users/7`` with
a small JSON body from the rule ``/users/<int:id>``: kolben bare, kolben with
``kolben.metrics.PrometheusMetrics(app)``, Flask bare and Flask with
prometheus-flask-exporter's ``PrometheusMetrics(app)``, both with their
defaults (a duration histogram and a counter by method, path and status).
Every answer is checked, and after the run so is each app's request count
on ``/metrics``. The apps run back to back in every round, in an order that
rotates; each ratio is the median of the per-round ratios. Printed: the
rates, kolben/Flask with metrics, and what the metrics add to a request in
each framework, in microseconds and as a share of its bare request.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from typing import Any

import flask
import prometheus_client
import prometheus_flask_exporter
from prometheus_client.parser import text_string_to_metric_families

import kolben
import kolben.metrics

from . import _report
from ._drivers import call_wsgi, wsgi_environ, wsgi_rate

#: How the run is started, recorded in its JSON.
COMMAND = "python -m bench.metrics"
PACKAGES = ("kolben", "flask", "prometheus-flask-exporter", "prometheus-client")
APPS = ("kolben", "kolben+metrics", "flask", "flask+exporter")
PATH = "/users/7"
TOTAL = "flask_http_request_total"


def _routes(app: Any) -> Any:
    app.add_url_rule("/users/<int:id>", "user", lambda id: {"id": id, "name": "ada"})
    return app


def build(name: str) -> Any:
    """Return the app called ``name`` (one of :data:`APPS`)."""
    registry = prometheus_client.CollectorRegistry()
    if name.startswith("kolben"):
        app = _routes(kolben.Kolben(f"bench_metrics_{name}"))
        if name.endswith("metrics"):
            kolben.metrics.PrometheusMetrics(app, registry=registry)
        return app
    app = _routes(flask.Flask(f"bench_metrics_{name}"))
    if name.endswith("exporter"):
        prometheus_flask_exporter.PrometheusMetrics(app, registry=registry)
    return app


def check(app: Any) -> list[str]:
    """Return what is wrong with the app's answer (nothing if all is well)."""
    status, content_type, body = call_wsgi(app, PATH)
    if status != 200 or content_type != "application/json":
        return [f"{PATH}: {status} {content_type}"]
    if json.loads(body) != {"id": 7, "name": "ada"}:
        return [f"{PATH}: {body!r}"]
    return []


def counted(app: Any) -> float:
    """Return the ``GET 200`` requests the app's ``/metrics`` counts."""
    status, _, body = call_wsgi(app, "/metrics")
    assert status == 200, status
    for family in text_string_to_metric_families(body.decode()):
        for sample in family.samples:
            if sample.name == TOTAL and sample.labels.get("status") == "200":
                return float(sample.value)
    return 0.0


def main(argv: Sequence[str] | None = None) -> int:
    """Check the apps, time them in interleaved rounds, print rates and ratios.

    :param argv: command-line arguments; ``sys.argv[1:]`` by default.
    """
    parser = argparse.ArgumentParser(
        prog="python -m bench.metrics", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=0.6)
    _report.add_json_option(parser)
    args = parser.parse_args(argv)
    apps = {name: build(name) for name in APPS}
    for name, app in apps.items():
        if problems := check(app):
            raise SystemExit(f"{name} does not answer as expected: {problems}")
    samples: dict[tuple[str, str], list[float]] = {(n, PATH): [] for n in apps}
    names = list(apps)
    for r in range(args.rounds):
        for name in names[r % len(names) :] + names[: r % len(names)]:
            rate = wsgi_rate(apps[name], wsgi_environ(PATH), args.seconds)
            samples[name, PATH].append(rate)
    for name in ("kolben+metrics", "flask+exporter"):
        if counted(apps[name]) < 1000:
            raise SystemExit(f"{name} did not count its requests")
    kept = _report.Tables("metrics", PACKAGES)
    _print(samples, args.rounds, args.seconds, kept)
    kept.write(args.json, command=COMMAND, rounds=args.rounds, seconds=args.seconds)
    return 0


def _overhead(
    samples: dict[tuple[str, str], list[float]], bare: str, with_: str
) -> str:
    plain, metered = max(samples[bare, PATH]), max(samples[with_, PATH])
    cost = (1 / metered - 1 / plain) * 1e6
    return f"{cost:.1f} us a request, {cost / (1e6 / plain):.0%} of a bare request"


def _print(
    samples: dict[tuple[str, str], list[float]],
    rounds: int,
    secs: float,
    kept: _report.Tables,
) -> None:
    print(_report.versions(PACKAGES))
    print(f"machine at the end of the run: {_report.machine()}")
    title = (
        f"in-process WSGI, best of {rounds} interleaved rounds of ~{secs:g} s;"
        f" GET {PATH}, req/s (higher is better)"
    )
    print(kept.add("rates", title, _report.rate_rows(samples), [PATH]))
    mine = _report.paired_ratios(samples, mine="kolben+metrics")
    bare = _report.paired_ratios(samples, mine="kolben")
    rows = _report.ratio_rows(
        [
            ("kolben+metrics/flask+exporter", mine["flask+exporter", PATH], None),
            ("kolben/flask (bare, for scale)", bare["flask", PATH], None),
        ]
    )
    print()
    title = _report.PAIRED
    print(kept.add("ratios", title, rows, ["median"], unit="ratio (x)"))
    exporter = _overhead(samples, "flask", "flask+exporter")
    kept.notes += [
        f"kolben.metrics adds {_overhead(samples, 'kolben', 'kolben+metrics')}",
        f"prometheus-flask-exporter adds {exporter}",
    ]
    print("\n".join(kept.notes))
    worst = max(samples.values(), key=_report.spread)
    print(
        f"noise: the median round is at most {_report.spread(worst):.1%} below the best"
    )


if __name__ == "__main__":
    raise SystemExit(main())
