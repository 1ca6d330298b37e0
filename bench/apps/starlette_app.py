"""The benchmark app in Starlette: async endpoints, ``Route``s, no middleware."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse
from starlette.routing import Route

from . import HELLO, OTHER_ROUTES, other_text

_Endpoint = Callable[[Request], Coroutine[Any, Any, PlainTextResponse]]


def _other(i: int) -> _Endpoint:
    async def endpoint(request: Request) -> PlainTextResponse:
        params = request.path_params
        return PlainTextResponse(other_text(i, params["x"], params["name"]))

    return endpoint


async def plaintext(request: Request) -> PlainTextResponse:
    """Answer ``Hello, World!`` as text."""
    return PlainTextResponse(HELLO)


async def json(request: Request) -> JSONResponse:
    """Answer the hello message as JSON."""
    return JSONResponse({"message": HELLO})


async def user(request: Request) -> JSONResponse:
    """Answer a user object for the path's id."""
    id = request.path_params["id"]
    return JSONResponse({"id": id, "name": f"user{id}"})


def create_app() -> Starlette:
    """Return the Starlette app."""
    routes = [
        Route(f"/api/v1/r{i}/{{x:int}}/items/{{name}}", _other(i))
        for i in range(OTHER_ROUTES)
    ]
    routes += [
        Route("/plaintext", plaintext),
        # Starlette has no tuple form: a text response is its equivalent.
        Route("/text-headers", plaintext),
        Route("/json", json),
        Route("/users/{id:int}", user),
    ]
    return Starlette(routes=routes)


asgi_app = create_app()
