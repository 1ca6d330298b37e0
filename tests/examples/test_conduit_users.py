"""Conduit's users, login, current user and profiles, and its documents.

Every test runs under both protocols, on SQLite and on the PostgreSQL server
of KOLBEN_TEST_POSTGRES_URL (in a schema of the run's own, emptied for each
test; skipped, saying so, when it is unset), on the schema its migrations
make.
"""

from __future__ import annotations

from types import ModuleType
from typing import Any

import pytest
import sqlalchemy as sa

from kolben import Kolben
from kolben.testing import KolbenClient

from ._conduit import (
    Conduit,
    api,
    app,
    conduit,
    database,
    make_app,
    pg_migrated,
    sqlite_template,
)

__all__ = [
    "api",
    "app",
    "conduit",
    "database",
    "pg_migrated",
    "sqlite_template",
]  # fixtures


def _user(client: KolbenClient, auth: dict[str, str]) -> dict[str, Any]:
    r = client.get("/api/user", headers=auth)
    assert r.status_code == 200, r.text
    return dict(r.json["user"])


def test_register_log_in_and_the_current_user(api: Conduit) -> None:
    c = api.client
    body = {
        "user": {"username": "jake", "email": "jake@jake.jake", "password": "jakejake"}
    }
    r = c.post("/api/users", json=body)
    assert r.status_code == 201
    assert r.headers["Content-Type"].startswith("application/json")
    user = r.json["user"]
    assert set(user) == {"email", "token", "username", "bio", "image"}
    assert (user["email"], user["username"], user["bio"], user["image"]) == (
        "jake@jake.jake",
        "jake",
        None,
        None,
    )
    r = c.post(
        "/api/users/login",
        json={"user": {"email": "jake@jake.jake", "password": "jakejake"}},
    )
    assert r.status_code == 200
    auth = {"Authorization": f"Token {r.json['user']['token']}"}
    assert _user(c, auth)["username"] == "jake"
    r = c.post(
        "/api/users/login", json={"user": {"email": "jake@jake.jake", "password": "no"}}
    )
    assert (r.status_code, r.json) == (
        401,
        {"errors": {"email or password": ["is invalid"]}},
    )
    r = c.post(
        "/api/users/login", json={"user": {"email": "who@x.io", "password": "jakejake"}}
    )
    assert r.status_code == 401


@pytest.mark.parametrize(
    ("header", "message"),
    [
        (None, "is missing"),
        ("Token", "is invalid"),  # the header, but no token in it
        ("Bearer {token}", "is missing"),  # the header type is Token
        ("Token not.a.jwt", "is invalid"),
        ("Token {forged}", "is invalid"),
    ],
)
def test_a_missing_or_bad_token_is_401(
    api: Conduit, header: str | None, message: str
) -> None:
    token = api.register("jake")["Authorization"].removeprefix("Token ")
    head, claims, _ = token.split(".")
    forged = f"{head}.{claims}.c2lnbmF0dXJl"
    headers = {}
    if header is not None:
        headers["Authorization"] = header.format(token=token, forged=forged)
    r = api.client.get("/api/user", headers=headers)
    assert (r.status_code, r.json) == (401, {"errors": {"token": [message]}})


def test_an_expired_token_is_401(conduit: ModuleType, database: dict[str, Any]) -> None:
    import datetime as dt

    app = make_app(
        conduit, {**database, "JWT_ACCESS_TOKEN_EXPIRES": dt.timedelta(seconds=-5)}
    )
    api = Conduit(app.test_client())
    auth = api.register("jake")
    r = api.get("/api/user", auth)
    assert (r.status_code, r.json) == (401, {"errors": {"token": ["has expired"]}})


def test_a_token_of_a_user_gone_is_401(app: Kolben, api: Conduit) -> None:
    auth = api.register("jake")
    models = __import__("conduit.models").models
    with app.app_context():
        models.db.session.execute(sa.delete(models.User))
        models.db.session.commit()
    r = api.get("/api/user", auth)
    assert (r.status_code, r.json) == (401, {"errors": {"token": ["is invalid"]}})


