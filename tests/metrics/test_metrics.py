"""kolben.metrics: prometheus-flask-exporter's default metrics, under both protocols."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from prometheus_client import CollectorRegistry

from kolben import Kolben, abort, request
from kolben.metrics import NO_PREFIX, PrometheusMetrics
from kolben.testing import KolbenClient

from ._scrape import names, value

DURATION = "flask_http_request_duration_seconds"


def make_app(**options: Any) -> tuple[Kolben, PrometheusMetrics]:
    # Not in testing mode: an exception in a view is the 500 a server sends.
    app = Kolben(__name__)
    metrics = PrometheusMetrics(app, registry=CollectorRegistry(), **options)

    @app.route("/users/<int:id>")
    def user(id: int) -> dict[str, int]:
        if id == 0:
            abort(404)
        return {"id": id}

    @app.route("/async/<name>")
    async def greet(name: str) -> str:
        await asyncio.sleep(0)
        return f"hello {name}"

    @app.route("/boom")
    def boom() -> str:
        raise RuntimeError("the view failed")

    return app, metrics


def scrape(client: KolbenClient, path: str = "/metrics", **kwargs: Any) -> str:
    response = client.get(path, **kwargs)
    assert response.status_code == 200
    return response.text


def test_requests_are_counted_by_method_and_status(protocol: str) -> None:
    app, _ = make_app()
    client = app.test_client(protocol=protocol)
    for path in ["/users/1", "/users/1", "/users/2", "/async/ada", "/users/0"]:
        client.get(path)
    client.post("/users/1")
    client.get("/nowhere")
    text = scrape(client)
    assert value(text, "flask_http_request_total", method="GET", status="200") == 4
    assert value(text, "flask_http_request_total", method="GET", status="404") == 2
    assert value(text, "flask_http_request_total", method="POST", status="405") == 1
    # /metrics itself is not tracked.
    assert value(text, "flask_http_request_total") == 7


def test_durations_are_a_histogram_by_path_and_status(protocol: str) -> None:
    app, _ = make_app()
    client = app.test_client(protocol=protocol)
    for path in ["/users/1", "/users/1", "/async/ada", "/users/0"]:
        client.get(path)
    text = scrape(client)
    count = f"{DURATION}_count"
    assert value(text, count, method="GET", path="/users/1", status="200") == 2
    assert value(text, count, method="GET", path="/async/ada", status="200") == 1
    assert value(text, count, method="GET", path="/users/0", status="404") == 1
    assert value(text, f"{DURATION}_sum", path="/users/1") > 0
    # prometheus_client's default buckets, up to +Inf.
    assert value(text, f"{DURATION}_bucket", path="/users/1", le="+Inf") == 2
    assert value(text, f"{DURATION}_bucket", path="/users/1", le="10.0") == 2


def test_an_exception_is_counted_as_a_500(protocol: str) -> None:
    app, _ = make_app()
    client = app.test_client(protocol=protocol)
    assert client.get("/boom").status_code == 500
    text = scrape(client)
    exceptions = "flask_http_request_exceptions_total"
    assert value(text, exceptions, method="GET", status="500") == 1
    assert value(text, "flask_http_request_total", status="500") == 1
    assert value(text, f"{DURATION}_count", path="/boom", status="500") == 1


def test_the_exporter_info_is_published() -> None:
    app, metrics = make_app()
    text = scrape(app.test_client())
    assert value(text, "flask_exporter_info", version=metrics.version) == 1
    assert metrics.version == "0.1.0"


def verb(req: Any) -> str:
    """Group by the lower-cased method: a label named after the function."""
    return str(req.method.lower())


@pytest.mark.parametrize(
    ("group_by", "label", "expected"),
    [
        ("url_rule", "url_rule", "/users/<int:id>"),
        ("endpoint", "endpoint", "user"),
        (verb, "verb", "get"),
    ],
)
def test_group_by(protocol: str, group_by: Any, label: str, expected: str) -> None:
    app, _ = make_app(group_by=group_by)
    client = app.test_client(protocol=protocol)
    client.get("/users/1")
    client.get("/users/2")
    text = scrape(client)
    assert value(text, f"{DURATION}_count", **{label: expected}) == 2


def test_default_labels_static_and_from_the_response(protocol: str) -> None:
    app, _ = make_app(
        default_labels={
            "service": "users",
            "kind": lambda response: response.mimetype,
            "agent": lambda: request.headers.get("User-Agent", "none"),
        }
    )
    client = app.test_client(protocol=protocol)
    client.get("/users/1", headers={"User-Agent": "probe"})
    client.get("/boom")
    text = scrape(client)
    assert (
        value(
            text,
            "flask_http_request_total",
            service="users",
            kind="application/json",
            agent="probe",
        )
        == 1
    )
    assert value(text, "flask_http_request_exceptions_total", service="users") == 1


def test_prefix_buckets_and_summary() -> None:
    app, _ = make_app(defaults_prefix="api", buckets=(0.5, 1.0))
    client = app.test_client()
    client.get("/users/1")
    text = scrape(client)
    assert value(text, "api_http_request_total") == 1
    assert value(text, "api_http_request_duration_seconds_bucket", le="0.5") == 1
    assert "api_exporter_info" in names(text)
    assert not any(n.startswith("flask_") for n in names(text))

    app, _ = make_app(defaults_prefix=NO_PREFIX, default_latency_as_histogram=False)
    client = app.test_client()
    client.get("/users/1")
    text = scrape(client)
    assert value(text, "http_request_total") == 1
    assert value(text, "http_request_duration_seconds_count") == 1
    assert "http_request_duration_seconds_bucket" not in names(text)


def test_excluded_paths_and_do_not_track(protocol: str) -> None:
    app, metrics = make_app(excluded_paths=["/users/1$", "/async"])

    @app.route("/health")
    @metrics.do_not_track()
    def health() -> str:
        return "ok"

    @app.route("/quiet")
    @metrics.exclude_all_metrics()
    def quiet() -> str:
        return "shh"

    client = app.test_client(protocol=protocol)
    for path in ["/users/1", "/users/2", "/async/x", "/health", "/quiet"]:
        assert client.get(path).status_code == 200
    text = scrape(client)
    assert value(text, "flask_http_request_total") == 1
    assert value(text, f"{DURATION}_count", path="/users/2") == 1


def test_no_defaults_and_no_path() -> None:
    app, metrics = make_app(export_defaults=False, path=None)
    client = app.test_client()
    assert client.get("/metrics").status_code == 404
    client.get("/users/1")
    text, content_type = metrics.generate_metrics()
    assert content_type.startswith("text/plain")
    assert "flask_http_request_total" not in names(text)


def test_the_endpoint_answers_openmetrics_and_filters_names() -> None:
    app, _ = make_app()
    client = app.test_client()
    client.get("/users/1")
    response = client.get(
        "/metrics", headers={"Accept": "application/openmetrics-text"}
    )
    assert response.mimetype == "application/openmetrics-text"
    assert response.text.endswith("# EOF\n")
    text = scrape(client, "/metrics?name[]=flask_http_request_total")
    assert names(text) == {"flask_http_request_total"}


def test_a_metrics_decorator_guards_the_endpoint() -> None:
    def needs_token(view: Any) -> Any:
        def guarded() -> Any:
            if request.headers.get("Authorization") != "Bearer s3cret":
                return "no", 401
            return view()

        return guarded

    app, _ = make_app(metrics_decorator=needs_token)
    client = app.test_client()
    assert client.get("/metrics").status_code == 401
    headers = {"Authorization": "Bearer s3cret"}
    assert "flask_exporter_info" in scrape(client, headers=headers)


def test_an_app_factory(protocol: str) -> None:
    metrics = PrometheusMetrics.for_app_factory(registry=CollectorRegistry())
    app = Kolben(__name__)

    @app.get("/")
    def index() -> str:
        return "hi"

    metrics.init_app(app)
    assert app.extensions["metrics"] is metrics
    client = app.test_client(protocol=protocol)
    client.get("/")
    assert value(scrape(client), "flask_http_request_total", status="200") == 1


def test_deprecated_and_unknown_arguments() -> None:
    registry = CollectorRegistry()
    with pytest.warns(DeprecationWarning, match="default_labels"):
        metrics = PrometheusMetrics(
            None, registry=registry, static_labels={"env": "test"}
        )
    with pytest.warns(DeprecationWarning, match="group_by='endpoint'"):
        grouped = PrometheusMetrics(
            None, registry=CollectorRegistry(), group_by_endpoint=True
        )
    assert grouped.group_by == "endpoint"
    app = Kolben(__name__)

    @app.get("/")
    def index() -> str:
        return "hi"

    metrics.init_app(app)
    client = app.test_client()
    client.get("/")
    assert value(scrape(client), f"{DURATION}_count", env="test", path="/") == 1
    with pytest.raises(TypeError, match="Unexpected arguments: colour"):
        PrometheusMetrics(None, colour="red")


def test_the_default_registry_is_prometheus_clients() -> None:
    from prometheus_client import REGISTRY

    metrics = PrometheusMetrics(None, export_defaults=False)
    assert metrics.registry is REGISTRY


def test_export_defaults_by_hand(protocol: str) -> None:
    app = Kolben(__name__)
    metrics = PrometheusMetrics(
        app, registry=CollectorRegistry(), export_defaults=False
    )

    @app.get("/users/<int:id>")
    def user(id: int) -> str:
        return "user"

    metrics.export_defaults(group_by_endpoint=True, prefix="by_hand", app=app)
    client = app.test_client(protocol=protocol)
    client.get("/users/1")
    text = scrape(client)
    assert (
        value(text, "by_hand_http_request_duration_seconds_count", endpoint="user") == 1
    )


def test_the_hooks_run_on_the_event_loop() -> None:
    from kolben._concurrency import NONBLOCKING

    app, _ = make_app()
    hooks = [*app.before_request_funcs[None], *app.after_request_funcs[None]]
    assert len(hooks) == 2
    assert all(getattr(hook, NONBLOCKING, False) for hook in hooks)


def test_one_instance_records_several_apps(protocol: str) -> None:
    metrics = PrometheusMetrics.for_app_factory(registry=CollectorRegistry())
    clients = []
    for name in ("first", "second"):
        app = Kolben(name)
        app.add_url_rule("/", "index", lambda: "hi")
        metrics.init_app(app)
        clients.append(app.test_client(protocol=protocol))
    for client in clients:
        client.get("/")
    assert value(scrape(clients[0]), "flask_http_request_total", status="200") == 2


def test_an_untracked_view_that_raises_is_not_counted(protocol: str) -> None:
    app, metrics = make_app()

    @app.get("/quiet-failure")
    @metrics.do_not_track()
    def quiet_failure() -> str:
        raise RuntimeError("not counted")

    client = app.test_client(protocol=protocol)
    assert client.get("/quiet-failure").status_code == 500
    assert value(scrape(client), "flask_http_request_exceptions_total") == 0
