"""The remember-me cookie: Flask-Login's format, its settings and bad input."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from kolben import Kolben
from kolben.login import (
    LoginManager,
    decode_cookie,
    encode_cookie,
    login_remembered,
    login_user,
    user_loaded_from_cookie,
)

from .conftest import USERS, build_login_app, log_in

#: Made by Flask-Login 0.6.3's ``encode_cookie("42")`` with the secret key
#: "test secret": a cookie a Flask app set.
FLASK_LOGIN_COOKIE = (
    "42|99bf43edb2cfc85f174e64859a0b81c986741ba295ab2dd4edf15ba2f6271cb9"
    "01afc83d39b39fb0c39c0b562829f31173ebcf91692e7de21cb065f6c9434e48"
)


def _forget_session(client: Any) -> None:
    """Do what closing the browser does: drop the session cookie."""
    client.delete_cookie("session")


def test_a_cookie_made_by_flask_login_verifies(app: Kolben) -> None:
    with app.test_request_context():
        assert decode_cookie(FLASK_LOGIN_COOKIE) == "42"
        assert encode_cookie("42") == FLASK_LOGIN_COOKIE


def test_cookies_signed_with_a_fallback_key_still_verify(app: Kolben) -> None:
    app.config["SECRET_KEY_FALLBACKS"] = ["test secret"]
    app.config["SECRET_KEY"] = "new secret"
    with app.test_request_context():
        assert decode_cookie(FLASK_LOGIN_COOKIE) == "42"
        assert encode_cookie("42") != FLASK_LOGIN_COOKIE
        assert decode_cookie(encode_cookie("42")) == "42"
        assert decode_cookie(FLASK_LOGIN_COOKIE, key="other") is None


def test_encoding_without_a_secret_key_says_what_to_set() -> None:
    app = Kolben(__name__)
    with app.test_request_context(), pytest.raises(RuntimeError, match="SECRET_KEY"):
        encode_cookie("1")


BAD_COOKIES = [
    "1",  # not signed
    "1|",
    "|",
    "",
    "1|deadbeef",
    "2" + FLASK_LOGIN_COOKIE[2:],  # another id, the same digest
    FLASK_LOGIN_COOKIE[:-1] + "é",  # a non-ASCII digest
    "\udcff|abc",
    "garbage" * 500,  # huge
    "1|" + "0" * 3000,
]


@pytest.mark.parametrize("value", BAD_COOKIES)
def test_a_bad_cookie_decodes_to_none(app: Kolben, value: str) -> None:
    with app.test_request_context():
        assert decode_cookie(value) is None


#: What can arrive on the wire: no lone surrogates, and a size the cookie
#: header of a browser allows.
WIRE_COOKIES = [v for v in BAD_COOKIES[:-2] if "\udcff" not in v] + ["x|" * 1900]


@pytest.mark.parametrize("value", WIRE_COOKIES)
@pytest.mark.parametrize("page", ["/me", "/me-async", "/private"])
def test_a_bad_remember_cookie_leaves_the_user_anonymous(
    login_app: Kolben, make_client: Any, value: str, page: str
) -> None:
    client = make_client(login_app)
    client.set_cookie("remember_token", value)
    r = client.get(page)
    assert r.status_code in (200, 302)
    if r.status_code == 200:
        assert r.get_json() == {"name": None}


@pytest.mark.parametrize("page", ["/private", "/private-async"])
def test_remember_me_logs_in_again_after_the_session_cookie_is_gone(
    login_app: Kolben, make_client: Any, page: str
) -> None:
    loaded: list[Any] = []

    def on_cookie(sender: Kolben, user: Any) -> None:
        loaded.append((sender, user.name))

    client = make_client(login_app)
    with user_loaded_from_cookie.connected_to(on_cookie):
        r = log_in(client, remember="1")
        cookie = client.get_cookie("remember_token")
        assert cookie is not None and cookie.value.startswith("1|")
        _forget_session(client)
        assert client.get(page).get_json()["name"] == "ada"
    assert loaded == [(login_app, "ada")]
    # The login restored from the cookie is not fresh.
    assert client.get("/fresh").status_code == 302
    assert "Set-Cookie" in r.headers


def test_without_remember_there_is_no_cookie_and_no_login_later(
    login_app: Kolben, make_client: Any
) -> None:
    client = make_client(login_app)
    log_in(client)
    assert client.get_cookie("remember_token") is None
    _forget_session(client)
    assert client.get("/me").get_json() == {"name": None}


def test_logout_deletes_the_remember_cookie(
    login_app: Kolben, make_client: Any
) -> None:
    client = make_client(login_app)
    log_in(client, remember="1")
    r = client.get("/logout")
    assert "remember_token=;" in r.headers["Set-Cookie"] or any(
        h.startswith("remember_token=;") for h in r.headers.getlist("Set-Cookie")
    )
    assert client.get_cookie("remember_token") is None
    _forget_session(client)
    assert client.get("/me").get_json() == {"name": None}


def _remember_header(response: Any) -> str:
    (header,) = [
        h
        for h in response.headers.getlist("Set-Cookie")
        if h.startswith("remember_token=")
    ]
    return str(header)


def test_the_cookie_has_flask_logins_default_attributes(
    login_app: Kolben, make_client: Any
) -> None:
    header = _remember_header(log_in(make_client(login_app), remember="1"))
    assert "Path=/" in header
    assert "HttpOnly" in header
    assert "Secure" not in header
    assert "SameSite" not in header
    assert "Domain" not in header
    expires = datetime.strptime(
        header.split("Expires=")[1].split(";")[0], "%a, %d %b %Y %H:%M:%S GMT"
    ).replace(tzinfo=UTC)
    assert abs(expires - datetime.now(UTC) - timedelta(days=365)) < timedelta(minutes=1)


def test_the_remember_cookie_settings_are_applied(make_client: Any) -> None:
    app = build_login_app(
        config={
            "REMEMBER_COOKIE_NAME": "keep",
            "REMEMBER_COOKIE_DURATION": 3600,
            "REMEMBER_COOKIE_DOMAIN": "example.com",
            "REMEMBER_COOKIE_PATH": "/app",
            "REMEMBER_COOKIE_SECURE": True,
            "REMEMBER_COOKIE_HTTPONLY": False,
            "REMEMBER_COOKIE_SAMESITE": "Lax",
        }
    )
    r = log_in(make_client(app), remember="1")
    (header,) = [h for h in r.headers.getlist("Set-Cookie") if h.startswith("keep=")]
    for part in ("Domain=example.com", "Path=/app", "Secure", "SameSite=Lax"):
        assert part in header
    assert "HttpOnly" not in header
    expires = datetime.strptime(
        header.split("Expires=")[1].split(";")[0], "%a, %d %b %Y %H:%M:%S GMT"
    ).replace(tzinfo=UTC)
    assert abs(expires - datetime.now(UTC) - timedelta(hours=1)) < timedelta(minutes=1)


def test_login_user_duration_sets_the_cookie_lifetime(
    make_client: Any,
) -> None:
    app = build_login_app()

    @app.route("/short")
    def short() -> str:
        login_user(USERS[1], remember=True, duration=timedelta(minutes=5))
        return "ok"

    @app.route("/bad-duration")
    def bad_duration() -> str:
        login_user(USERS[1], remember=True, duration=5)  # type: ignore[arg-type]
        return "never"

    client = make_client(app)
    header = _remember_header(client.get("/short"))
    expires = datetime.strptime(
        header.split("Expires=")[1].split(";")[0], "%a, %d %b %Y %H:%M:%S GMT"
    ).replace(tzinfo=UTC)
    assert abs(expires - datetime.now(UTC) - timedelta(minutes=5)) < timedelta(
        minutes=1
    )
    with pytest.raises(TypeError, match="timedelta"):
        client.get("/bad-duration")


def test_refresh_each_request_refreshes_an_existing_cookie(make_client: Any) -> None:
    app = build_login_app(config={"REMEMBER_COOKIE_REFRESH_EACH_REQUEST": True})
    client = make_client(app)
    log_in(client, remember="1")
    r = client.get("/me")
    assert _remember_header(r).startswith("remember_token=1|")
    _forget_session(client)
    # Logged in again from the cookie, which is refreshed once more.
    r = client.get("/me")
    assert r.get_json() == {"name": "ada"}
    assert _remember_header(r).startswith("remember_token=1|")


def test_refresh_each_request_gives_no_cookie_to_users_not_remembered(
    make_client: Any,
) -> None:
    app = build_login_app(config={"REMEMBER_COOKIE_REFRESH_EACH_REQUEST": True})
    client = make_client(app)
    log_in(client)
    r = client.get("/me")
    assert r.get_json() == {"name": "ada"}
    assert not any(
        h.startswith("remember_token=") for h in r.headers.getlist("Set-Cookie")
    )


def test_login_remember_on_refresh_restores_flask_logins_behaviour(
    make_client: Any,
) -> None:
    app = build_login_app(
        config={
            "REMEMBER_COOKIE_REFRESH_EACH_REQUEST": True,
            "LOGIN_REMEMBER_ON_REFRESH": True,
        }
    )
    client = make_client(app)
    log_in(client)
    assert _remember_header(client.get("/me")).startswith("remember_token=1|")


def test_login_remembered_says_whether_the_cookie_is_valid(
    login_app: Kolben, make_client: Any
) -> None:
    @login_app.route("/remembered")
    def remembered() -> str:
        return str(login_remembered())

    client = make_client(login_app)
    assert client.get("/remembered").text == "False"
    log_in(client, remember="1")
    assert client.get("/remembered").text == "True"
    client.set_cookie("remember_token", "1|forged")
    assert client.get("/remembered").text == "False"


def test_a_cookie_for_a_user_that_is_gone_leaves_the_user_anonymous(
    login_app: Kolben, make_client: Any
) -> None:
    client = make_client(login_app)
    with login_app.test_request_context():
        client.set_cookie("remember_token", encode_cookie("99"))
    assert client.get("/me").get_json() == {"name": None}


def test_the_manager_reads_config_keys_set_after_init(make_client: Any) -> None:
    app = build_login_app()
    app.config["REMEMBER_COOKIE_NAME"] = "stay"
    manager: LoginManager = app.login_manager
    assert manager.login_view == "login"
    client = make_client(app)
    log_in(client, remember="1")
    assert client.get_cookie("stay") is not None
    assert client.get_cookie("remember_token") is None
