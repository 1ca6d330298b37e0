"""reqparse: every location and action, Flask-RESTful's messages, both protocols."""

from __future__ import annotations

import io
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from kolben import Kolben
from kolben.http import FileStorage
from kolben.rest import Api, Resource, inputs, reqparse
from kolben.testing import KolbenClient

Serve = Callable[..., KolbenClient]


def _plain(value: Any) -> Any:
    if isinstance(value, FileStorage):
        return {"filename": value.filename, "body": value.read().decode()}
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


@pytest.fixture
def serve(app: Kolben, client: KolbenClient) -> Serve:
    """Serve a parser at ``/parse``, whose body is what it parsed."""

    def serve(parser: reqparse.RequestParser, **options: Any) -> KolbenClient:
        class Parse(Resource):
            def get(self) -> Any:
                return {k: _plain(v) for k, v in parser.parse_args(**options).items()}

            async def post(self) -> Any:
                return {k: _plain(v) for k, v in parser.parse_args(**options).items()}

        Api(app).add_resource(Parse, "/parse")
        return client

    return serve


def parser_with(*args: Any, **kwargs: Any) -> reqparse.RequestParser:
    return reqparse.RequestParser().add_argument(*args, **kwargs)


def test_default_location_reads_json_then_values(serve: Serve) -> None:
    client = serve(parser_with("name"))
    assert client.get("/parse?name=q").json == {"name": "q"}
    assert client.post("/parse", data={"name": "f"}).json == {"name": "f"}
    assert client.post("/parse", json={"name": "j"}).json == {"name": "j"}
    assert client.post("/parse?name=q", json={"name": "j"}).json == {"name": "j"}
    assert client.get("/parse").json == {"name": None}


@pytest.mark.parametrize(
    ("location", "friendly"),
    [
        ("args", "the query string"),
        ("form", "the post body"),
        ("json", "the JSON body"),
        ("values", "the post body or the query string"),
        ("headers", "the HTTP headers"),
        ("cookies", "the request's cookies"),
        ("files", "an uploaded file"),
    ],
)
def test_missing_required_messages(serve: Serve, location: str, friendly: str) -> None:
    client = serve(parser_with("X-Thing", required=True, location=location))
    r = client.post("/parse")
    assert r.status_code == 400
    assert r.json == {
        "message": {"X-Thing": f"Missing required parameter in {friendly}"}
    }


def test_missing_in_several_locations(serve: Serve) -> None:
    client = serve(parser_with("q", required=True))
    assert client.get("/parse").json == {
        "message": {
            "q": "Missing required parameter in the JSON body or the post body or"
            " the query string"
        }
    }


def test_each_location(serve: Serve) -> None:
    parser = reqparse.RequestParser()
    parser.add_argument("a", location="args")
    parser.add_argument("f", location="form")
    parser.add_argument("X-Token", location="headers", dest="token")
    parser.add_argument("sid", location="cookies")
    parser.add_argument("up", location="files", type=FileStorage)
    client = serve(parser)
    client.set_cookie("sid", "c00kie")
    r = client.post(
        "/parse?a=1",
        data={"f": "2", "up": (io.BytesIO(b"file body"), "a.txt")},
        headers={"X-Token": "t0k"},
    )
    assert r.json == {
        "a": "1",
        "f": "2",
        "token": "t0k",
        "sid": "c00kie",
        "up": {"filename": "a.txt", "body": "file body"},
    }


def test_headers_are_case_insensitive(serve: Serve) -> None:
    parser = reqparse.RequestParser()
    parser.add_argument("x-lower", location="headers")
    parser.add_argument("X-Merged", location=["headers", "args"])
    client = serve(parser)
    r = client.get("/parse", headers={"X-LOWER": "a", "x-merged": "b"})
    assert r.json == {"x-lower": "a", "X-Merged": "b"}


def test_values_ignore_the_form_of_get(serve: Serve) -> None:
    client = serve(parser_with("v", location="values"))
    assert client.get("/parse?v=q").json == {"v": "q"}
    assert client.post("/parse", data={"v": "f"}).json == {"v": "f"}


