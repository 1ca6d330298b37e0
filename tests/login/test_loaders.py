"""User and request loaders, sync and async, and the battery's signals."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest

from kolben import Kolben, Request
from kolben.login import (
    LoginManager,
    confirm_login,
    current_user,
    login_required,
    session_protected,
    user_accessed,
    user_loaded_from_request,
    user_logged_in,
    user_logged_out,
    user_login_confirmed,
    user_needs_refresh,
    user_unauthorized,
)
from kolben.views import MethodView
from tests.conftest import create_app

from .conftest import BY_NAME, USERS, User, add_views, build_login_app, log_in

API_KEYS = {"key-of-grace": USERS[2]}


def _by_api_key(req: Request) -> User | None:
    return API_KEYS.get(req.headers.get("X-API-Key", ""))


async def _by_api_key_async(req: Request) -> User | None:
    await asyncio.sleep(0)
    return _by_api_key(req)


@pytest.mark.parametrize("loader", [_by_api_key, _by_api_key_async])
@pytest.mark.parametrize("page", ["/private", "/private-async"])
def test_the_request_loader_logs_in_by_api_key(
    make_client: Any, loader: Any, page: str
) -> None:
    app = build_login_app()
    app.login_manager.request_loader(loader)
    loaded: list[str] = []

    def on_request(sender: Kolben, user: Any) -> None:
        loaded.append(user.name)

    client = make_client(app)
    with user_loaded_from_request.connected_to(on_request):
        r = client.get(page, headers={"X-API-Key": "key-of-grace"})
        assert r.get_json()["name"] == "grace"
        assert client.get(page, headers={"X-API-Key": "wrong"}).status_code == 302
        assert client.get(page).status_code == 302
    assert loaded == ["grace"]


def test_the_session_user_comes_before_the_request_loader(make_client: Any) -> None:
    app = build_login_app()
    app.login_manager.request_loader(_by_api_key)
    client = make_client(app)
    log_in(client, "ada")
    r = client.get("/private", headers={"X-API-Key": "key-of-grace"})
    assert r.get_json()["name"] == "ada"


def test_a_request_loader_alone_is_enough(make_client: Any) -> None:
    app = build_login_app()
    manager: LoginManager = app.login_manager
    manager._user_callback = None
    manager.request_loader(_by_api_key_async)
    client = make_client(app)
    r = client.get("/private-async", headers={"X-API-Key": "key-of-grace"})
    assert r.get_json()["name"] == "grace"


def test_an_async_loader_set_after_init_app_serves_async_views(
    make_client: Any,
) -> None:
    manager = LoginManager()
    app = create_app()
    add_views(app)
    manager.init_app(app)
    manager.login_view = "login"

    @manager.user_loader
    async def load(user_id: str) -> User | None:
        await asyncio.sleep(0)
        return USERS.get(int(user_id))

    client = make_client(app)
    log_in(client, "grace")
    assert client.get("/me-async").get_json() == {"name": "grace"}
    assert client.get("/private").get_json()["name"] == "grace"


def test_an_async_loader_serves_an_async_method_view(
    make_client: Any, async_loader: bool
) -> None:
    app = build_login_app(async_loader)

    class Profile(MethodView):
        decorators = [login_required]

        async def get(self) -> Any:
            return {"name": current_user.name}

    app.add_url_rule("/profile", view_func=Profile.as_view("profile"))
    client = make_client(app)
    assert client.get("/profile").status_code == 302
    log_in(client)
    assert client.get("/profile").get_json() == {"name": "ada"}


def test_the_loader_runs_once_per_request(make_client: Any) -> None:
    app = build_login_app()
    calls: list[str] = []

    @app.login_manager.user_loader
    def load(user_id: str) -> User | None:
        calls.append(user_id)
        return USERS.get(int(user_id))

    @app.route("/twice")
    def twice() -> str:
        return f"{current_user.name} {current_user.id}"

    client = make_client(app)
    log_in(client)
    assert client.get("/twice").text == "ada 1"
    assert calls == ["1"]


@pytest.fixture
def received() -> Iterator[list[tuple[str, Any]]]:
    """The battery's signals sent while the test runs, with their user."""
    log: list[tuple[str, Any]] = []
    signals = {
        "logged_in": user_logged_in,
        "logged_out": user_logged_out,
        "accessed": user_accessed,
        "unauthorized": user_unauthorized,
        "needs_refresh": user_needs_refresh,
        "confirmed": user_login_confirmed,
        "protected": session_protected,
    }
    receivers = []
    for name, signal in signals.items():

        def receiver(sender: Any, _name: str = name, **kw: Any) -> None:
            user = kw.get("user")
            log.append((_name, getattr(user, "name", None)))

        receivers.append(receiver)
        signal.connect(receiver)
    yield log
    for signal, receiver in zip(signals.values(), receivers, strict=True):
        signal.disconnect(receiver)


