"""Accounts: registration, login sessions with remember-me, and a JWT API.

Run it with the ``kolben`` command; the folder is the --app::

    kolben --app examples/accounts init-db
    kolben --app examples/accounts run

Pages (``/register``, ``/login``, ``/logout``, ``/profile``) use login
sessions (``kolben.login``); the JSON API under ``/api`` uses JWT
(``kolben.jwt``): ``POST /api/token`` for an access and a refresh token,
``POST /api/refresh`` for a new access token, ``GET /api/me``, and
``DELETE /api/token`` to revoke the token sent. Users and revoked tokens are
stored through the data battery (``kolben.db``), on SQLite in the instance
folder unless ``SQLALCHEMY_DATABASE_URI`` names another database.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

import click

from kolben import Kolben
from kolben.api import OpenAPI
from kolben.forms import CSRFProtect

from .models import db


def create_app(test_config: Mapping[str, Any] | None = None) -> Kolben:
    """Create the accounts app.

    :param test_config: settings that replace the environment's, so that
        tests never read a developer's configuration.
    """
    app = Kolben(__name__)
    app.config.from_mapping(
        # SECURITY: "dev" only suits a local run; a deployment sets its own
        # KOLBEN_SECRET_KEY and KOLBEN_JWT_SECRET_KEY.
        SECRET_KEY="dev",
        JWT_SECRET_KEY="dev: a JWT key of thirty-two bytes or more",
        SQLALCHEMY_DATABASE_URI="sqlite:///accounts.sqlite",
        JWT_ACCESS_TOKEN_EXPIRES=timedelta(minutes=15),
        REMEMBER_COOKIE_DURATION=timedelta(days=30),
    )
    if test_config is None:
        app.config.from_prefixed_env()
    else:
        app.config.from_mapping(test_config)
    db.init_app(app)
    csrf = CSRFProtect(app)

    from . import api, auth

    # The JSON API sets no cookie and reads none: its tokens travel in the
    # Authorization header, which no other site can make a browser send.
    csrf.exempt(api.bp)

    auth.login_manager.init_app(app)
    api.jwt.init_app(app)
    # The API's document; its security schemes come from the views'
    # jwt_required and login_required.
    OpenAPI(
        app,
        title="Accounts",
        version="1.0",
        openapi_url="/api/openapi.json",
        docs_url="/api/docs",
        redoc_url=None,
        assets_url="/api/docs-assets",
    )
    app.register_blueprint(auth.bp)
    app.register_blueprint(api.bp)

    @app.cli.command("init-db")
    def init_db() -> None:
        """Create the tables."""
        db.create_all()
        click.echo("Initialized the database.")

    return app
