"""Typed Resource handlers: validated, converted and documented by kolben.api."""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any
from uuid import UUID

import pytest
from openapi_spec_validator import validate
from pydantic import BaseModel, Field

from kolben import Blueprint, Kolben, jsonify, request
from kolben.api import Header, OpenAPI, Query, RequestValidationError, operation
from kolben.rest import Api, Resource, abort
from kolben.rest._resource import PREPARED
from kolben.testing import KolbenClient
from tests.conftest import create_app


class Colour(StrEnum):
    RED = "red"
    BLUE = "blue"


class Tag(BaseModel):
    label: str = Field(min_length=1)


class ThingIn(BaseModel):
    name: str = Field(min_length=1, max_length=40)
    colour: Colour = Colour.RED
    tags: list[Tag] = []


class ThingOut(ThingIn):
    id: int
    made: datetime


class Row:
    """What an ORM would hand back: more than the response model shows."""

    def __init__(self, id: int, name: str) -> None:
        self.id = id
        self.name = name
        self.colour = Colour.BLUE
        self.tags: list[Tag] = []
        self.made = datetime(2024, 5, 1, 12, 30)
        self.password_hash = "scrypt$secret"


def login_required(f: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(f)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if request.headers.get("Authorization") != "Bearer ok":
            abort(401, message="Log in first.")
        return f(*args, **kwargs)

    return wrapper


class Things(Resource):
    """The things."""

    def get(
        self,
        tag: Annotated[list[str] | None, Query()] = None,
        limit: Annotated[int, Query(ge=1, le=50)] = 10,
    ) -> list[ThingOut]:
        """List the things."""
        rows = [Row(n, ",".join(tag or ["none"])) for n in range(1, limit + 1)]
        return rows[:2]  # type: ignore[return-value]

    @operation(status_code=201)
    async def post(self, thing: ThingIn, x_request_id: Header[str]) -> ThingOut:
        """Add a thing."""
        name = f"{thing.name}:{x_request_id}"
        made = datetime(2024, 1, 2)
        return ThingOut(**{**thing.model_dump(), "name": name}, id=7, made=made)


class Thing(Resource):
    method_decorators = {"delete": [login_required]}

    def get(self, thing_id: int, token: Query[UUID] | None = None) -> ThingOut:
        return Row(thing_id, str(token))  # type: ignore[return-value]

    def delete(self, thing_id: int, reason: Query[str]) -> Any:
        return {"deleted": thing_id, "reason": reason}, 200

    def put(self, thing_id) -> Any:
        return {"untyped": thing_id}


class Plain(Resource):
    def get(self, n: int) -> dict[str, Any]:
        return {"n": n}


@pytest.fixture
def app() -> Kolben:
    app = create_app()
    OpenAPI(app, title="Things", version="1.0")
    api = Api(app, prefix="/v1")
    api.add_resource(Things, "/things")
    api.add_resource(Thing, "/things/<int:thing_id>")
    api.add_resource(Plain, "/plain/<int:n>")
    return app


def test_parameters_and_bodies_are_validated(client: KolbenClient) -> None:
    r = client.get("/v1/things?tag=a&tag=b&limit=2")
    assert r.status_code == 200
    assert [t["name"] for t in r.json] == ["a,b", "a,b"]
    r = client.post(
        "/v1/things",
        json={"name": "box", "colour": "blue", "tags": [{"label": "x"}]},
        headers={"X-Request-Id": "r1"},
    )
    assert r.status_code == 201
    assert r.json == {
        "name": "box:r1",
        "colour": "blue",
        "tags": [{"label": "x"}],
        "id": 7,
        "made": "2024-01-02T00:00:00",
    }
    token = "12345678-1234-5678-1234-567812345678"
    assert client.get(f"/v1/things/3?token={token}").json["name"] == token


def test_the_response_model_drops_what_it_does_not_show(
    client: KolbenClient,
) -> None:
    r = client.get("/v1/things/3")
    assert r.json == {
        "name": "None",
        "colour": "blue",
        "tags": [],
        "id": 3,
        "made": "2024-05-01T12:30:00",
    }
    assert "password_hash" not in r.text
    assert r.headers["Content-Type"] == "application/json"


def test_errors_are_problem_details_located(client: KolbenClient) -> None:
    r = client.post(
        "/v1/things", json={"name": "", "tags": [{"label": ""}], "colour": "green"}
    )
    assert r.status_code == 422
    assert r.headers["Content-Type"] == "application/problem+json"
    locs = [e["loc"] for e in r.json["errors"]]
    assert locs == [
        ["header", "x-request-id"],
        ["body", "name"],
        ["body", "colour"],
        ["body", "tags", 0, "label"],
    ]
    r = client.get("/v1/things?limit=0")
    assert (r.status_code, r.json["errors"][0]["loc"]) == (422, ["query", "limit"])
    r = client.get("/v1/things/3?token=nope")
    assert r.json["errors"][0]["loc"] == ["query", "token"]
    r = client.post(
        "/v1/things", data="{", headers={"Content-Type": "application/json"}
    )
    assert r.status_code == 400
    assert r.headers["Content-Type"] == "application/problem+json"
    r = client.post("/v1/things", data="name=x", headers={"X-Request-Id": "1"})
    assert r.status_code == 415
    # The Api's own errors keep Flask-RESTful's body.
    r = client.get("/v1/things/1/nothing")
    assert r.status_code == 404


def test_method_decorators_run_before_validation(client: KolbenClient) -> None:
    r = client.delete("/v1/things/4")
    assert (r.status_code, r.json) == (401, {"message": "Log in first."})
    auth = {"Authorization": "Bearer ok"}
    r = client.delete("/v1/things/4", headers=auth)
    assert r.status_code == 422
    assert r.json["errors"][0]["loc"] == ["query", "reason"]
    r = client.delete("/v1/things/4?reason=old", headers=auth)
    assert r.json == {"deleted": 4, "reason": "old"}


def test_untyped_handlers_and_resources_are_left_as_they_are(
    app: Kolben, client: KolbenClient
) -> None:
    assert client.put("/v1/things/5").json == {"untyped": 5}
    assert client.get("/v1/plain/2").json == {"n": 2}
    assert client.head("/v1/things/3").status_code == 200
    # Prepared once, for this app, only where a handler is typed.
    table = Things.__dict__[PREPARED][app]
    assert set(table["things"]) == {"get", "post"}
    assert set(Thing.__dict__[PREPARED][app]["thing"]) == {"get", "delete"}
    assert PREPARED not in Plain.__dict__
    # kolben.api leaves a resource's view function as the Api made it.
    for endpoint in ("things", "thing", "plain"):
        assert app._plans[endpoint].view is app.view_functions[endpoint]


def test_the_error_format_and_handler_are_the_apps(protocol: str) -> None:
    app = create_app({"API_ERROR_FORMAT": "fastapi"})
    OpenAPI(app)
    bp = Blueprint("shop", __name__, url_prefix="/shop")
    Api(bp).add_resource(Thing, "/things/<int:thing_id>")
    app.register_blueprint(bp)
    client = app.test_client(protocol=protocol)
    r = client.get("/shop/things/1?token=x")
    assert r.status_code == 422
    assert r.json["detail"][0]["loc"] == ["query", "token"]

    other = create_app()
    OpenAPI(other)

    @other.errorhandler(RequestValidationError)
    def invalid(e: RequestValidationError) -> Any:
        return jsonify(problems=len(e.errors())), 400

    Api(other).add_resource(Thing, "/things/<int:thing_id>")
    r = other.test_client(protocol=protocol).get("/things/1?token=x")
    assert (r.status_code, r.json) == (400, {"problems": 1})


def test_without_openapi_hints_mean_nothing(protocol: str) -> None:
    class Echo(Resource):
        def get(self, limit: Query[int] = 10) -> ThingOut:
            return {"limit": limit, "raw": request.args["limit"]}  # type: ignore[return-value]

    app = create_app()
    Api(app).add_resource(Echo, "/echo")
    client = app.test_client(protocol=protocol)
    # Not validated, not converted: the handler gets its default.
    r = client.get("/echo?limit=x")
    assert (r.status_code, r.json) == (200, {"limit": 10, "raw": "x"})
    assert PREPARED not in Echo.__dict__


def test_openapi_initialised_after_the_api(protocol: str) -> None:
    app = create_app()
    Api(app).add_resource(Things, "/things")
    OpenAPI(app)
    client = app.test_client(protocol=protocol)
    assert client.get("/things?limit=99").status_code == 422
    assert client.get("/things?limit=1").json[0]["id"] == 1


def test_the_document_describes_typed_resources(app: Kolben) -> None:
    doc = app.extensions["openapi"].document(app)
    validate(doc)
    things = doc["paths"]["/v1/things"]
    assert set(things) == {"get", "post"}
    params = {p["name"]: p for p in things["get"]["parameters"]}
    assert params["tag"]["schema"]["anyOf"][0] == {
        "type": "array",
        "items": {"type": "string"},
    }
    assert params["limit"]["schema"]["maximum"] == 50
    post = things["post"]
    assert post["summary"] == "Add a thing."
    body = post["requestBody"]["content"]["application/json"]["schema"]
    assert body == {"$ref": "#/components/schemas/ThingIn"}
    assert "201" in post["responses"] and "422" in post["responses"]
    assert [p["name"] for p in post["parameters"]] == ["x-request-id"]
    one = doc["paths"]["/v1/things/{thing_id}"]
    path_param = next(p for p in one["get"]["parameters"] if p["in"] == "path")
    assert path_param["schema"]["type"] == "integer"
    ok = one["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert ok == {"$ref": "#/components/schemas/ThingOut"}
    assert "password_hash" not in str(doc["components"]["schemas"]["ThingOut"])
    assert set(one) == {"get", "put", "delete"}


def test_each_app_decides_for_itself(protocol: str) -> None:
    class Echo(Resource):
        def get(self, n: Query[int] = 0) -> dict[str, Any]:
            return {"n": n, "raw": request.args.get("n")}

    typed = create_app()
    OpenAPI(typed)
    plain = create_app()
    plain.extensions["openapi"] = object()  # another extension's, not kolben.api's
    for app in (typed, plain):
        Api(app).add_resource(Echo, "/echo")
    assert typed.test_client(protocol=protocol).get("/echo?n=x").status_code == 422
    r = plain.test_client(protocol=protocol).get("/echo?n=x")
    assert r.json == {"n": 0, "raw": "x"}
    assert list(Echo.__dict__[PREPARED]) == [typed]


def test_a_handler_validated_by_its_class_is_not_wrapped_again(
    app: Kolben, protocol: str
) -> None:
    from kolben.api import validated

    def get(self: Any, n: Query[int]) -> ThingOut:
        return Row(n, "own")  # type: ignore[return-value]

    class Own(Resource):
        pass

    Own.get = validated(get, skip=1)  # type: ignore[attr-defined]
    Own.methods = {"GET"}
    Api(app).add_resource(Own, "/own")
    client = app.test_client(protocol=protocol)
    assert client.get("/own?n=2").json["name"] == "own"
    assert client.get("/own?n=x").status_code == 422
    assert PREPARED not in Own.__dict__


def test_an_async_resource_on_a_blueprint_with_route_options(protocol: str) -> None:
    class Jobs(Resource):
        async def post(self, thing: ThingIn) -> ThingOut:
            return Row(9, thing.name)  # type: ignore[return-value]

        async def get(self, colour: Query[Colour]) -> list[ThingOut]:
            return [Row(1, colour.value)]  # type: ignore[list-item]

    app = create_app()
    bp = Blueprint("jobs", __name__, url_prefix="/jobs")
    Api(bp).add_resource(Jobs, "/", status_code=202, tags=["work"])
    app.register_blueprint(bp)
    OpenAPI(app)
    client = app.test_client(protocol=protocol)
    r = client.post("/jobs/", json={"name": "run"})
    assert (r.status_code, r.json["id"], r.json["name"]) == (202, 9, "run")
    assert client.get("/jobs/?colour=blue").json[0]["name"] == "blue"
    r = client.get("/jobs/?colour=green")
    assert r.json["errors"][0]["loc"] == ["query", "colour"]
    doc = app.extensions["openapi"].document(app)
    validate(doc)
    assert doc["paths"]["/jobs/"]["post"]["tags"] == ["work"]
    assert "202" in doc["paths"]["/jobs/"]["post"]["responses"]
