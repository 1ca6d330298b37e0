"""JSON bodies, forms and files, and the 400/415/422 answers, in both protocols."""

from __future__ import annotations

import dataclasses
import io
from datetime import datetime
from typing import Annotated, Any

import pytest
from pydantic import BaseModel, Field
from typing_extensions import TypedDict

from kolben import Kolben
from kolben.api import Body, File, Form, Query, RequestValidationError, RouteError
from kolben.http.files import FileStorage
from kolben.testing import KolbenClient


class Address(BaseModel):
    street: str
    city: str = Field(min_length=2)


class Person(BaseModel):
    name: str
    age: int = Field(ge=0)
    addresses: list[Address] = []
    born: datetime | None = None


@dataclasses.dataclass
class Point:
    x: int
    y: int


class Tag(TypedDict):
    label: str


def test_a_model_parameter_is_the_json_body_with_nested_models(
    app: Kolben, client: KolbenClient
) -> None:
    @app.post("/people")
    async def create(person: Person) -> dict[str, Any]:
        return {"city": person.addresses[0].city, "born": person.born is not None}

    body = {"name": "Ada", "age": 36, "addresses": [{"street": "S", "city": "London"}]}
    r = client.post("/people", json={**body, "born": "1815-12-10T00:00:00"})
    assert r.json == {"city": "London", "born": True}
    r = client.post("/people", json={"name": "Ada", "age": -1, "addresses": [{}]})
    assert r.status_code == 422
    assert [e["loc"] for e in r.json["errors"]] == [
        ["body", "age"],
        ["body", "addresses", 0, "street"],
        ["body", "addresses", 0, "city"],
    ]


def test_dataclass_and_typeddict_bodies(app: Kolben, client: KolbenClient) -> None:
    @app.post("/points")
    def point(p: Point) -> dict[str, Any]:
        return {"sum": p.x + p.y}

    @app.post("/tags")
    def tag(t: Tag) -> dict[str, Any]:
        return {"label": t["label"].upper()}

    assert client.post("/points", json={"x": 1, "y": "2"}).json == {"sum": 3}
    assert client.post("/tags", json={"label": "a"}).json == {"label": "A"}
    assert client.post("/tags", json={}).status_code == 422


def test_a_list_of_models_is_the_body(app: Kolben, client: KolbenClient) -> None:
    @app.post("/batch")
    def batch(points: list[Point]) -> dict[str, Any]:
        return {"n": len(points)}

    assert client.post("/batch", json=[{"x": 1, "y": 2}] * 3).json == {"n": 3}
    r = client.post("/batch", json=[{"x": 1}])
    assert r.json["errors"][0]["loc"] == ["body", 0, "y"]


def test_a_missing_body_is_required_unless_it_has_a_default(
    app: Kolben, client: KolbenClient
) -> None:
    @app.post("/need")
    def need(p: Point) -> str:
        return "no"

    @app.post("/maybe")
    def maybe(p: Point | None = None) -> str:
        return "none" if p is None else "some"

    r = client.post("/need")
    assert (r.status_code, r.json["errors"]) == (
        422,
        [{"loc": ["body"], "msg": "Field required", "type": "missing"}],
    )
    assert client.post("/maybe").text == "none"


def test_two_models_must_be_embedded(app: Kolben, client: KolbenClient) -> None:
    @app.post("/move")
    def move(
        a: Annotated[Point, Body(embed=True)], b: Annotated[Point, Body(embed=True)]
    ) -> dict[str, Any]:
        return {"dx": b.x - a.x}

    body = {"a": {"x": 1, "y": 0}, "b": {"x": 4, "y": 0}}
    assert client.post("/move", json=body).json == {"dx": 3}
    r = client.post("/move", json={"a": {"x": 1, "y": 0}})
    assert r.json["errors"][0]["loc"] == ["body", "b"]


def test_two_unembedded_models_are_an_error_at_route_compilation(
    app: Kolben, client: KolbenClient
) -> None:
    @app.post("/move")
    def move(a: Point, b: Point) -> str:
        return ""

    with pytest.raises(RouteError, match="one body"):
        client.post("/move", json={})


def test_malformed_json_is_400_and_another_media_type_415(
    app: Kolben, client: KolbenClient
) -> None:
    @app.post("/p")
    def p(p: Point) -> str:
        return ""

    r = client.post("/p", data=b'{"x": 1,', content_type="application/json")
    assert r.status_code == 400
    assert r.headers["Content-Type"] == "application/problem+json"
    assert r.json["detail"].startswith("The body is not valid JSON")
    r = client.post("/p", data=b"x=1", content_type="application/x-www-form-urlencoded")
    assert r.status_code == 415
    assert "application/json" in r.json["detail"]


def test_a_too_deeply_nested_body_is_400(app: Kolben, client: KolbenClient) -> None:
    app.config["MAX_JSON_DEPTH"] = 5

    @app.post("/any")
    def anything(t: Tag) -> str:
        return ""

    r = client.post("/any", data=b"[" * 10 + b"]" * 10, content_type="application/json")
    assert r.status_code == 400