def test_the_signals_are_sent(
    login_app: Kolben, make_client: Any, received: list[tuple[str, Any]]
) -> None:
    @login_app.route("/confirm")
    def confirm() -> str:
        confirm_login()
        return "ok"

    client = make_client(login_app)
    client.get("/private")
    assert received == [("accessed", None), ("unauthorized", None)]
    received.clear()
    log_in(client)
    assert received == [("logged_in", "ada")]
    received.clear()
    with client.session_transaction() as sess:
        sess["_fresh"] = False
    client.get("/fresh")
    assert received == [("accessed", None), ("needs_refresh", None)]
    received.clear()
    client.get("/confirm")
    assert received == [("confirmed", None)]
    received.clear()
    client.get("/logout")
    assert received == [("accessed", None), ("logged_out", "ada")]


def test_an_async_receiver_is_awaited(login_app: Kolben, make_client: Any) -> None:
    names: list[str] = []

    async def on_login(sender: Kolben, user: Any) -> None:
        await asyncio.sleep(0)
        names.append(user.name)

    with user_logged_in.connected_to(on_login):
        log_in(make_client(login_app), "grace")
    assert names == ["grace"]


def test_a_custom_anonymous_user(login_app: Kolben, make_client: Any) -> None:
    class Guest:
        is_authenticated = False
        is_active = False
        is_anonymous = True
        name = "guest"

        def get_id(self) -> None:
            return None

    login_app.login_manager.anonymous_user = Guest
    assert make_client(login_app).get("/me").get_json() == {"name": "guest"}


def test_a_custom_id_attribute_for_alternative_tokens(make_client: Any) -> None:
    # The docs' recipe: the session keeps a token that changes with the
    # password, so a password change ends every other login.
    tokens = {"ada": "t1"}

    class TokenUser(User):
        def get_auth_token(self) -> str:
            return f"{self.name}:{tokens[self.name]}"

    ada = TokenUser(1, "ada")
    app = build_login_app()
    manager: LoginManager = app.login_manager
    manager.id_attribute = "get_auth_token"

    @manager.user_loader
    def load(token: str) -> User | None:
        name, _, value = token.partition(":")
        return ada if tokens.get(name) == value else None

    saved = dict(BY_NAME)
    BY_NAME["ada"] = ada
    try:
        client = make_client(app)
        log_in(client, remember="1")
        assert client.get_cookie("remember_token").value.startswith("ada:t1|")
        assert client.get("/me").get_json() == {"name": "ada"}
        tokens["ada"] = "t2"  # the password changed
        assert client.get("/me").get_json() == {"name": None}
        client.delete_cookie("session")
        assert client.get("/me").get_json() == {"name": None}
    finally:
        BY_NAME.update(saved)


def test_an_async_hook_of_a_sync_view_sees_the_async_loaded_user(
    make_client: Any,
) -> None:
    app = build_login_app(async_loader=True)
    seen: list[Any] = []

    @app.before_request
    async def note_user() -> None:
        seen.append(getattr(current_user, "name", None))

    @app.after_request
    async def note_again(response: Any) -> Any:
        seen.append(current_user.is_authenticated)
        return response

    client = make_client(app)
    log_in(client, "grace")
    seen.clear()
    assert client.get("/private").get_json()["name"] == "grace"
    assert seen == ["grace", True]


def test_async_code_the_user_was_not_loaded_for_gets_a_clear_error(
    protocol: str,
) -> None:
    from kolben import abort

    app = build_login_app(async_loader=True)

    @app.route("/forbidden")
    def forbidden() -> str:
        abort(403)

    @app.errorhandler(403)
    async def refused(e: Exception) -> Any:
        return {"who": current_user.is_authenticated}, 403

    client = app.test_client(protocol=protocol)
    log_in(client)
    with pytest.raises(RuntimeError, match="in a before_request hook first"):
        client.get("/forbidden")
