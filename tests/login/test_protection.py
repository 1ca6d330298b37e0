"""Session protection: a session that moves to another client."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from kolben import Kolben
from kolben.login import LoginManager, confirm_login, session_protected
from kolben.login.login_manager import _create_identifier

from .conftest import build_login_app, log_in

#: Flask-Login 0.6.3's ``_create_identifier()`` for REMOTE_ADDR 203.0.113.9,
#: with and without ``User-Agent: Firefox/128``.
FLASK_LOGIN_ID_WITH_UA = (
    "4f49ec6fce44fa8c80c5273ca4c3da152d9802411f52b21bcfdafa45b96243af"
    "7750c3b18b5dc881060b5cf01b07e74955f54666afd9c4225d08fbca7b66a5dc"
)
FLASK_LOGIN_ID_NO_UA = (
    "52fde07d0cd297b8b9de112cb74a780441a0cfc8447ebe95d5d3632f3c7e6e1b"
    "3143e39e262a9c5c2ceb58152bf1fc7fe5842da81790998545f8c63c5777d43f"
)
OTHER_BROWSER = {"User-Agent": "Other/1.0"}


def test_the_identifier_is_flask_logins(app: Kolben) -> None:
    base = {"REMOTE_ADDR": "203.0.113.9"}
    headers = {"User-Agent": "Firefox/128"}
    with app.test_request_context(environ_base=base, headers=headers):
        assert _create_identifier() == FLASK_LOGIN_ID_WITH_UA
    with app.test_request_context(environ_base=base):
        assert _create_identifier() == FLASK_LOGIN_ID_NO_UA


def test_the_identifier_ignores_forwarded_for_unless_trusted(app: Kolben) -> None:
    base = {"REMOTE_ADDR": "10.0.0.1"}
    headers = {"User-Agent": "Firefox/128", "X-Forwarded-For": "203.0.113.9, 10.0.0.1"}
    with app.test_request_context(environ_base=base, headers=headers):
        assert _create_identifier() != FLASK_LOGIN_ID_WITH_UA
    app.config["LOGIN_TRUST_FORWARDED_FOR"] = True
    with app.test_request_context(environ_base=base, headers=headers):
        assert _create_identifier() == FLASK_LOGIN_ID_WITH_UA


@pytest.fixture
def protections() -> Iterator[list[Any]]:
    """The senders of ``session_protected`` while the test runs."""
    sent: list[Any] = []
    with session_protected.connected_to(sent.append):
        yield sent


@pytest.mark.parametrize("page", ["/private", "/private-async"])
def test_strong_drops_the_session_when_the_user_agent_changes(
    make_client: Any, async_loader: bool, page: str, protections: list[Any]
) -> None:
    app = build_login_app(async_loader, {"SESSION_PROTECTION": "strong"})
    sent = protections
    client = make_client(app)
    log_in(client, remember="1")
    assert client.get(page).status_code == 200
    r = client.get(page, headers=OTHER_BROWSER)
    assert r.status_code == 302
    assert sent == [app]
    # The session is logged out for good, the remember cookie deleted too.
    assert client.get_cookie("remember_token") is None
    assert client.get(page).status_code == 302


def test_strong_drops_the_session_when_the_address_changes(
    make_client: Any,
) -> None:
    app = build_login_app(config={"SESSION_PROTECTION": "strong"})
    client = make_client(app)
    log_in(client)
    r = client.get("/me", environ_base={"REMOTE_ADDR": "198.51.100.7"})
    assert r.get_json() == {"name": None}


def test_basic_marks_the_session_not_fresh(
    make_client: Any, protections: list[Any]
) -> None:
    app = build_login_app()  # "basic" is the default
    sent = protections
    client = make_client(app)
    log_in(client)
    assert client.get("/fresh").status_code == 200
    r = client.get("/fresh", headers=OTHER_BROWSER)
    assert r.status_code == 302
    assert r.headers["Location"].startswith("/login?next=")
    assert sent == [app]
    # Still logged in, but not fresh, from the first browser too.
    assert client.get("/me").get_json() == {"name": "ada"}
    assert client.get("/fresh").status_code == 302


def test_strong_only_marks_a_permanent_session_not_fresh(make_client: Any) -> None:
    app = build_login_app(config={"SESSION_PROTECTION": "strong"})
    client = make_client(app)
    log_in(client)
    with client.session_transaction() as sess:
        sess.permanent = True
    assert client.get("/me", headers=OTHER_BROWSER).get_json() == {"name": "ada"}
    assert client.get("/fresh").status_code == 302


def test_the_manager_attribute_sets_the_mode_when_the_config_does_not(
    make_client: Any,
) -> None:
    app = build_login_app()
    manager: LoginManager = app.login_manager
    manager.session_protection = "strong"
    client = make_client(app)
    log_in(client)
    assert client.get("/me", headers=OTHER_BROWSER).get_json() == {"name": None}


@pytest.mark.parametrize("mode", [None, "off"])
def test_protection_off_lets_the_session_move(make_client: Any, mode: Any) -> None:
    app = build_login_app(config={"SESSION_PROTECTION": mode})
    client = make_client(app)
    log_in(client)
    assert client.get("/fresh", headers=OTHER_BROWSER).text == "fresh ada"


def test_confirm_login_makes_the_login_fresh_for_this_client(
    make_client: Any,
) -> None:
    app = build_login_app()

    @app.route("/confirm")
    def confirm() -> str:
        confirm_login()
        return "confirmed"

    client = make_client(app)
    log_in(client)
    client.get("/me", headers=OTHER_BROWSER)
    assert client.get("/fresh").status_code == 302
    assert client.get("/confirm", headers=OTHER_BROWSER).text == "confirmed"
    assert client.get("/fresh", headers=OTHER_BROWSER).text == "fresh ada"


def test_a_remembered_login_survives_strong_protection(make_client: Any) -> None:
    app = build_login_app(config={"SESSION_PROTECTION": "strong"})
    client = make_client(app)
    log_in(client, remember="1")
    client.delete_cookie("session")
    assert client.get("/me").get_json() == {"name": "ada"}
    # The restored session is bound to this client, so the next request
    # keeps it rather than dropping it as a stranger's.
    assert client.get("/me").get_json() == {"name": "ada"}
    assert client.get_cookie("remember_token") is not None