@pytest.mark.parametrize(
    ("user", "errors"),
    [
        ({}, {f: ["can't be blank"] for f in ("username", "email", "password")}),
        (
            {"username": " ", "email": "jake@jake.jake", "password": "jakejake"},
            {"username": ["is invalid"]},
        ),
        (
            {"username": "jake", "email": "not an email", "password": "jakejake"},
            {"email": ["is invalid"]},
        ),
        (
            {"username": "jake", "email": "jake@jake.jake", "password": "short"},
            {"password": ["String should have at least 8 characters"]},
        ),
        (
            {"username": 7, "email": "jake@jake.jake", "password": "jakejake"},
            {"username": ["Input should be a valid string"]},
        ),
    ],
)
def test_bad_registrations_are_422_by_field(
    api: Conduit, user: dict[str, Any], errors: dict[str, list[str]]
) -> None:
    r = api.client.post("/api/users", json={"user": user})
    assert (r.status_code, r.json) == (422, {"errors": errors})


def test_bodies_that_are_not_the_spec_s_shape(api: Conduit) -> None:
    c = api.client
    r = c.post("/api/users", json={"username": "jake"})  # not wrapped in "user"
    assert (r.status_code, r.json) == (422, {"errors": {"user": ["can't be blank"]}})
    r = c.post("/api/users")
    assert (r.status_code, r.json) == (422, {"errors": {"body": ["can't be blank"]}})
    r = c.post("/api/users", data="{", headers={"Content-Type": "application/json"})
    assert r.status_code == 400
    assert list(r.json["errors"]) == ["request"]
    r = c.get("/api/nothing/here")
    assert r.status_code == 404
    assert list(r.json["errors"]) == ["request"]


def test_a_taken_username_or_email_is_409(api: Conduit) -> None:
    api.register("jake")
    user = {"username": "jake", "email": "jake@example.com", "password": "jakejake"}
    r = api.client.post("/api/users", json={"user": user})
    assert (r.status_code, r.json) == (
        409,
        {
            "errors": {
                "username": ["has already been taken"],
                "email": ["has already been taken"],
            }
        },
    )
    user = {"username": "jacob", "email": "jake@example.com", "password": "jakejake"}
    r = api.client.post("/api/users", json={"user": user})
    assert r.json == {"errors": {"email": ["has already been taken"]}}


def test_update_the_current_user(api: Conduit) -> None:
    c = api.client
    auth = api.register("jake")
    api.register("jacob")
    change = {"email": "j@jake.jake", "bio": "I like to skateboard", "image": "a.jpg"}
    r = c.put("/api/user", json={"user": change}, headers=auth)
    assert r.status_code == 200
    assert {k: r.json["user"][k] for k in change} == change
    assert _user(c, auth)["bio"] == "I like to skateboard"
    r = c.put("/api/user", json={"user": {"image": None}}, headers=auth)
    assert r.json["user"]["image"] is None
    r = c.put("/api/user", json={"user": {"password": "new password"}}, headers=auth)
    assert r.status_code == 200
    login = {"email": "j@jake.jake", "password": "new password"}
    assert c.post("/api/users/login", json={"user": login}).status_code == 200
    r = c.put("/api/user", json={"user": {"username": "jacob"}}, headers=auth)
    assert (r.status_code, r.json) == (
        409,
        {"errors": {"username": ["has already been taken"]}},
    )
    # Keeping one's own name is no conflict.
    r = c.put("/api/user", json={"user": {"username": "jake"}}, headers=auth)
    assert r.status_code == 200
    assert c.put("/api/user", json={"user": {"bio": "x"}}).status_code == 401


def test_passwords_are_stored_hashed(app: Kolben, api: Conduit) -> None:
    api.register("jake", password="secret123")
    models = __import__("conduit.models").models
    with app.app_context():
        user = models.db.session.scalar(sa.select(models.User))
        assert user.password_hash.startswith("scrypt:")
        assert "secret123" not in user.password_hash


