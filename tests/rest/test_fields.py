"""fields and marshal: every field type and format, marshal_with on handlers."""

from __future__ import annotations

from collections import OrderedDict
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest

from kolben import Kolben
from kolben.rest import (
    Api,
    Resource,
    fields,
    marshal,
    marshal_with,
    marshal_with_field,
)
from kolben.rest.fields import MarshallingException, get_value
from kolben.testing import KolbenClient


class Obj:
    def __init__(self, **kwargs: Any) -> None:
        self.__dict__.update(kwargs)


def test_raw_reads_dicts_objects_paths_and_callables() -> None:
    data = {"a": 1, "inner": {"b": 2}, "obj": Obj(c=3)}
    assert fields.Raw().output("a", data) == 1
    assert fields.Raw(attribute="inner.b").output("x", data) == 2
    assert fields.Raw(attribute="obj.c").output("x", data) == 3
    assert fields.Raw(attribute=lambda o: o["a"] + 1).output("x", data) == 2
    assert fields.Raw(default="d").output("missing", data) == "d"
    assert fields.Raw().output("a", Obj(a=5)) == 5
    assert get_value(1, ["x", "y"]) == "y"
    assert get_value(5, ["x"]) is None


def test_string_integer_float_boolean() -> None:
    assert fields.String().output("a", {"a": 1}) == "1"
    assert fields.String().output("a", {}) is None
    assert fields.Integer().output("a", {"a": "7"}) == 7
    assert fields.Integer().output("a", {}) == 0
    assert fields.Integer(default=None).output("a", {}) is None
    assert fields.Float().output("a", {"a": "1.5"}) == 1.5
    assert fields.Boolean().output("a", {"a": ""}) is False
    assert fields.Boolean().output("a", {"a": [1]}) is True
    for field, value in (
        (fields.Integer(), "x"),
        (fields.Float(), "x"),
        (fields.Float(), []),
    ):
        with pytest.raises(MarshallingException):
            field.format(value)


def test_datetime_formats() -> None:
    naive = datetime(2011, 1, 1, 12, 30)
    aware = datetime(2011, 1, 1, 12, 30, tzinfo=timezone(timedelta(hours=2)))
    assert fields.DateTime().format(naive) == "Sat, 01 Jan 2011 12:30:00 -0000"
    assert fields.DateTime().format(aware) == "Sat, 01 Jan 2011 10:30:00 -0000"
    iso = fields.DateTime(dt_format="iso8601")
    assert iso.format(naive) == "2011-01-01T12:30:00"
    assert iso.format(aware) == "2011-01-01T12:30:00+02:00"
    assert iso.format(datetime(2011, 1, 1, tzinfo=UTC)) == "2011-01-01T00:00:00+00:00"
    with pytest.raises(MarshallingException, match="Unsupported date format"):
        fields.DateTime(dt_format="unix").format(naive)
    with pytest.raises(MarshallingException):
        fields.DateTime().format("2011-01-01")
    assert fields.DateTime().output("d", {}) is None


def test_fixed_price_arbitrary() -> None:
    assert fields.Fixed().format("3.14159265") == "3.14159"
    assert fields.Fixed(decimals=2).format(2.675) == "2.67"
    assert fields.Fixed(decimals=2).format("2.665") == "2.66"
    assert fields.Fixed(decimals=2).format(0) == "0.00"
    assert fields.Price is fields.Fixed
    assert fields.Price(decimals=1).format(Decimal("9.95")) == "10.0"
    with pytest.raises(MarshallingException, match="Invalid Fixed precision"):
        fields.Fixed().format("inf")
    with pytest.raises(MarshallingException):
        fields.Fixed().format("abc")
    big = "634271127864378216478362784632784678324.23432"
    assert fields.Arbitrary().format(big) == big
    with pytest.raises(MarshallingException):
        fields.Arbitrary().format("x")


def test_formatted_string() -> None:
    field = fields.FormattedString("{first} {last}")
    assert field.output("name", {"first": "Ada", "last": "Lovelace"}) == "Ada Lovelace"
    assert field.output("name", Obj(first="A", last="L")) == "A L"
    with pytest.raises(MarshallingException):
        field.output("name", {"first": "Ada"})

    class Custom:
        def __marshallable__(self) -> dict[str, str]:
            return {"first": "C", "last": "D"}

    assert field.output("name", Custom()) == "C D"


