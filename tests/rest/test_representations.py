"""Representations: content negotiation on Accept, other media types, 406."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import Any

from kolben import Kolben, make_response
from kolben.rest import Api, Resource, abort, output_json
from kolben.testing import KolbenClient


class Rows(Resource):
    def get(self) -> Any:
        return [{"a": 1, "b": 2}], 200, {"X-Count": "1"}


class Missing(Resource):
    async def get(self) -> Any:
        abort(404, message="gone")


def write_csv(data: Any, code: int, headers: Any = None) -> Any:
    rows = data if isinstance(data, list) else [data]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    response = make_response(out.getvalue(), code)
    response.headers.extend(headers or {})
    return response


def _api(app: Kolben, **options: Any) -> Api:
    api = Api(app, **options)
    api.representation("text/csv")(write_csv)
    api.add_resource(Rows, "/rows")
    api.add_resource(Missing, "/missing")
    return api


def test_json_by_default_and_for_unknown_types(
    app: Kolben, client: KolbenClient
) -> None:
    _api(app)
    for accept in (None, "*/*", "application/json", "text/html", "image/png"):
        headers = {"Accept": accept} if accept else {}
        r = client.get("/rows", headers=headers)
        assert r.headers["Content-Type"] == "application/json", accept
        assert r.json == [{"a": 1, "b": 2}]
        assert r.headers["X-Count"] == "1"


def test_negotiates_the_accepted_type(app: Kolben, client: KolbenClient) -> None:
    _api(app)
    r = client.get("/rows", headers={"Accept": "text/csv"})
    assert r.headers["Content-Type"] == "text/csv"
    assert r.text.splitlines() == ["a,b", "1,2"]
    assert r.headers["X-Count"] == "1"
    r = client.get("/rows", headers={"Accept": "text/csv;q=0.5, application/json"})
    assert r.headers["Content-Type"] == "application/json"
    r = client.get("/rows", headers={"Accept": "application/json;q=0.2, text/*"})
    assert r.headers["Content-Type"] == "text/csv"


def test_errors_use_the_negotiated_type(app: Kolben, client: KolbenClient) -> None:
    _api(app)
    r = client.get("/missing", headers={"Accept": "text/csv"})
    assert (r.status_code, r.headers["Content-Type"]) == (404, "text/csv")
    assert r.text.splitlines() == ["message", "gone"]


def test_406_without_a_default_mediatype(app: Kolben, client: KolbenClient) -> None:
    _api(app, default_mediatype=None)
    r = client.get("/rows", headers={"Accept": "image/png"})
    assert r.status_code == 406
    # The error itself comes in the first representation.
    assert r.headers["Content-Type"] == "application/json"
    assert r.json == {
        "message": "The resource cannot produce a response in any of the formats"
        " the request's Accept headers allow."
    }
    r = client.get("/missing", headers={"Accept": "image/png"})
    assert (r.status_code, r.json) == (404, {"message": "gone"})
    assert client.get("/rows", headers={"Accept": "text/csv"}).status_code == 200


def test_text_plain_default(app: Kolben, client: KolbenClient) -> None:
    api = Api(app, default_mediatype="text/plain")
    api.add_resource(Rows, "/rows")
    r = client.get("/rows", headers={"Accept": "image/png"})
    assert r.headers["Content-Type"] == "text/plain"
    assert r.text == "[{'a': 1, 'b': 2}]"
    assert r.headers["X-Count"] == "1"


def test_resource_representations(app: Kolben, client: KolbenClient) -> None:
    class Report(Resource):
        representations = {"text/csv": write_csv}

        async def get(self) -> Any:
            return [{"x": 1}], 201

    Api(app).add_resource(Report, "/report")
    r = client.get("/report", headers={"Accept": "text/csv"})
    assert (r.status_code, r.headers["Content-Type"]) == (201, "text/csv")
    assert r.text.splitlines() == ["x", "1"]
    assert client.get("/report").json == [{"x": 1}]


def test_restful_json_settings(
    make_client: Callable[[Kolben], KolbenClient], app: Kolben
) -> None:
    app.config["RESTFUL_JSON"] = {"sort_keys": True, "separators": (",", ":")}
    api = Api(app)

    class Unsorted(Resource):
        def get(self) -> Any:
            return {"b": 1, "a": "é"}

    api.add_resource(Unsorted, "/u")
    assert make_client(app).get("/u").text == '{"a":"\\u00e9","b":1}\n'


def test_debug_indents(make_client: Callable[[Kolben], KolbenClient]) -> None:
    app = Kolben(__name__)
    app.config.update(DEBUG=True)

    class One(Resource):
        def get(self) -> Any:
            return {"a": 1}

    Api(app).add_resource(One, "/one")
    assert make_client(app).get("/one").text == '{\n    "a": 1\n}\n'


def test_output_json_alone(app: Kolben) -> None:
    with app.app_context():
        response = output_json({"a": 1}, 201, {"X-A": "b"})
    assert response.status_code == 201
    assert response.mimetype == "application/json"
    assert response.headers["X-A"] == "b"
    assert response.get_data(as_text=True) == '{"a": 1}\n'


def test_mediatypes(app: Kolben) -> None:
    api = Api(app)
    with app.test_request_context(headers={"Accept": "text/csv;q=0.1, text/xml"}):
        assert api.mediatypes() == ["text/xml", "text/csv"]
        assert api.mediatypes_method()(Rows) == [
            "text/xml",
            "text/csv",
            "application/json",
        ]