def test_append_and_store(serve: Serve) -> None:
    parser = reqparse.RequestParser()
    parser.add_argument("tag", action="append", location="args")
    parser.add_argument("one", location="args")
    parser.add_argument("n", type=int, action="append", location="json")
    parser.add_argument("missing", action="append", location="args")
    client = serve(parser)
    r = client.post("/parse?tag=a&tag=b&one=x&one=y", json={"n": ["1", 2]})
    assert r.json == {"tag": ["a", "b"], "one": "x", "n": [1, 2], "missing": None}
    r = client.post("/parse?tag=a", json={"n": 5})
    assert r.json["tag"] == ["a"]
    assert r.json["n"] == [5]


def test_json_list_with_store_is_one_value(serve: Serve) -> None:
    client = serve(parser_with("ids", type=list, location="json"))
    assert client.post("/parse", json={"ids": [1, 2]}).json == {"ids": [1, 2]}


def test_type_errors_and_help(serve: Serve) -> None:
    parser = reqparse.RequestParser()
    parser.add_argument("rate", type=int, help="Rate cannot be converted: {error_msg}")
    parser.add_argument("count", type=int)
    parser.add_argument("odd", type=int, help="Braces {unknown} stay")
    client = serve(parser)
    r = client.get("/parse?rate=x")
    assert r.json == {
        "message": {
            "rate": "Rate cannot be converted: invalid literal for int() with base"
            " 10: 'x'"
        }
    }
    r = client.get("/parse?count=1.5")
    assert r.json == {
        "message": {"count": "invalid literal for int() with base 10: '1.5'"}
    }
    assert client.get("/parse?odd=x").json == {
        "message": {"odd": "Braces {unknown} stay"}
    }
    assert client.get("/parse?rate=3&count=4&odd=5").json == {
        "rate": 3,
        "count": 4,
        "odd": 5,
    }


def test_inputs_get_the_argument_name(serve: Serve) -> None:
    client = serve(parser_with("page", type=inputs.natural, location="args"))
    assert client.get("/parse?page=-1").json == {
        "message": {"page": "Invalid page: -1. page must be a non-negative integer"}
    }
    assert client.get("/parse?page=2").json == {"page": 2}


def test_decimal_from_json_floats(serve: Serve) -> None:
    client = serve(parser_with("price", type=Decimal, location="json"))
    assert client.post("/parse", json={"price": 0.1}).json == {"price": "0.1"}


def test_choices(serve: Serve) -> None:
    parser = reqparse.RequestParser()
    parser.add_argument("size", choices=("S", "M"), location="args")
    parser.add_argument("color", choices=["Red"], case_sensitive=False, location="args")
    client = serve(parser)
    assert client.get("/parse?size=XL").json == {
        "message": {"size": "XL is not a valid choice"}
    }
    assert client.get("/parse?size=M&color=RED").json == {"size": "M", "color": "red"}
    assert parser.args[1].choices == ["Red"]


def test_trim_nullable_ignore_default_dest(serve: Serve) -> None:
    parser = reqparse.RequestParser(trim=True)
    parser.add_argument("name")
    parser.add_argument("note", nullable=False)
    parser.add_argument("n", type=int, ignore=True)
    parser.add_argument("made", default=lambda: "by default")
    parser.add_argument("gone", store_missing=False)
    parser.add_argument("orig", dest="renamed")
    client = serve(parser)
    r = client.post("/parse", json={"name": "  ada  ", "n": "x", "orig": "o"})
    assert r.json == {
        "name": "ada",
        "note": None,
        "n": None,
        "made": "by default",
        "renamed": "o",
    }
    r = client.post("/parse", json={"note": None})
    assert r.json == {"message": {"note": "Must not be null!"}}


def test_bundle_errors(serve: Serve) -> None:
    parser = reqparse.RequestParser(bundle_errors=True)
    parser.add_argument("a", type=int, required=True)
    parser.add_argument("b", type=int)
    parser.add_argument("c", choices=["x"])
    client = serve(parser)
    r = client.post("/parse", json={"b": "no", "c": "y"})
    assert r.status_code == 400
    assert r.json == {
        "message": {
            "a": "Missing required parameter in the JSON body or the post body or"
            " the query string",
            "b": "invalid literal for int() with base 10: 'no'",
            "c": "y is not a valid choice",
        }
    }


