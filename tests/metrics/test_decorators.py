"""kolben.metrics: the counter, histogram, summary, gauge and info metrics."""

from __future__ import annotations

import asyncio
import ssl
import urllib.request
from typing import Any

import pytest
from prometheus_client import CollectorRegistry

from kolben import Kolben, abort, request
from kolben.metrics import PrometheusMetrics

from ._scrape import value


def make_app() -> tuple[Kolben, PrometheusMetrics]:
    app = Kolben(__name__)
    return app, PrometheusMetrics(app, registry=CollectorRegistry())


def test_a_counter_with_labels_of_the_request_and_response(protocol: str) -> None:
    app, metrics = make_app()

    @app.get("/items/<kind>")
    @metrics.counter(
        "item_reads",
        "Item reads by kind and status",
        labels={
            "kind": lambda: (request.view_args or {})["kind"],
            "status": lambda response: response.status_code,
        },
    )
    def items(kind: str) -> Any:
        if kind == "secret":
            abort(403)
        return {"kind": kind}

    client = app.test_client(protocol=protocol)
    client.get("/items/book")
    client.get("/items/book")
    assert client.get("/items/secret").status_code == 403
    text = client.get("/metrics").text
    assert value(text, "item_reads_total", kind="book", status="200") == 2
    # The HTTPException's status, and the app still answers it.
    assert value(text, "item_reads_total", kind="secret", status="403") == 1


def test_an_async_view_keeps_its_decorators_async(protocol: str) -> None:
    app, metrics = make_app()

    @app.get("/slow")
    @metrics.histogram(
        "slow_seconds",
        "Slow view latency",
        labels={"status": lambda r: r.status_code},
        buckets=(0.001, 10.0),
    )
    @metrics.summary("slow_summary_seconds", "Slow view latency")
    async def slow() -> tuple[str, int]:
        await asyncio.sleep(0.002)
        return "done", 202

    client = app.test_client(protocol=protocol)
    assert client.get("/slow").status_code == 202
    text = client.get("/metrics").text
    assert value(text, "slow_seconds_bucket", status="202", le="0.001") == 0
    assert value(text, "slow_seconds_bucket", status="202", le="10.0") == 1
    assert value(text, "slow_summary_seconds_count") == 1
    assert value(text, "slow_summary_seconds_sum") >= 0.002


def test_an_async_view_that_raises_is_counted_as_a_500(protocol: str) -> None:
    app, metrics = make_app()

    @app.get("/fails")
    @metrics.counter("fails", "Failures", labels={"status": lambda r: r.status_code})
    async def fails() -> str:
        raise RuntimeError("no")

    assert app.test_client(protocol=protocol).get("/fails").status_code == 500
    text = app.test_client(protocol=protocol).get("/metrics").text
    assert value(text, "fails_total", status="500") == 1


def test_a_gauge_counts_requests_in_progress(protocol: str) -> None:
    app, metrics = make_app()
    seen: list[float] = []

    @app.get("/work")
    @metrics.gauge("in_progress", "Requests in progress")
    def work() -> str:
        seen.append(metrics.registry.get_sample_value("in_progress") or 0.0)
        return "ok"

    client = app.test_client(protocol=protocol)
    client.get("/work")
    assert seen == [1.0]
    assert metrics.registry.get_sample_value("in_progress") == 0.0


def test_static_labels_start_at_zero(protocol: str) -> None:
    app, metrics = make_app()

    @app.get("/a")
    @metrics.counter("calls", "Calls", labels={"team": "blue"})
    def a() -> str:
        return "a"

    client = app.test_client(protocol=protocol)
    assert value(client.get("/metrics").text, "calls_total", team="blue") == 0
    assert 'calls_total{team="blue"} 0.0' in client.get("/metrics").text
    client.get("/a")
    assert value(client.get("/metrics").text, "calls_total", team="blue") == 1


