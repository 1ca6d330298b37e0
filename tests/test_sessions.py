"""The signed-cookie session, as the core dispatch uses it."""

from __future__ import annotations

import secrets
from typing import Any

import pytest

from kolben import Kolben, session
from kolben.testing import KolbenClient


@pytest.fixture
def counter(app: Kolben) -> Kolben:
    @app.route("/count")
    def count() -> str:
        session["n"] = session.get("n", 0) + 1
        return str(session["n"])

    @app.route("/peek")
    def peek() -> Any:
        return {"n": session.get("n")}

    return app


def test_session_survives_requests(counter: Kolben, client: KolbenClient) -> None:
    assert [client.get("/count").text for _ in range(3)] == ["1", "2", "3"]
    r = client.get("/peek")
    assert r.json == {"n": 3}
    assert r.headers["Vary"] == "Cookie"
    assert "Set-Cookie" not in r.headers


def test_tampered_cookie_gives_an_empty_session(
    counter: Kolben, client: KolbenClient
) -> None:
    client.get("/count")
    cookie = client.get_cookie("session")
    assert cookie is not None
    head, _, signature = cookie.value.rpartition(".")
    changed = ("A" if signature[0] != "A" else "B") + signature[1:]
    client.set_cookie("session", f"{head}.{changed}")
    assert client.get("/peek").json == {"n": None}


def test_cookie_signed_with_another_key_is_ignored(
    counter: Kolben, client: KolbenClient
) -> None:
    client.get("/count")
    counter.config["SECRET_KEY"] = "rotated"
    assert client.get("/peek").json == {"n": None}


def test_key_rotation_with_fallbacks(counter: Kolben, client: KolbenClient) -> None:
    client.get("/count")
    counter.config.update(SECRET_KEY="new key", SECRET_KEY_FALLBACKS=["test secret"])
    assert client.get("/count").text == "2"


def test_writing_without_secret_key_says_what_to_set(
    app: Kolben, client: KolbenClient
) -> None:
    app.config["SECRET_KEY"] = None

    @app.route("/")
    def index() -> str:
        session["x"] = 1
        return "x"

    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        client.get("/")


def test_oversized_session_is_not_dropped_silently(
    app: Kolben, client: KolbenClient
) -> None:
    @app.route("/")
    def index() -> str:
        # Random text, so the serializer's compression cannot shrink it.
        session["big"] = secrets.token_hex(3000)
        return "x"

    with pytest.raises(ValueError, match="4093"):
        client.get("/")