def test_bundle_errors_config(app: Kolben, serve: Serve) -> None:
    app.config["BUNDLE_ERRORS"] = True
    parser = reqparse.RequestParser()
    parser.add_argument("a", type=int)
    parser.add_argument("b", type=int)
    r = serve(parser).get("/parse?a=x&b=y")
    assert set(r.json["message"]) == {"a", "b"}


def test_http_error_code(serve: Serve) -> None:
    client = serve(parser_with("a", type=int), http_error_code=422)
    r = client.get("/parse?a=x")
    assert r.status_code == 422
    assert r.json == {"message": {"a": "invalid literal for int() with base 10: 'x'"}}


def test_strict(serve: Serve) -> None:
    client = serve(parser_with("a"), strict=True)
    assert client.get("/parse?a=1").json == {"a": "1"}
    r = client.post("/parse?a=1&b=2", json={"c": 3})
    assert r.status_code == 400
    assert r.json["message"].startswith("Unknown arguments: ")
    assert set(r.json["message"].split(": ")[1].split(", ")) == {"b", "c"}


def test_operators(serve: Serve) -> None:
    parser = parser_with("age", type=int, operators=[">=", "<="], action="append")
    client = serve(parser)
    assert client.get("/parse?age>=18&age<=65").json == {"age": [18, 65]}


def test_bad_bodies_are_400_not_500(serve: Serve) -> None:
    client = serve(parser_with("a"))
    r = client.post("/parse", data=b"{nope", content_type="application/json")
    assert r.status_code == 400
    assert r.is_json and "message" in r.json
    r = client.post("/parse", json=[1, 2])
    assert (r.status_code, r.json) == (
        400,
        {"message": "The JSON body must be an object."},
    )
    r = client.post("/parse", json=7)
    assert r.status_code == 400
    # A body that is not JSON has no JSON values: no 415.
    assert client.post("/parse", data=b"a=z", content_type="text/plain").json == {
        "a": None
    }


def test_json_null_body_has_no_values(serve: Serve) -> None:
    client = serve(parser_with("a"))
    assert client.post("/parse", json=None).json == {"a": None}


def test_parse_args_of_another_request(app: Kolben) -> None:
    parser = parser_with("a", type=int, location="args")
    with app.test_request_context("/?a=1"):
        from kolben import request

        assert parser.parse_args(req=request) == {"a": 1}
        assert parser.parse_args().a == 1


def test_copy_replace_remove() -> None:
    parser = reqparse.RequestParser(bundle_errors=True)
    parser.add_argument("a", type=int)
    parser.add_argument("b", type=inputs.regex(r"^\d+$"))
    copied = parser.copy()
    assert copied.bundle_errors and len(copied.args) == 2
    assert copied.args[0] is not parser.args[0]
    copied.replace_argument("a", type=str, required=True)
    assert [a.name for a in copied.args] == ["b", "a"]
    assert copied.args[1].required and not parser.args[0].required
    copied.remove_argument("b").remove_argument("absent")
    assert [a.name for a in copied.args] == ["a"]
    assert copied.args[0].type is str
    assert parser.args[1].type("12") == "12"


def test_namespace_and_argument_text() -> None:
    ns = reqparse.Namespace(a=1)
    ns.b = 2
    assert (ns.a, ns["b"]) == (1, 2)
    with pytest.raises(AttributeError):
        ns.c  # noqa: B018
    arg = reqparse.Argument("x", choices=list(range(10)))
    assert str(arg).startswith("Name: x, type: ")
    assert str(arg).endswith("choices: [0, 1, 2, '...', 9]")
    assert repr(arg).startswith("Argument('x', default=None")


def test_add_an_argument_instance() -> None:
    arg = reqparse.Argument("x")
    parser = reqparse.RequestParser().add_argument(arg)
    assert parser.args == [arg]