def test_the_fastapi_error_shape(app: Kolben, client: KolbenClient) -> None:
    app.config["API_ERROR_FORMAT"] = "fastapi"

    @app.post("/p")
    def p(p: Point) -> str:
        return ""

    r = client.post("/p", json={"x": "a", "y": 1})
    assert r.headers["Content-Type"] == "application/json"
    assert r.json == {
        "detail": [
            {
                "loc": ["body", "x"],
                "msg": "Input should be a valid integer, unable to parse string as"
                " an integer",
                "type": "int_parsing",
            }
        ]
    }
    r = client.post("/p", data=b"{", content_type="application/json")
    assert r.status_code == 400 and isinstance(r.json["detail"], str)


def test_an_unknown_error_format_fails_at_the_first_request(app: Kolben) -> None:
    app.config["API_ERROR_FORMAT"] = "xml"

    @app.post("/p")
    def p(p: Point) -> str:
        return ""

    with pytest.raises(ValueError, match="API_ERROR_FORMAT"):
        app.test_client().post("/p")


def test_an_error_handler_replaces_the_validation_answer(
    app: Kolben, client: KolbenClient
) -> None:
    @app.errorhandler(RequestValidationError)
    def invalid(e: RequestValidationError) -> Any:
        return {"problems": len(e.errors()), "first": e.errors()[0]["loc"]}, 400

    @app.post("/p")
    def p(p: Point) -> str:
        return ""

    r = client.post("/p", json={})
    assert (r.status_code, r.json) == (400, {"problems": 2, "first": ["body", "x"]})


def test_a_form_with_fields_and_a_file(app: Kolben, client: KolbenClient) -> None:
    @app.post("/upload")
    def upload(
        title: Form[str],
        doc: File[FileStorage],
        copies: Annotated[int, Form(ge=1)] = 1,
        extra: File[list[FileStorage]] = [],  # noqa: B006 - never mutated
    ) -> dict[str, Any]:
        return {
            "title": title,
            "copies": copies,
            "name": doc.filename,
            "size": len(doc.read()),
            "extra": len(extra),
        }

    data = {"title": "T", "copies": "2", "doc": (io.BytesIO(b"abc"), "a.txt")}
    assert client.post("/upload", data=data).json == {
        "title": "T",
        "copies": 2,
        "name": "a.txt",
        "size": 3,
        "extra": 0,
    }
    r = client.post("/upload", data={"copies": "0"})
    assert [e["loc"] for e in r.json["errors"]] == [
        ["form", "title"],
        ["form", "copies"],
        ["file", "doc"],
    ]
    r = client.post("/upload", json={"title": "T"})
    assert r.status_code == 415


def test_a_model_of_the_whole_form(app: Kolben, client: KolbenClient) -> None:
    @app.post("/login")
    def login(creds: Form[Address]) -> dict[str, Any]:
        return {"city": creds.city}

    r = client.post("/login", data={"street": "s", "city": "Paris"})
    assert r.json == {"city": "Paris"}
    r = client.post("/login", data={"street": "s", "city": "P"})
    assert r.json["errors"][0]["loc"] == ["form", "city"]


def test_a_json_body_and_form_fields_cannot_be_mixed(
    app: Kolben, client: KolbenClient
) -> None:
    @app.post("/mixed")
    def mixed(p: Point, title: Form[str]) -> str:
        return ""

    with pytest.raises(RouteError, match="cannot come in one request"):
        client.post("/mixed")


def test_a_bad_body_and_a_bad_query_parameter_are_both_located(
    app: Kolben, client: KolbenClient
) -> None:
    @app.post("/people")
    def create(person: Person, limit: Query[int] = 10) -> dict[str, Any]:
        return {"name": person.name, "limit": limit}

    r = client.post("/people?limit=many", json={"name": "Ada", "age": -1})
    assert r.status_code == 422
    assert [e["loc"] for e in r.json["errors"]] == [["query", "limit"], ["body", "age"]]
    r = client.post("/people?limit=3", json={"name": "Ada", "age": 36})
    assert r.json == {"name": "Ada", "limit": 3}


def test_an_empty_body_is_missing_or_its_default(
    app: Kolben, client: KolbenClient
) -> None:
    @app.post("/required")
    def required(person: Person) -> dict[str, Any]:
        return {"name": person.name}

    @app.post("/optional")
    def optional(person: Person | None = None) -> dict[str, Any]:
        return {"person": person is not None}

    r = client.post("/required", data=b"", content_type="application/json")
    assert r.status_code == 422
    assert r.json["errors"] == [
        {"loc": ["body"], "msg": "Field required", "type": "missing"}
    ]
    r = client.post("/optional", data=b"", headers={"Content-Length": "0"})
    assert r.json == {"person": False}
