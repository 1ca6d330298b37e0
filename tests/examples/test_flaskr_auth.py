"""Flaskr's accounts: registering, logging in and out, guarded pages."""

from __future__ import annotations

import re
from types import ModuleType

import pytest

from kolben import Kolben, g, session
from kolben.testing import KolbenClient
from tests.examples.conftest import AuthActions, session_of


def test_register_page_extends_the_base_layout(client: KolbenClient) -> None:
    r = client.get("/auth/register")
    assert r.status_code == 200
    assert "<title>Register - Flaskr</title>" in r.text
    assert 'href="/static/style.css"' in r.text
    assert '<a href="/auth/login">Log In</a>' in r.text
    assert (
        '<input id="password" name="password" required type="password" value="">'
        in (r.text)
    )
    # The form carries the session's CSRF token.
    assert 'name="csrf_token" type="hidden" value="' in r.text


def test_register_stores_a_salted_hash(
    app: Kolben, client: KolbenClient, flaskr: ModuleType
) -> None:
    r = client.post("/auth/register", data={"username": "a", "password": "secret"})
    assert r.status_code == 302
    assert r.headers["Location"] == "/auth/login"
    assert "Registered. Please log in." in client.get("/auth/login").text
    with app.app_context():
        row = (
            flaskr.db.get_db()
            .execute("SELECT password FROM user WHERE username = 'a'")
            .fetchone()
        )
    assert "secret" not in row["password"]
    assert flaskr.passwords.check_password(row["password"], "secret")


def test_registered_user_can_log_in(client: KolbenClient, auth: AuthActions) -> None:
    client.post("/auth/register", data={"username": "ada", "password": "lovelace"})
    assert auth.login("ada", "lovelace").headers["Location"] == "/"
    assert '<span class="user">ada</span>' in client.get("/").text


@pytest.mark.parametrize(
    ("username", "password", "field", "message"),
    [
        ("", "", "username", "Username is required."),
        ("a", "", "password", "Password is required."),
        ("test", "test", "username", "User test is already registered."),
    ],
)
def test_register_validates_input(
    client: KolbenClient, username: str, password: str, field: str, message: str
) -> None:
    r = client.post("/auth/register", data={"username": username, "password": password})
    assert r.status_code == 200
    # The message sits under its field, which says it is invalid.
    errors = re.search(
        rf'<ul class="errors" id="{field}-errors">(.*?)</ul>', r.text, re.S
    )
    assert errors is not None
    assert f"<li>{message}</li>" in errors.group(1)
    assert f'aria-invalid="true" id="{field}"' in r.text
    # The form keeps what was typed, except the password.
    assert f'name="username" required type="text" value="{username}"' in r.text
    assert 'type="password" value=""' in r.text


def test_login_puts_the_user_in_the_session(
    app: Kolben, client: KolbenClient, auth: AuthActions
) -> None:
    assert client.get("/auth/login").status_code == 200
    r = auth.login()
    assert r.status_code == 302
    assert r.headers["Location"] == "/"
    # The login cleared the session, the CSRF token with it.
    assert session_of(app, client) == {"user_id": 1}
    assert '<span class="user">test</span>' in client.get("/").text


def test_with_client_shows_the_session(client: KolbenClient, auth: AuthActions) -> None:
    auth.login()
    with client:
        client.get("/")
        assert session["user_id"] == 1
        assert g.user["username"] == "test"


@pytest.mark.parametrize(("username", "password"), [("nobody", "test"), ("test", "x")])
def test_login_refuses_bad_credentials_alike(
    app: Kolben,
    client: KolbenClient,
    auth: AuthActions,
    username: str,
    password: str,
) -> None:
    r = auth.login(username, password)
    assert r.status_code == 200
    # The same message for both, so it does not tell who has an account.
    assert "Incorrect username or password." in r.text
    assert "user_id" not in session_of(app, client)
    assert "Log Out" not in client.get("/").text


def test_logout_clears_the_session(
    app: Kolben, client: KolbenClient, auth: AuthActions
) -> None:
    auth.login()
    assert session_of(app, client)["user_id"] == 1
    r = auth.logout()
    assert r.status_code == 302
    assert r.headers["Location"] == "/"
    assert session_of(app, client) == {}
    page = client.get("/").text
    assert "Log Out" not in page
    assert "Log Out" not in page
    assert '<a href="/auth/login">Log In</a>' in page


def test_logout_is_post_only(client: KolbenClient, auth: AuthActions) -> None:
    auth.login()
    assert client.get("/auth/logout").status_code == 405
    assert "Log Out" in client.get("/").text


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/create"),
        ("GET", "/1/update"),
        ("POST", "/1/update"),
        ("POST", "/1/delete"),
    ],
)
def test_login_required_redirects_to_login(
    client: KolbenClient, method: str, path: str
) -> None:
    r = client.open(path, method=method)
    assert r.status_code == 302
    assert r.headers["Location"] == "/auth/login"


def test_session_of_a_removed_user_is_anonymous(
    app: Kolben, client: KolbenClient, auth: AuthActions, flaskr: ModuleType
) -> None:
    auth.login()
    with app.app_context():
        db = flaskr.db.get_db()
        db.execute("DELETE FROM post")
        db.execute("DELETE FROM user WHERE id = 1")
        db.commit()
    assert client.get("/create").headers["Location"] == "/auth/login"


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("/auth/register", {"username": "mallory", "password": "x"}),
        ("/auth/login", {"username": "test", "password": "test"}),
        ("/auth/logout", {}),
    ],
)
def test_a_post_without_a_token_is_refused(
    app: Kolben,
    client: KolbenClient,
    flaskr: ModuleType,
    path: str,
    data: dict[str, str],
) -> None:
    client.get("/auth/login")  # a session, with its token, exists
    r = client.post(path, data=data, csrf=False)
    assert r.status_code == 400
    assert "The CSRF token is missing." in r.text
    assert "user_id" not in session_of(app, client)
    with app.app_context():
        row = (
            flaskr.db.get_db()
            .execute("SELECT COUNT(*) FROM user WHERE username = 'mallory'")
            .fetchone()
        )
    assert row[0] == 0


def test_logging_out_needs_the_token(
    app: Kolben, client: KolbenClient, auth: AuthActions
) -> None:
    auth.login()
    # Another site's form posting to /auth/logout sends no token.
    assert client.post("/auth/logout", csrf=False).status_code == 400
    assert session_of(app, client)["user_id"] == 1
    assert "Log Out" in client.get("/").text
