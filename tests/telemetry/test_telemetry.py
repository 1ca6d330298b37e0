"""OpenTelemetry's WSGI and ASGI middlewares on kolben, through KolbenInstrumentor.

Every request makes exactly one server span, named by its route rule as
``opentelemetry-instrumentation-flask`` names Flask's, with the status.
"""

from __future__ import annotations

from typing import Any

import pytest
from opentelemetry.instrumentation.asgi import OpenTelemetryMiddleware as ASGIMiddleware
from opentelemetry.instrumentation.wsgi import OpenTelemetryMiddleware as WSGIMiddleware
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import (
    InMemorySpanExporter,
)
from opentelemetry.trace import SpanKind, StatusCode

from kolben import Blueprint, Kolben, abort
from kolben.telemetry import KolbenInstrumentor


@pytest.fixture
def exporter() -> InMemorySpanExporter:
    return InMemorySpanExporter()


@pytest.fixture
def provider(exporter: InMemorySpanExporter) -> TracerProvider:
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    return provider


def build(app: Any, abort: Any = abort) -> Any:
    """Give ``app`` (kolben's or Flask's) the routes every test requests."""

    @app.route("/users/<int:id>")
    def user(id: int) -> dict[str, int]:
        if id == 0:
            abort(404)
        return {"id": id}

    @app.route("/boom")
    def boom() -> str:
        raise RuntimeError("the view failed")

    @app.route("/async/<name>")
    async def greet(name: str) -> str:
        return f"hello {name}"

    return app


@pytest.fixture
def app(provider: TracerProvider) -> Kolben:
    # Not in testing mode: an exception in a view becomes the 500 a
    # production server answers, rather than reaching the test.
    app = Kolben(__name__)
    build(app)
    KolbenInstrumentor().instrument_app(app, tracer_provider=provider)
    return app


def server_spans(exporter: InMemorySpanExporter) -> list[ReadableSpan]:
    return [s for s in exporter.get_finished_spans() if s.kind is SpanKind.SERVER]


def only_server_span(exporter: InMemorySpanExporter) -> ReadableSpan:
    spans = server_spans(exporter)
    assert len(spans) == 1, [s.name for s in spans]
    exporter.clear()
    return spans[0]


def test_a_span_is_named_by_its_route_rule(app, protocol, exporter) -> None:
    client = app.test_client(protocol=protocol)
    assert client.get("/users/7").get_json() == {"id": 7}
    span = only_server_span(exporter)
    assert span.name == "GET /users/<int:id>"
    assert span.attributes is not None
    assert span.attributes["http.route"] == "/users/<int:id>"
    assert span.attributes["http.status_code"] == 200
    assert span.attributes["http.target"] == "/users/7"
    assert span.status.status_code is StatusCode.UNSET


def test_an_async_view_is_traced_the_same(app, protocol, exporter) -> None:
    client = app.test_client(protocol=protocol)
    assert client.get("/async/ada").text == "hello ada"
    span = only_server_span(exporter)
    assert span.name == "GET /async/<name>"
    assert span.attributes is not None
    assert span.attributes["http.status_code"] == 200


def test_a_404_from_a_view_keeps_the_rule(app, protocol, exporter) -> None:
    client = app.test_client(protocol=protocol)
    assert client.get("/users/0").status_code == 404
    span = only_server_span(exporter)
    assert span.name == "GET /users/<int:id>"
    assert span.attributes is not None
    assert span.attributes["http.status_code"] == 404


def test_a_request_no_rule_matched_keeps_the_middleware_name(
    app, protocol, exporter
) -> None:
    client = app.test_client(protocol=protocol)
    assert client.get("/nowhere").status_code == 404
    span = only_server_span(exporter)
    # What the middleware named it: there is no rule to name it by.
    assert span.name == "GET /nowhere"
    assert span.attributes is not None
    assert span.attributes["http.status_code"] == 404
    assert "http.route" not in span.attributes


def test_a_500_is_an_error_span_with_the_exception(app, protocol, exporter) -> None:
    client = app.test_client(protocol=protocol)
    assert client.get("/boom").status_code == 500
    span = only_server_span(exporter)
    assert span.name == "GET /boom"
    assert span.attributes is not None
    assert span.attributes["http.status_code"] == 500
    assert span.status.status_code is StatusCode.ERROR
    [event] = [e for e in span.events if e.name == "exception"]
    assert event.attributes is not None
    assert event.attributes["exception.message"] == "the view failed"