def test_exclude_all_metrics_above_or_below_the_decorators(protocol: str) -> None:
    app, metrics = make_app()

    @app.get("/above")
    @metrics.exclude_all_metrics()
    @metrics.counter("above", "Excluded from above")
    @metrics.histogram("above_seconds", "Excluded from above")
    def above() -> str:
        return "a"

    @app.get("/below")
    @metrics.counter("below", "Excluded from below")
    @metrics.exclude_all_metrics()
    async def below() -> str:
        return "b"

    client = app.test_client(protocol=protocol)
    client.get("/above")
    client.get("/below")
    text = client.get("/metrics").text
    assert value(text, "above_total") == 0
    assert value(text, "above_seconds_count") == 0
    assert value(text, "below_total") == 0
    assert value(text, "flask_http_request_total") == 0


def test_excluded_paths_apply_to_the_decorators_unless_told(protocol: str) -> None:
    for exclude_user_defaults, expected in [(True, 0), (False, 1)]:
        app = Kolben(__name__)
        metrics = PrometheusMetrics(
            app,
            registry=CollectorRegistry(),
            excluded_paths="/internal",
            exclude_user_defaults=exclude_user_defaults,
        )

        @app.get("/internal/job")
        @metrics.counter("jobs", "Jobs")
        def job() -> str:
            return "ok"

        client = app.test_client(protocol=protocol)
        client.get("/internal/job")
        text = client.get("/metrics").text
        assert value(text, "jobs_total") == expected
        assert value(text, "flask_http_request_total") == 0


def test_register_default_wraps_every_view(protocol: str) -> None:
    app, metrics = make_app()

    @app.get("/one")
    def one() -> str:
        return "1"

    @app.get("/two")
    async def two() -> str:
        return "2"

    metrics.register_default(
        metrics.counter(
            "by_path", "Requests by path", labels={"path": lambda: request.path}
        )
    )
    client = app.test_client(protocol=protocol)
    client.get("/one")
    client.get("/two")
    client.get("/two")
    text = client.get("/metrics").text
    assert value(text, "by_path_total", path="/one") == 1
    assert value(text, "by_path_total", path="/two") == 2


def test_labels_must_be_a_dict() -> None:
    _, metrics = make_app()
    with pytest.raises(TypeError, match="dictionary"):
        metrics.counter("bad", "Bad", labels=[("a", "b")])  # type: ignore[arg-type]


def test_info_by_keywords_or_names_and_values() -> None:
    _, metrics = make_app()
    metrics.info("app_info", "Application info", version="1.0.3", major=1)
    metrics.info("build_info", "Build", ("commit", "branch"), ("abc", "main"))
    plain = metrics.info("plain_info", "No labels")
    text, _ = metrics.generate_metrics()
    assert value(text, "app_info", version="1.0.3", major="1") == 1
    assert value(text, "build_info", commit="abc", branch="main") == 1
    assert value(text, "plain_info") == 1
    plain.set(2)
    assert value(metrics.generate_metrics()[0], "plain_info") == 2
    with pytest.raises(ValueError, match="Cannot have labels"):
        metrics.info("x_info", "X", ("a",), version="1")


def _get(url: str, context: ssl.SSLContext | None = None) -> str:
    with urllib.request.urlopen(url, timeout=10, context=context) as response:
        return str(response.read().decode())


def test_a_metrics_server_of_its_own(unused_port: int) -> None:
    app, metrics = make_app()

    @app.get("/")
    def index() -> str:
        return "hi"

    app.test_client().get("/")
    metrics.start_http_server(unused_port, host="127.0.0.1", endpoint="/m")
    text = _get(f"http://127.0.0.1:{unused_port}/m")
    assert value(text, "flask_http_request_total", status="200") == 1


def test_a_metrics_server_over_https(unused_port: int, tmp_path: Any) -> None:
    import trustme

    ca = trustme.CA()
    cert = ca.issue_cert("127.0.0.1")
    cert_path, key_path = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert.cert_chain_pems[0].write_to_path(cert_path)
    cert.private_key_pem.write_to_path(key_path)
    _, metrics = make_app()
    metrics.start_http_server(
        unused_port,
        host="127.0.0.1",
        ssl={"cert": str(cert_path), "key": str(key_path)},
    )
    context = ssl.create_default_context()
    ca.configure_trust(context)
    text = _get(f"https://127.0.0.1:{unused_port}/metrics", context)
    assert "flask_exporter_info" in text
