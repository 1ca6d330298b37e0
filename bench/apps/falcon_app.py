"""The benchmark app in Falcon: ``falcon.App`` (WSGI), ``falcon.asgi.App``."""

from __future__ import annotations

import falcon
import falcon.asgi

from . import HELLO, OTHER_ROUTES, other_text

_OTHER_ROUTE = "/api/v1/r{i}/{{x:int}}/items/{{name}}"


class _Other:
    def __init__(self, i: int) -> None:
        self.i = i

    def on_get(
        self, req: falcon.Request, resp: falcon.Response, x: int, name: str
    ) -> None:
        resp.content_type = falcon.MEDIA_TEXT
        resp.text = other_text(self.i, x, name)


class _Plaintext:
    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        resp.content_type = falcon.MEDIA_TEXT
        resp.text = HELLO


class _JSON:
    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        resp.media = {"message": HELLO}


class _User:
    def on_get(self, req: falcon.Request, resp: falcon.Response, id: int) -> None:
        resp.media = {"id": id, "name": f"user{id}"}


class _AsyncOther:
    def __init__(self, i: int) -> None:
        self.i = i

    async def on_get(
        self, req: falcon.asgi.Request, resp: falcon.asgi.Response, x: int, name: str
    ) -> None:
        resp.content_type = falcon.MEDIA_TEXT
        resp.text = other_text(self.i, x, name)


class _AsyncPlaintext:
    async def on_get(
        self, req: falcon.asgi.Request, resp: falcon.asgi.Response
    ) -> None:
        resp.content_type = falcon.MEDIA_TEXT
        resp.text = HELLO


class _AsyncJSON:
    async def on_get(
        self, req: falcon.asgi.Request, resp: falcon.asgi.Response
    ) -> None:
        resp.media = {"message": HELLO}


class _AsyncUser:
    async def on_get(
        self, req: falcon.asgi.Request, resp: falcon.asgi.Response, id: int
    ) -> None:
        resp.media = {"id": id, "name": f"user{id}"}


def create_wsgi_app() -> falcon.App[falcon.Request, falcon.Response]:
    """Return the ``falcon.App`` with sync responders."""
    app = falcon.App()
    for i in range(OTHER_ROUTES):
        app.add_route(_OTHER_ROUTE.format(i=i), _Other(i))
    app.add_route("/plaintext", _Plaintext())
    # Falcon has no tuple form: setting the type and text is its equivalent.
    app.add_route("/text-headers", _Plaintext())
    app.add_route("/json", _JSON())
    app.add_route("/users/{id:int}", _User())
    return app


def create_asgi_app() -> falcon.asgi.App[falcon.asgi.Request, falcon.asgi.Response]:
    """Return the ``falcon.asgi.App`` with async responders."""
    app = falcon.asgi.App()
    for i in range(OTHER_ROUTES):
        app.add_route(_OTHER_ROUTE.format(i=i), _AsyncOther(i))
    app.add_route("/plaintext", _AsyncPlaintext())
    app.add_route("/text-headers", _AsyncPlaintext())
    app.add_route("/json", _AsyncJSON())
    app.add_route("/users/{id:int}", _AsyncUser())
    return app


wsgi_app = create_wsgi_app()
asgi_app = create_asgi_app()