def test_nested() -> None:
    inner = {"b": fields.Integer}
    assert fields.Nested(inner).output("a", {"a": {"b": "3"}}) == {"b": 3}
    assert fields.Nested(inner).output("a", {}) == {"b": 0}
    assert fields.Nested(inner, allow_null=True).output("a", {}) is None
    assert fields.Nested(inner, default={}).output("a", {}) == {}
    assert fields.Nested(inner, attribute="x").output("a", {"x": {"b": 1}}) == {"b": 1}


def test_list() -> None:
    assert fields.List(fields.Integer).output("a", {"a": ["1", 2, 3.0]}) == [1, 2, 3]
    assert fields.List(fields.String()).output("a", {"a": {1, 2}}) in (
        ["1", "2"],
        ["2", "1"],
    )
    nested = fields.List(fields.Nested({"id": fields.Integer}))
    assert nested.output("a", {"a": [{"id": "1"}, Obj(id=2)]}) == [{"id": 1}, {"id": 2}]
    assert nested.output("a", {"a": {"id": 5}}) == [{"id": 5}]
    assert fields.List(fields.Raw).output("a", {}) is None
    assert fields.List(fields.Raw, default=[]).output("a", {}) == []
    assert fields.List(fields.Integer).output("a", {"a": 5}) == [5]
    by_attr = fields.List(fields.String(attribute="name"))
    assert by_attr.output("a", {"a": [Obj(name="x"), {"name": "y"}]}) == ["x", "y"]
    with pytest.raises(MarshallingException):
        fields.List(int)  # type: ignore[arg-type]
    with pytest.raises(MarshallingException):
        fields.List("nope")  # type: ignore[arg-type]


def test_marshal() -> None:
    spec = {"a": fields.Raw, "n": {"b": fields.String}}
    assert marshal({"a": 1, "b": 2, "x": 3}, spec) == {"a": 1, "n": {"b": "2"}}
    assert isinstance(marshal({"a": 1}, spec), OrderedDict)
    assert marshal({"a": 1}, {"a": fields.Raw}, envelope="data") == {"data": {"a": 1}}
    assert marshal([{"a": 1}, {"a": 2}], {"a": fields.Raw}) == [{"a": 1}, {"a": 2}]
    assert marshal(({"a": 1},), {"a": fields.Raw}, envelope="items") == {
        "items": [{"a": 1}]
    }


def test_marshal_with_and_field_decorators() -> None:
    @marshal_with({"a": fields.Integer})
    def plain() -> Any:
        return {"a": "1", "secret": "s"}

    @marshal_with({"a": fields.Integer}, envelope="data")
    def with_code() -> Any:
        return {"a": 2}, 201, {"X": "y"}

    @marshal_with_field(fields.List(fields.Integer))
    def numbers() -> Any:
        return ["1", 2, 3.0]

    @marshal_with_field(fields.Integer)
    def number() -> Any:
        return "4", 202

    assert plain() == {"a": 1}
    assert with_code() == ({"data": {"a": 2}}, 201, {"X": "y"})
    assert numbers() == [1, 2, 3]
    assert number() == (4, 202, {})


class Todo(Resource):
    todo_fields = {
        "id": fields.Integer,
        "task": fields.String(attribute="name"),
        "done": fields.Boolean,
        "created": fields.DateTime(dt_format="iso8601"),
        "uri": fields.Url("todo"),
        "link": fields.Url("todo", absolute=True, scheme="https"),
    }

    @marshal_with(todo_fields)
    def get(self, id: int) -> Any:
        return Obj(id=id, name="write", done=0, created=datetime(2020, 1, 2), pw="x")

    @marshal_with(todo_fields, envelope="todo")
    async def put(self, id: int) -> Any:
        return {"id": id, "name": "async", "done": 1, "created": None}, 201


def test_marshal_with_on_handlers(app: Kolben, client: KolbenClient) -> None:
    Api(app).add_resource(Todo, "/todos/<int:id>", endpoint="todo")
    assert client.get("/todos/3").json == {
        "id": 3,
        "task": "write",
        "done": False,
        "created": "2020-01-02T00:00:00",
        "uri": "/todos/3",
        "link": "https://localhost/todos/3",
    }
    r = client.put("/todos/4")
    assert r.status_code == 201
    assert r.json["todo"]["task"] == "async"
    assert r.json["todo"]["created"] is None


def test_url_defaults_to_the_request_endpoint(
    app: Kolben, client: KolbenClient
) -> None:
    class Self(Resource):
        @marshal_with({"self": fields.Url(absolute=True)})
        def get(self, n: int) -> Any:
            return {"n": n}

    Api(app).add_resource(Self, "/self/<int:n>")
    assert client.get("/self/2").json == {"self": "http://localhost/self/2"}
