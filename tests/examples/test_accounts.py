"""The accounts example: pages with login sessions, an API with JWTs."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from kolben import Kolben
from kolben.testing import KolbenClient
from tests.db.conftest import database, pg_schema

__all__ = ["database", "pg_schema"]  # fixtures: SQLite, and PostgreSQL by URL

ACCOUNTS = Path(__file__).resolve().parents[2] / "examples" / "accounts"


@pytest.fixture(scope="session")
def accounts() -> ModuleType:
    """Import ``examples/accounts`` as the package ``accounts``."""
    if "accounts" in sys.modules:
        return sys.modules["accounts"]
    spec = importlib.util.spec_from_file_location(
        "accounts", ACCOUNTS / "__init__.py", submodule_search_locations=[str(ACCOUNTS)]
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["accounts"] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def app(accounts: ModuleType, database: dict[str, Any]) -> Kolben:
    app: Kolben = accounts.create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test",
            "JWT_SECRET_KEY": "a test key of thirty-two bytes or more",
            **database,
        }
    )
    app.test_cli_runner().invoke(args=["init-db"])
    return app


@pytest.fixture
def client(app: Kolben, protocol: str) -> KolbenClient:
    return app.test_client(protocol=protocol)


_TOKEN = re.compile(r'name="csrf_token"[^>]* value="([^"]+)"')


def _post(client: KolbenClient, path: str, data: dict[str, str] | None = None) -> Any:
    """Post as the browser posts a page's form: with the session's token."""
    page = client.get("/login").text
    match = _TOKEN.search(page)
    assert match is not None, page
    return client.post(path, data={**(data or {}), "csrf_token": match[1]})


def _register(
    client: KolbenClient, name: str = "ann", password: str = "secret123"
) -> None:
    r = _post(client, "/register", {"username": name, "password": password})
    assert r.status_code == 302, r.text


def test_register_log_out_and_log_in(client: KolbenClient) -> None:
    _register(client)
    assert "You are ann" in client.get("/profile").text
    _post(client, "/logout")
    r = client.get("/profile")
    assert r.status_code == 302
    assert r.headers["Location"] == "/login?next=%2Fprofile"
    r = _post(
        client, "/login?next=%2Fprofile", {"username": "ann", "password": "secret123"}
    )
    assert r.headers["Location"] == "/profile"
    assert "You are ann" in client.get("/profile").text


def test_bad_registrations_and_logins(client: KolbenClient) -> None:
    r = _post(client, "/register", {"username": "ann", "password": "short"})
    assert r.status_code == 400 and "8 or more characters" in r.text
    _register(client)
    _post(client, "/logout")
    r = _post(client, "/register", {"username": "ann", "password": "secret123"})
    assert r.status_code == 400 and "ann is already registered." in r.text
    r = _post(client, "/login", {"username": "ann", "password": "wrong"})
    assert r.status_code == 401 and "Wrong username or password." in r.text


def test_passwords_are_stored_hashed(app: Kolben, client: KolbenClient) -> None:
    _register(client)
    models = sys.modules["accounts.models"]
    with app.app_context():
        user = models.db.session.scalar(models.db.select(models.User))
        assert user.password_hash.startswith("scrypt:")
        assert "secret123" not in user.password_hash


def test_remember_me_outlives_the_session_cookie(client: KolbenClient) -> None:
    _register(client)
    _post(client, "/logout")
    _post(
        client, "/login", {"username": "ann", "password": "secret123", "remember": "y"}
    )
    assert client.get_cookie("remember_token") is not None
    client.delete_cookie("session")
    assert "You are ann" in client.get("/profile").text


def test_next_never_leaves_the_site(client: KolbenClient) -> None:
    _register(client)
    _post(client, "/logout")
    r = _post(
        client,
        "/login?next=https://evil.example/",
        {"username": "ann", "password": "secret123"},
    )
    assert r.headers["Location"] == "/profile"


def test_the_api_with_access_refresh_and_revocation(client: KolbenClient) -> None:
    _register(client)
    r = client.post("/api/token", json={"username": "ann", "password": "secret123"})
    access, refresh = r.json["access_token"], r.json["refresh_token"]
    bearer = {"Authorization": f"Bearer {access}"}
    assert client.get("/api/me", headers=bearer).json == {"id": 1, "username": "ann"}
    # A refresh token is not an access token, and the reverse.
    r = client.get("/api/me", headers={"Authorization": f"Bearer {refresh}"})
    assert r.status_code == 422
    assert client.post("/api/refresh", headers=bearer).status_code == 422
    r = client.post("/api/refresh", headers={"Authorization": f"Bearer {refresh}"})
    new_access = r.json["access_token"]
    # Revoking the access token refuses it from then on; the new one works.
    assert client.delete("/api/token", headers=bearer).json == {
        "msg": "Access token revoked."
    }
    r = client.get("/api/me", headers=bearer)
    assert (r.status_code, r.json) == (401, {"msg": "Token has been revoked"})
    new = {"Authorization": f"Bearer {new_access}"}
    assert client.get("/api/me", headers=new).status_code == 200
    client.delete("/api/token", headers={"Authorization": f"Bearer {refresh}"})
    r = client.post("/api/refresh", headers={"Authorization": f"Bearer {refresh}"})
    assert r.status_code == 401


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"username": "ann", "password": "nope"}, 401),
        ({"username": "nobody", "password": "x"}, 401),
        ([], 422),
        ({"password": "x"}, 422),
        ({"username": "ann", "password": 1}, 422),
    ],
)
def test_bad_token_requests(client: KolbenClient, body: object, status: int) -> None:
    _register(client)
    assert client.post("/api/token", json=body).status_code == status


def test_the_openapi_document(client: KolbenClient) -> None:
    from openapi_spec_validator import validate

    doc = client.get("/api/openapi.json").json
    validate(doc)
    # Read from jwt_required on the API and login_required on the pages.
    assert doc["components"]["securitySchemes"] == {
        "jwtBearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"},
        "sessionCookie": {"type": "apiKey", "in": "cookie", "name": "session"},
        "rememberCookie": {"type": "apiKey", "in": "cookie", "name": "remember_token"},
    }
    assert doc["paths"]["/api/me"]["get"]["security"] == [{"jwtBearer": []}]
    assert doc["paths"]["/profile"]["get"]["security"] == [
        {"sessionCookie": []},
        {"rememberCookie": []},
    ]
    token = doc["paths"]["/api/token"]["post"]
    assert "security" not in token
    assert token["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Credentials"
    }
    assert set(token["responses"]) >= {"200", "401", "422"}
    assert client.get("/api/docs").status_code == 200


def test_the_api_without_a_token(client: KolbenClient) -> None:
    r = client.get("/api/me")
    assert (r.status_code, r.json) == (401, {"msg": "Missing Authorization Header"})
    r = client.get("/api/me", headers={"Authorization": "Bearer not-a-jwt"})
    assert r.status_code == 422


def test_a_form_without_its_token_is_refused(client: KolbenClient) -> None:
    r = client.post("/register", data={"username": "eve", "password": "secret123"})
    assert r.status_code == 400
    assert "The CSRF token is missing." in r.text
    _register(client)
    # Logging out is a form too: another site cannot log a user out.
    assert client.post("/logout").status_code == 400
    assert "You are ann" in client.get("/profile").text


def test_the_pages_render(client: KolbenClient) -> None:
    for path in ("/", "/register", "/login"):
        r = client.get(path)
        assert r.status_code == 200
        assert 'name="csrf_token"' in r.text or path == "/"
