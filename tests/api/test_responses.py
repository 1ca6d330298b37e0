"""Response models, status codes and datetimes, under both protocols."""

from __future__ import annotations

import dataclasses
import uuid
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from pydantic import BaseModel

import kolben.typing as ft
from kolben import Kolben, Response, jsonify
from kolben.api import ResponseValidationError
from kolben.testing import KolbenClient
from tests.conftest import create_app


class UserOut(BaseModel):
    id: int
    name: str


class UserRow:
    """What an ORM hands back: attributes, and a field the API must not leak."""

    def __init__(self, id: int, name: str) -> None:
        self.id = id
        self.name = name
        self.password_hash = "pbkdf2:secret"


class Event(BaseModel):
    at: datetime
    ref: uuid.UUID
    amount: Decimal


def test_an_orm_object_goes_through_the_model_and_loses_other_fields(
    app: Kolben, client: KolbenClient
) -> None:
    @app.get("/me")
    def me() -> UserOut:
        return UserRow(1, "ada")  # type: ignore[return-value]

    @app.get("/dict")
    async def from_dict() -> UserOut:
        return {"id": "2", "name": "bob", "password_hash": "x"}  # type: ignore[return-value]

    r = client.get("/me")
    assert (r.headers["Content-Type"], r.json) == (
        "application/json",
        {"id": 1, "name": "ada"},
    )
    assert client.get("/dict").json == {"id": 2, "name": "bob"}


def test_an_instance_of_a_subclass_is_serialized_as_the_model(
    app: Kolben, client: KolbenClient
) -> None:
    class UserWithHash(UserOut):
        password_hash: str

    @app.get("/me")
    def me() -> UserOut:
        return UserWithHash(id=1, name="ada", password_hash="secret")

    assert client.get("/me").json == {"id": 1, "name": "ada"}


def test_a_list_of_models(app: Kolben, client: KolbenClient) -> None:
    @app.get("/users")
    def users() -> list[UserOut]:
        return [UserRow(1, "a"), UserRow(2, "b")]  # type: ignore[list-item]

    assert client.get("/users").json == [{"id": 1, "name": "a"}, {"id": 2, "name": "b"}]


@dataclasses.dataclass
class Total:
    n: int


def test_a_dataclass_response(app: Kolben, client: KolbenClient) -> None:
    @app.get("/total")
    def total() -> Total:
        return Total(n=3)

    assert client.get("/total").json == {"n": 3}


def test_a_result_the_model_refuses_is_a_500(app: Kolben, client: KolbenClient) -> None:
    @app.get("/bad")
    def bad() -> UserOut:
        return {"id": "x"}  # type: ignore[return-value]

    with pytest.raises(ResponseValidationError, match="bad' returned a value"):
        client.get("/bad")
    app.testing = False
    assert client.get("/bad").status_code == 500


def test_validate_response_validates_instances_too(
    app: Kolben, client: KolbenClient
) -> None:
    @app.get("/lax")
    def lax() -> UserOut:
        return UserOut.model_construct(id="x", name="a")

    @app.get("/strict", validate_response=True)
    def strict() -> UserOut:
        return UserOut.model_construct(id="x", name="a")

    with pytest.raises(ResponseValidationError):
        client.get("/strict")
    with pytest.warns(UserWarning, match="serialized value may not be as expected"):
        assert client.get("/lax").status_code == 200  # serialized unchecked


def test_status_code_and_tuples(app: Kolben, client: KolbenClient) -> None:
    @app.post("/users", status_code=201)
    def create() -> UserOut:
        return UserOut(id=1, name="a")

    @app.post("/other", status_code=201)
    def other() -> UserOut:
        return UserOut(id=1, name="a"), 200, {"X-Kind": "t"}  # type: ignore[return-value]

    @app.post("/untyped", status_code=202)
    def untyped() -> dict[str, str]:
        return {"ok": "yes"}

    @app.get("/response")
    def response() -> UserOut:
        return Response("raw", 203)  # type: ignore[return-value]

    r = client.post("/users")
    assert (r.status_code, r.json) == (201, {"id": 1, "name": "a"})
    r = client.post("/other")
    assert (r.status_code, r.headers["X-Kind"]) == (200, "t")
    r = client.post("/untyped")
    assert (r.status_code, r.json) == (202, {"ok": "yes"})
    assert client.get("/response").status_code == 203


def test_annotations_that_are_not_models_change_nothing(
    app: Kolben, client: KolbenClient
) -> None:
    @app.get("/a")
    def a() -> ft.ResponseReturnValue:
        return {"x": 1}

    @app.get("/b")
    def b() -> Response:
        return jsonify(when=datetime(2024, 1, 2, tzinfo=UTC))

    @app.get("/c")
    def c() -> str:
        return "c"

    assert client.get("/a").json == {"x": 1}
    # Untyped JSON keeps Flask's HTTP dates.
    assert client.get("/b").json == {"when": "Tue, 02 Jan 2024 00:00:00 GMT"}
    assert client.get("/c").text == "c"
    assert all(app._plans[e].view is app.view_functions[e] for e in "abc")


def _event() -> Event:
    return Event(
        at=datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC),
        ref=uuid.UUID(int=1),
        amount=Decimal("1.50"),
    )


def test_typed_datetimes_are_iso_8601(app: Kolben, client: KolbenClient) -> None:
    @app.get("/event")
    def event() -> Event:
        return _event()

    assert client.get("/event").json == {
        "at": "2024-01-02T03:04:05Z",
        "ref": "00000000-0000-0000-0000-000000000001",
        "amount": "1.50",
    }


def test_the_milliseconds_setting(protocol: str) -> None:
    from kolben.api import OpenAPI

    app = create_app({"API_DATETIME_FORMAT": "milliseconds"})
    OpenAPI(app)

    @app.get("/events")
    def events() -> list[Event]:
        return [_event()]

    @app.get("/naive")
    def naive() -> Event:
        return Event(
            at=datetime(2024, 1, 2, 3, 4, 5, 120000),
            ref=uuid.UUID(int=1),
            amount=Decimal(1),
        )

    client = app.test_client(protocol=protocol)
    assert client.get("/events").json[0]["at"] == "2024-01-02T03:04:05.000Z"
    assert client.get("/naive").json["at"] == "2024-01-02T03:04:05.120"


def test_without_openapi_annotations_mean_nothing(
    make_client: Any,
) -> None:
    app = create_app()

    @app.get("/users/<int:user_id>", status_code=201)
    def user(user_id: int, verbose: bool = False) -> UserOut:
        return {"id": user_id, "verbose": verbose}  # type: ignore[return-value]

    r = make_client(app).get("/users/3?verbose=1")
    assert (r.status_code, r.json) == (200, {"id": 3, "verbose": False})
    assert app.url_map.iter_rules("user").__next__().options == {"status_code": 201}
