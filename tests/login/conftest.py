"""An app with logins, for the login battery's tests.

``login_app`` has a login view that follows ``next`` through
``safe_next_url``, a logout view, and protected pages as sync and async
views; ``login_app(async_loader=True)`` loads users with an async loader.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import pytest

from kolben import Kolben, redirect, request
from kolben.login import (
    LoginManager,
    UserMixin,
    current_user,
    fresh_login_required,
    login_required,
    login_user,
    logout_user,
    safe_next_url,
)
from tests.conftest import create_app


class User(UserMixin):
    """A user of the tests' app."""

    def __init__(self, user_id: int, name: str, active: bool = True) -> None:
        self.id = user_id
        self.name = name
        self.active = active

    @property
    def is_active(self) -> bool:
        """Whether the account may log in."""
        return self.active


USERS = {1: User(1, "ada"), 2: User(2, "grace"), 3: User(3, "off", active=False)}
BY_NAME = {u.name: u for u in USERS.values()}


def find_user(user_id: str) -> User | None:
    """Return the user with this id, or ``None``; garbage ids find no one."""
    return USERS.get(int(user_id)) if user_id.isdigit() else None


MakeApp = Callable[..., Kolben]


def build_login_app(
    async_loader: bool = False, config: dict[str, Any] | None = None
) -> Kolben:
    """Return an app with a LoginManager and the views the tests drive."""
    app = create_app(config)
    manager = LoginManager(app)
    manager.login_view = "login"
    manager.refresh_view = "login"

    if async_loader:

        @manager.user_loader
        async def load_user_async(user_id: str) -> User | None:
            await asyncio.sleep(0)  # a real await, as a database driver makes
            return find_user(user_id)

    else:
        manager.user_loader(find_user)
    add_views(app)
    return app


def add_views(app: Kolben) -> None:
    """Add the login, logout and protected views, sync and async."""

    @app.route("/login", methods=["GET", "POST"])
    def login() -> Any:
        if request.method == "POST":
            user = BY_NAME.get(request.form["name"])
            remember = request.form.get("remember") == "1"
            if user is None or not login_user(user, remember=remember):
                return "refused", 403
            return redirect(safe_next_url("/home"))
        return "log in"

    @app.route("/logout")
    def logout() -> str:
        logout_user()
        return "bye"

    @app.route("/me")
    def me() -> Any:
        return {"name": getattr(current_user, "name", None)}

    @app.route("/private")
    @login_required
    def private() -> Any:
        return {"name": current_user.name, "view": "sync"}

    @app.route("/private-async")
    @login_required
    async def private_async() -> Any:
        await asyncio.sleep(0)
        return {"name": current_user.name, "view": "async"}

    @app.route("/me-async")
    async def me_async() -> Any:
        return {"name": getattr(current_user, "name", None)}

    @app.route("/fresh")
    @fresh_login_required
    def fresh() -> str:
        return f"fresh {current_user.name}"

    @app.route("/fresh-async")
    @fresh_login_required
    async def fresh_async() -> str:
        return f"fresh {current_user.name}"


@pytest.fixture(params=[False, True], ids=["sync-loader", "async-loader"])
def async_loader(request: pytest.FixtureRequest) -> bool:
    """Whether the app's user loader is async."""
    return bool(request.param)


@pytest.fixture
def login_app(async_loader: bool) -> Kolben:
    """The login app, with a sync or an async user loader."""
    return build_login_app(async_loader)


def log_in(client: Any, name: str = "ada", **form: str) -> Any:
    """Post the login form; return the response."""
    return client.post("/login", data={"name": name, **form})