def test_every_request_has_its_own_span(app, protocol, exporter) -> None:
    client = app.test_client(protocol=protocol)
    for id in range(1, 6):
        client.get(f"/users/{id}")
    spans = server_spans(exporter)
    assert len(spans) == 5
    assert len({s.context.trace_id for s in spans if s.context}) == 5


def test_a_hook_that_answers_first_leaves_the_span_named(
    provider, protocol, exporter
) -> None:
    app = build(Kolben(__name__))
    KolbenInstrumentor().instrument_app(app, tracer_provider=provider)

    @app.before_request
    def refuse() -> tuple[str, int]:
        return "slow down", 429

    assert app.test_client(protocol=protocol).get("/users/3").status_code == 429
    span = only_server_span(exporter)
    assert span.name == "GET /users/<int:id>"
    assert span.attributes is not None
    assert span.attributes["http.status_code"] == 429


def test_a_blueprint_rule_carries_its_prefix(provider, protocol, exporter) -> None:
    app = Kolben(__name__)
    api = Blueprint("api", __name__, url_prefix="/api/v1")

    @api.post("/items/<slug>")
    def create(slug: str) -> tuple[dict[str, str], int]:
        return {"slug": slug}, 201

    app.register_blueprint(api)
    KolbenInstrumentor().instrument_app(app, tracer_provider=provider)
    client = app.test_client(protocol=protocol)
    assert client.post("/api/v1/items/a").status_code == 201
    span = only_server_span(exporter)
    assert span.name == "POST /api/v1/items/<slug>"
    assert span.attributes is not None
    assert span.attributes["http.status_code"] == 201


def test_middlewares_the_app_wraps_itself(provider, protocol, exporter) -> None:
    app = build(Kolben(__name__))
    app.wsgi_app = WSGIMiddleware(app.wsgi_app, tracer_provider=provider)
    app.asgi_app = ASGIMiddleware(app.asgi_app, tracer_provider=provider)
    KolbenInstrumentor().instrument_app(app, wrap=False)
    assert app.test_client(protocol=protocol).get("/users/9").status_code == 200
    span = only_server_span(exporter)
    assert span.name == "GET /users/<int:id>"


def test_the_names_are_those_flasks_instrumentation_gives(
    app, provider, exporter
) -> None:
    import flask
    from opentelemetry.instrumentation.flask import FlaskInstrumentor

    flask_app = build(flask.Flask(__name__), flask.abort)
    instrument = FlaskInstrumentor().instrument_app
    instrument(flask_app, tracer_provider=provider)  # type: ignore[no-untyped-call]
    paths = ["/users/7", "/users/0", "/boom", "/async/ada", "/nowhere"]
    names: dict[str, list[tuple[str, Any]]] = {}
    for label, client in [
        ("flask", flask_app.test_client()),
        ("wsgi", app.test_client(protocol="wsgi")),
        ("asgi", app.test_client(protocol="asgi")),
    ]:
        for path in paths:
            client.get(path)
        names[label] = [
            (s.name, (s.attributes or {}).get("http.status_code"))
            for s in server_spans(exporter)
        ]
        exporter.clear()
    assert names["flask"] == names["wsgi"] == names["asgi"]
    assert len(names["flask"]) == len(paths)


def test_instrumenting_twice_is_refused(app) -> None:
    with pytest.raises(RuntimeError, match="instrumented already"):
        KolbenInstrumentor().instrument_app(app)


def test_spans_not_recorded_are_left_alone(protocol, exporter) -> None:
    from opentelemetry.sdk.trace.sampling import ALWAYS_OFF

    app = build(Kolben(__name__))
    provider = TracerProvider(sampler=ALWAYS_OFF)
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    KolbenInstrumentor().instrument_app(app, tracer_provider=provider)
    client = app.test_client(protocol=protocol)
    assert client.get("/users/4").status_code == 200
    assert client.get("/boom").status_code == 500
    assert exporter.get_finished_spans() == ()


def test_without_the_middlewares_the_error_names_the_extra(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import sys

    # None in sys.modules makes a module look uninstalled.
    monkeypatch.setitem(sys.modules, "opentelemetry.instrumentation.wsgi", None)
    app = build(Kolben(__name__))
    with pytest.raises(ImportError, match=r"pip install kolben\[telemetry\]"):
        KolbenInstrumentor().instrument_app(app)
    assert "telemetry" not in app.extensions