def test_profiles_and_following(api: Conduit) -> None:
    c = api.client
    jake = api.register("jake")
    api.register("ann")
    expected = {"username": "ann", "bio": None, "image": None, "following": False}
    assert api.get("/api/profiles/ann").json == {"profile": expected}
    assert api.get("/api/profiles/ann", jake).json["profile"]["following"] is False
    r = c.post("/api/profiles/ann/follow", headers=jake)
    assert r.status_code == 200
    assert r.json == {"profile": {**expected, "following": True}}
    assert c.post("/api/profiles/ann/follow", headers=jake).status_code == 200
    assert api.get("/api/profiles/ann", jake).json["profile"]["following"] is True
    assert api.get("/api/profiles/ann").json["profile"]["following"] is False
    r = c.delete("/api/profiles/ann/follow", headers=jake)
    assert r.json["profile"]["following"] is False
    assert api.get("/api/profiles/ann", jake).json["profile"]["following"] is False
    r = api.get("/api/profiles/nobody")
    assert (r.status_code, r.json) == (404, {"errors": {"profile": ["not found"]}})
    assert c.post("/api/profiles/nobody/follow", headers=jake).status_code == 404
    r = c.post("/api/profiles/ann/follow")
    assert (r.status_code, r.json) == (401, {"errors": {"token": ["is missing"]}})
    # Following oneself changes nothing.
    r = c.post("/api/profiles/jake/follow", headers=jake)
    assert r.json["profile"]["following"] is False


def test_the_migrations_made_the_schema(app: Kolben, conduit: ModuleType) -> None:
    with app.app_context():
        names = set(sa.inspect(conduit.models.db.engine).get_table_names())
    assert names == {
        "alembic_version",
        "user",
        "follows",
        "article",
        "tag",
        "article_tags",
        "favorites",
        "comment",
    }


def test_the_openapi_document(api: Conduit) -> None:
    from openapi_spec_validator import validate

    r = api.get("/api/openapi.json")
    document = r.json
    validate(document)
    operations = {
        op["operationId"] for path in document["paths"].values() for op in path.values()
    }
    assert operations == {
        "CreateUser", "Login", "GetCurrentUser", "UpdateCurrentUser",
        "GetProfileByUsername", "FollowUserByUsername", "UnfollowUserByUsername",
        "GetArticles", "GetArticlesFeed", "GetArticle", "CreateArticle",
        "UpdateArticle", "DeleteArticle", "CreateArticleFavorite",
        "DeleteArticleFavorite", "GetArticleComments", "CreateArticleComment",
        "DeleteArticleComment", "GetTags",
    }  # fmt: skip
    scheme = document["components"]["securitySchemes"]["jwtHeader"]
    assert scheme["type"] == "apiKey" and scheme["name"] == "Authorization"
    assert "Token <token>" in scheme["description"]
    create = document["paths"]["/api/articles"]["post"]
    assert set(create["responses"]) == {"201", "400", "401", "409", "415", "422"}
    assert create["security"] == [{"jwtHeader": []}]
    error = {"$ref": "#/components/schemas/GenericErrorModel"}
    assert create["responses"]["422"]["content"] == {
        "application/json": {"schema": error}
    }
    assert (
        create["responses"]["415"]["content"] == create["responses"]["422"]["content"]
    )
    schemas = document["components"]["schemas"]
    assert "ValidationProblem" not in schemas and "ProblemDetails" not in schemas
    listing = document["paths"]["/api/articles"]["get"]
    assert listing["security"] == [{"jwtHeader": []}, {}]
    delete = document["paths"]["/api/articles/{slug}"]["delete"]
    assert set(delete["responses"]) == {"204", "401", "403", "404"}
    assert api.get("/api/docs").status_code == 200


def test_front_ends_of_other_origins_may_call(api: Conduit) -> None:
    origin = {"Origin": "https://conduit.example"}
    r = api.client.options(
        "/api/user",
        headers={
            **origin,
            "Access-Control-Request-Method": "PUT",
            "Access-Control-Request-Headers": "authorization, content-type",
        },
    )
    assert r.status_code == 200
    assert r.headers["Access-Control-Allow-Origin"] == "https://conduit.example"
    assert "PUT" in r.headers["Access-Control-Allow-Methods"]
    assert "authorization" in r.headers["Access-Control-Allow-Headers"].lower()
    r = api.client.get("/api/tags", headers=origin)
    assert r.headers["Access-Control-Allow-Origin"] == "https://conduit.example"
