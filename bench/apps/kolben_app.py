"""The benchmark app in kolben: sync views for WSGI, async views for ASGI."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from kolben import Kolben, Response, jsonify

from . import HELLO, OTHER_ROUTES, other_text

_OTHER_RULE = "/api/v1/r{i}/<int:x>/items/<name>"


def _sync_other(i: int) -> Callable[[int, str], Response]:
    def view(x: int, name: str) -> Response:
        return Response(other_text(i, x, name), mimetype="text/plain")

    return view


def _async_other(i: int) -> Callable[[int, str], Coroutine[Any, Any, Response]]:
    async def view(x: int, name: str) -> Response:
        return Response(other_text(i, x, name), mimetype="text/plain")

    return view


def create_sync_app() -> Kolben:
    """Return the app with sync views, as served over WSGI."""
    app = Kolben(__name__)
    for i in range(OTHER_ROUTES):
        app.add_url_rule(_OTHER_RULE.format(i=i), f"r{i}", _sync_other(i))

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


def create_async_app() -> Kolben:
    """Return the app with ``async def`` views, as served over ASGI."""
    app = Kolben(__name__)
    for i in range(OTHER_ROUTES):
        app.add_url_rule(_OTHER_RULE.format(i=i), f"r{i}", _async_other(i))

    @app.route("/plaintext")
    async def plaintext() -> Response:
        return Response(HELLO, mimetype="text/plain")

    @app.route("/text-headers")
    async def text_headers() -> tuple[str, dict[str, str]]:
        return HELLO, {"Content-Type": "text/plain; charset=utf-8"}

    @app.route("/json")
    async def json() -> Response:
        return jsonify(message=HELLO)

    @app.route("/users/<int:id>")
    async def user(id: int) -> dict[str, Any]:
        return {"id": id, "name": f"user{id}"}

    return app


wsgi_app = create_sync_app()
asgi_app = create_async_app()
