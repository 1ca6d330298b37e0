"""The demo app from the README: a small JSON API with a page and an async view.

Run it with either kind of server; it is the same object:

    uvicorn --app-dir examples hello:app      # ASGI
    gunicorn --chdir examples hello:app       # WSGI
"""

from __future__ import annotations

import asyncio
from typing import Any

from kolben import Kolben, abort, jsonify, redirect, request, session, url_for

USERS: dict[int, dict[str, Any]] = {1: {"id": 1, "username": "ada"}}


def create_app(config: dict[str, Any] | None = None) -> Kolben:
    """Build the demo app; tests pass their own config."""
    app = Kolben(__name__)
    app.config.from_mapping(SECRET_KEY="change me in production")
    if config:
        app.config.from_mapping(config)

    @app.route("/")
    def index() -> str:
        session["visits"] = session.get("visits", 0) + 1
        users = url_for("list_users")
        return (
            f"<h1>Hello from kolben</h1><p>Visit number {session['visits']}."
            f' See <a href="{users}">{users}</a>.</p>'
        )

    @app.get("/users")
    def list_users() -> Any:
        return jsonify(users=list(USERS.values()))

    @app.route("/users/<int:user_id>", methods=["GET", "POST"])
    def user(user_id: int) -> Any:
        if user_id not in USERS:
            abort(404, description=f"No user {user_id}.")
        if request.method == "POST":
            data = request.get_json()
            USERS[user_id]["username"] = data["username"]
            return {"id": user_id, "updated_to": data["username"]}, 200
        return USERS[user_id]

    @app.get("/slow")
    async def slow() -> Any:
        await asyncio.sleep(0.01)  # runs on the event loop under ASGI
        return {"slept": 0.01}

    @app.get("/home")
    def home() -> Any:
        return redirect(url_for("index"))

    return app


app = create_app()
