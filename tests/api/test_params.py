"""Parameters from the path, query, headers and cookies, under both protocols."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal, cast

import pytest

from kolben import Kolben
from kolben.api import Cookie, Header, Path, Query, RouteError
from kolben.testing import KolbenClient


class Color(enum.Enum):
    RED = "red"
    BLUE = "blue"


def test_query_values_are_converted_and_defaulted(
    app: Kolben, client: KolbenClient
) -> None:
    @app.get("/search")
    def search(
        q: str, page: Query[int] = 1, exact: Query[bool] = False
    ) -> dict[str, Any]:
        return {"q": q, "page": page, "exact": exact}

    assert client.get("/search?q=kolben&page=3&exact=yes").json == {
        "q": "kolben",
        "page": 3,
        "exact": True,
    }
    assert client.get("/search?q=x").json == {"q": "x", "page": 1, "exact": False}


def test_repeated_query_keys_make_a_list_and_optional_means_none(
    app: Kolben, client: KolbenClient
) -> None:
    @app.get("/items")
    def items(
        tag: Annotated[list[str] | None, Query(alias="t", max_length=3)] = None,
        ids: Query[list[int]] = [],  # noqa: B006 - pydantic copies defaults
    ) -> dict[str, Any]:
        return {"tag": tag, "ids": ids}

    assert client.get("/items?t=a&t=b&ids=1&ids=2").json == {
        "tag": ["a", "b"],
        "ids": [1, 2],
    }
    assert client.get("/items").json == {"tag": None, "ids": []}
    r = client.get("/items?t=a&t=b&t=c&t=d")
    assert r.status_code == 422
    assert r.json["errors"][0]["loc"] == ["query", "t"]


def test_a_missing_or_invalid_query_value_is_a_located_422(
    app: Kolben, client: KolbenClient
) -> None:
    @app.get("/search")
    def search(q: str, page: Annotated[int, Query(ge=1)] = 1) -> dict[str, Any]:
        return {}

    r = client.get("/search?page=0")
    assert r.status_code == 422
    assert r.headers["Content-Type"] == "application/problem+json"
    assert [(e["loc"], e["type"]) for e in r.json["errors"]] == [
        (["query", "q"], "missing"),
        (["query", "page"], "greater_than_equal"),
    ]
    assert r.json["detail"].startswith("query.q: Field required")


def test_enums_literals_uuids_decimals_and_datetimes_in_the_query(
    app: Kolben, client: KolbenClient
) -> None:
    @app.get("/mixed")
    def mixed(
        color: Color,
        order: Literal["asc", "desc"],
        ref: uuid.UUID,
        amount: Decimal,
        since: datetime,
    ) -> dict[str, Any]:
        return {
            "color": color.name,
            "order": order,
            "ref": ref.hex,
            "amount": str(amount * 2),
            "year": since.year,
        }

    ref = uuid.uuid4()
    r = client.get(
        f"/mixed?color=blue&order=asc&ref={ref}&amount=1.25&since=2024-05-01T10:00:00Z"
    )
    assert r.json == {
        "color": "BLUE",
        "order": "asc",
        "ref": ref.hex,
        "amount": "2.50",
        "year": 2024,
    }
    r = client.get(f"/mixed?color=green&order=up&ref=x&amount=a&since={ref}")
    assert [e["loc"][1] for e in r.json["errors"]] == [
        "color",
        "order",
        "ref",
        "amount",
        "since",
    ]


def test_headers_and_cookies(app: Kolben, client: KolbenClient) -> None:
    @app.get("/who")
    def who(
        x_request_id: Header[int],
        accept_language: Header[str | None] = None,
        token: Annotated[str, Header(alias="X-Api-Token")] = "",
        theme: Cookie[str] = "light",
    ) -> dict[str, Any]:
        return {
            "id": x_request_id,
            "lang": accept_language,
            "token": token,
            "theme": theme,
        }

    client.set_cookie("theme", "dark")
    r = client.get("/who", headers={"X-Request-Id": "7", "X-Api-Token": "t"})
    assert r.json == {"id": 7, "lang": None, "token": "t", "theme": "dark"}
    r = client.get("/who")
    assert r.status_code == 422
    assert r.json["errors"][0]["loc"] == ["header", "x-request-id"]


def test_path_values_come_through_the_converter_then_the_annotation(
    app: Kolben, client: KolbenClient
) -> None:
    @app.get("/users/<int:user_id>/<name>")
    def user(user_id: Annotated[int, Path(le=100)], name: Color) -> dict[str, Any]:
        return {"id": user_id, "name": name.value}

    assert client.get("/users/5/red").json == {"id": 5, "name": "red"}
    assert client.get("/users/x/red").status_code == 404  # the converter's 404
    r = client.get("/users/500/green")
    assert [e["loc"] for e in r.json["errors"]] == [
        ["path", "user_id"],
        ["path", "name"],
    ]


def test_a_path_value_the_converter_already_typed_is_not_wrapped(
    app: Kolben, client: KolbenClient
) -> None:
    def user(user_id: int) -> str:
        return f"user {user_id}"

    app.add_url_rule("/users/<int:user_id>", view_func=user)
    assert client.get("/users/3").text == "user 3"
    assert app._plans["user"].view is user  # nothing to validate: as registered


def test_an_unknown_marker_option_fails_at_once() -> None:
    with pytest.raises(TypeError, match="unknown options \\['maximum'\\]"):
        cast(Any, Query)(maximum=3)


def test_unresolvable_hints_fail_at_the_first_request(
    app: Kolben, client: KolbenClient
) -> None:
    def broken(q: NotDefined) -> str:  # type: ignore[name-defined]  # noqa: F821
        return ""

    app.add_url_rule("/broken", view_func=broken)
    with pytest.raises(RouteError, match="hint of .q. cannot be resolved"):
        client.get("/broken")
