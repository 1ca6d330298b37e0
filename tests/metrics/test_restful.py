"""kolben.metrics.RESTfulPrometheusMetrics: metrics on kolben.rest resources."""

from __future__ import annotations

from typing import Any

from prometheus_client import CollectorRegistry

from kolben import Kolben, Response
from kolben.metrics import RESTfulPrometheusMetrics
from kolben.rest import Api, Resource

from ._scrape import value


def make_app(factory: bool = False) -> tuple[Kolben, RESTfulPrometheusMetrics]:
    app = Kolben(__name__)
    api = Api(app)
    if factory:
        metrics = RESTfulPrometheusMetrics.for_app_factory(registry=CollectorRegistry())
    else:
        metrics = RESTfulPrometheusMetrics(app, api, registry=CollectorRegistry())
    by_status = metrics.counter(
        "item_calls",
        "Item calls by status",
        labels={"status": lambda response: response.status_code},
    )

    class Item(Resource):
        @by_status
        def get(self, id: int) -> Any:
            return {"id": id}

        @by_status
        def put(self, id: int) -> Any:
            return {"id": id}, 201, {"X-Item": str(id)}

        @by_status
        def delete(self, id: int) -> Any:
            return Response(status=204)

    api.add_resource(Item, "/items/<int:id>")
    if factory:
        metrics.init_app(app, api)
    return app, metrics


def test_a_resource_s_result_is_its_api_s_response(protocol: str) -> None:
    app, _ = make_app()
    client = app.test_client(protocol=protocol)
    assert client.get("/items/1").get_json() == {"id": 1}
    put = client.put("/items/2")
    # The Api makes the response once, for the client, as without metrics.
    assert (put.status_code, put.headers["X-Item"]) == (201, "2")
    assert put.get_json() == {"id": 2}
    assert client.delete("/items/3").status_code == 204
    text = client.get("/metrics").text
    assert value(text, "item_calls_total", status="200") == 1
    assert value(text, "item_calls_total", status="201") == 1
    assert value(text, "item_calls_total", status="204") == 1
    assert value(text, "flask_http_request_total", status="201") == 1


def test_the_app_factory_names_its_api_at_init_app(protocol: str) -> None:
    app, _ = make_app(factory=True)
    client = app.test_client(protocol=protocol)
    assert client.put("/items/5").status_code == 201
    text = client.get("/metrics").text
    assert value(text, "item_calls_total", status="201") == 1
