"""Flask-Login: login_user, login_required's redirect, current_user."""

from __future__ import annotations

from typing import Any

from flask import Flask, request
from flask_login import (
    LoginManager,
    UserMixin,
    current_user,
    login_required,
    login_user,
)

from .support import client


class User(UserMixin):
    def __init__(self, user_id: str) -> None:
        self.id = user_id


def make_app() -> Flask:
    app = Flask(__name__)
    app.config["SECRET_KEY"] = "test"
    login_manager = LoginManager(app)
    login_manager.login_view = "login"

    @login_manager.user_loader
    def load_user(user_id: str) -> User | None:
        return User(user_id) if user_id == "ada" else None

    @app.route("/login", methods=["GET", "POST"])
    def login() -> str:
        if request.method == "POST":
            login_user(User(request.form["name"]))
            return "welcome"
        return "log in"

    @app.route("/private")
    @login_required
    def private() -> Any:
        return {"user": current_user.id, "anonymous": current_user.is_anonymous}

    return app


def test_login_required_redirects_then_lets_the_user_in(protocol: str) -> None:
    c = client(make_app(), protocol)
    r = c.get("/private")
    assert r.status_code == 302
    assert r.headers["Location"].startswith("/login?next=")
    assert c.post("/login", data={"name": "ada"}).data == b"welcome"
    assert c.get("/private").get_json() == {"user": "ada", "anonymous": False}
