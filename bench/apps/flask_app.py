"""The benchmark app in Flask (sync views, WSGI)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask, Response, jsonify

from . import HELLO, OTHER_ROUTES, other_text


def _other(i: int) -> Callable[[int, str], Response]:
    def view(x: int, name: str) -> Response:
        return Response(other_text(i, x, name), mimetype="text/plain")

    return view


def create_app() -> Flask:
    """Return the Flask app."""
    app = Flask(__name__)
    for i in range(OTHER_ROUTES):
        app.add_url_rule(f"/api/v1/r{i}/<int:x>/items/<name>", f"r{i}", _other(i))

    @app.route("/plaintext")
    def plaintext() -> Response:
        return Response(HELLO, mimetype="text/plain")

    @app.route("/text-headers")
    def text_headers() -> tuple[str, dict[str, str]]:
        return HELLO, {"Content-Type": "text/plain; charset=utf-8"}

    @app.route("/json")
    def json() -> Response:
        return jsonify(message=HELLO)

    @app.route("/users/<int:id>")
    def user(id: int) -> dict[str, Any]:
        return {"id": id, "name": f"user{id}"}

    return app


wsgi_app = create_app()
