"""An app protected by kolben.jwt, with a sync and an async twin of each view."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from kolben import Kolben, jsonify
from kolben.jwt import (
    JWTManager,
    create_access_token,
    get_jwt,
    get_jwt_identity,
    get_jwt_request_location,
    jwt_required,
)
from kolben.testing import KolbenClient

from ..conftest import create_app

SECRET = "a test secret that is long enough for HS256 and HS512 alike, really"


def make_jwt_app(config: dict[str, Any] | None = None) -> tuple[Kolben, JWTManager]:
    """Build an app with a JWTManager and protected views, sync and async.

    ``/sync/<name>`` and ``/async/<name>`` are the same view in both kinds.
    """
    app = create_app({"JWT_SECRET_KEY": SECRET, **(config or {})})
    jwt = JWTManager(app)

    def body() -> dict[str, Any]:
        return {
            "identity": get_jwt_identity(),
            "type": get_jwt().get("type"),
            "location": get_jwt_request_location(),
        }

    variants: dict[str, dict[str, Any]] = {
        "protected": {},
        "optional": {"optional": True},
        "fresh": {"fresh": True},
        "refresh": {"refresh": True},
        "any_type": {"verify_type": False},
        "cookies": {"locations": "cookies"},
        "query": {"locations": ["query_string"]},
        "json": {"locations": ["json"]},
        "everywhere": {"locations": ["headers", "cookies", "query_string", "json"]},
        "no_revocation": {"skip_revocation_check": True},
    }
    for name, options in variants.items():

        def sync_view() -> Any:
            return jsonify(body())

        async def async_view() -> Any:
            return jsonify(body())

        methods = ["GET", "POST"]
        app.add_url_rule(
            f"/sync/{name}",
            f"sync_{name}",
            jwt_required(**options)(sync_view),
            methods=methods,
        )
        app.add_url_rule(
            f"/async/{name}",
            f"async_{name}",
            jwt_required(**options)(async_view),
            methods=methods,
        )

    @app.post("/login")
    def login() -> Any:
        return {"access_token": create_access_token(identity="ada")}

    return app, jwt


@pytest.fixture(params=["sync", "async"])
def kind(request: pytest.FixtureRequest) -> str:
    """Whether the protected view is ``def`` or ``async def``."""
    return str(request.param)


@pytest.fixture
def jwt_app() -> tuple[Kolben, JWTManager]:
    """The app and its manager."""
    return make_jwt_app()


@pytest.fixture
def jclient(
    jwt_app: tuple[Kolben, JWTManager], make_client: Callable[[Kolben], KolbenClient]
) -> KolbenClient:
    """A client of the JWT app over the parametrized protocol."""
    return make_client(jwt_app[0])


def token_for(app: Kolben, **kwargs: Any) -> str:
    """Create an access token (``refresh=True`` for a refresh token)."""
    from kolben.jwt import create_refresh_token

    with app.app_context():
        if kwargs.pop("refresh", False):
            return create_refresh_token("ada", **kwargs)
        return create_access_token("ada", **kwargs)


def bearer(token: str) -> dict[str, str]:
    """The Authorization header for ``token``."""
    return {"Authorization": f"Bearer {token}"}
