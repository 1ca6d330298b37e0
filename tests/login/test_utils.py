"""The URL helpers, the mixins, the ``current_user`` proxy and the test client."""

from __future__ import annotations

from typing import Any

import pytest

import kolben.login
from kolben import Blueprint, Kolben
from kolben.login import (
    AnonymousUserMixin,
    FlaskLoginClient,
    LoginManager,
    UserMixin,
    current_user,
    login_url,
    make_next_param,
    set_login_view,
)
from kolben.login.utils import expand_login_view

from .conftest import USERS, User, build_login_app


def test_flask_logins_public_names_and_submodules_are_here() -> None:
    from kolben.login import config, login_manager, mixins, signals, utils

    assert login_manager.LoginManager is LoginManager
    assert mixins.UserMixin is UserMixin
    assert utils.login_url is login_url
    assert signals.user_logged_in is kolben.login.user_logged_in
    assert config.COOKIE_NAME == "remember_token"
    assert config.EXEMPT_METHODS == {"OPTIONS"}
    names = {
        "LoginManager", "AnonymousUserMixin", "UserMixin", "FlaskLoginClient",
        "confirm_login", "current_user", "decode_cookie", "encode_cookie",
        "fresh_login_required", "login_fresh", "login_remembered", "login_required",
        "login_url", "login_user", "logout_user", "make_next_param",
        "set_login_view", "session_protected", "user_accessed",
        "user_loaded_from_cookie", "user_loaded_from_request", "user_logged_in",
        "user_logged_out", "user_login_confirmed", "user_needs_refresh",
        "user_unauthorized", "COOKIE_DURATION", "COOKIE_HTTPONLY", "COOKIE_NAME",
        "COOKIE_SECURE", "ID_ATTRIBUTE", "LOGIN_MESSAGE", "LOGIN_MESSAGE_CATEGORY",
        "REFRESH_MESSAGE", "REFRESH_MESSAGE_CATEGORY", "safe_next_url",
    }  # fmt: skip
    assert [name for name in sorted(names) if not hasattr(kolben.login, name)] == []
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        kolben.login.nothing  # noqa: B018


def test_make_next_param_drops_the_scheme_and_host_it_shares() -> None:
    assert make_next_param("/login", "http://localhost/a?b=1") == "/a?b=1"
    assert make_next_param("http://localhost/login", "http://localhost/a") == "/a"
    assert (
        make_next_param("https://auth.example/login", "http://localhost/a")
        == "http://localhost/a"
    )


def test_login_url_adds_next_and_keeps_the_query(app: Kolben) -> None:
    @app.route("/sign-in")
    def sign_in() -> str:
        return ""

    with app.test_request_context():
        assert login_url("sign_in") == "/sign-in"
        assert login_url("sign_in", "http://localhost/a b") == "/sign-in?next=%2Fa+b"
        assert (
            login_url("https://auth.example/login?app=1", "/x", next_field="to")
            == "https://auth.example/login?app=1&to=%2Fx"
        )
        assert expand_login_view("/direct") == "/direct"


def test_set_login_view_per_blueprint(app: Kolben) -> None:
    manager = LoginManager(app)
    admin = Blueprint("admin", __name__)
    with app.app_context():
        set_login_view("login")
        assert manager.login_view == "login"
        set_login_view("admin.login", blueprint=admin)
    assert manager.blueprint_login_views == {"admin": "admin.login", None: "login"}
    assert manager.login_view is None


def test_the_mixins() -> None:
    ada, again, grace = User(1, "ada"), User(1, "ada again"), User(2, "grace")
    assert (ada.is_authenticated, ada.is_active, ada.is_anonymous) == (
        True,
        True,
        False,
    )
    assert ada.get_id() == "1"
    assert ada == again and ada != grace and ada != "1"
    assert len({ada, grace}) == 2
    assert not USERS[3].is_authenticated
    anon = AnonymousUserMixin()
    assert (anon.is_authenticated, anon.is_active, anon.is_anonymous) == (
        False,
        False,
        True,
    )
    assert anon.get_id() is None
    with pytest.raises(NotImplementedError, match="override `get_id`"):
        UserMixin().get_id()


def test_current_user_is_a_faithful_proxy(make_client: Any) -> None:
    app = build_login_app()

    @app.route("/proxy")
    def proxy() -> Any:
        user = current_user._get_current_object()
        return {
            "isinstance": isinstance(current_user, User),
            "eq": current_user == USERS[1],
            "hash": hash(current_user) == hash(user),
            "str": str(current_user) == str(user),
            "bool": bool(current_user),
            "in": current_user in [USERS[1]],
        }

    @app.route("/anon")
    def anon() -> Any:
        return {"anonymous": isinstance(current_user, AnonymousUserMixin)}

    client = make_client(app)
    assert client.get("/anon").get_json() == {"anonymous": True}
    client.post("/login", data={"name": "ada"})
    assert all(client.get("/proxy").get_json().values())


def test_current_user_is_none_outside_a_request(app: Kolben) -> None:
    LoginManager(app)
    assert current_user._get_current_object() is None
    with app.app_context():
        assert current_user._get_current_object() is None


def test_the_test_client_starts_logged_in(protocol: str) -> None:
    app = build_login_app()
    app.test_client_class = FlaskLoginClient
    client = app.test_client(user=USERS[2], protocol=protocol)
    assert client.get("/private").get_json()["name"] == "grace"
    assert client.get("/fresh").text == "fresh grace"
    stale = app.test_client(user=USERS[2], fresh_login=False, protocol=protocol)
    assert stale.get("/fresh").status_code == 302
    assert app.test_client(protocol=protocol).get("/private").status_code == 302
