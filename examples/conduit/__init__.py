"""Conduit: the RealWorld API backend, on kolben's batteries only.

Run it with the ``kolben`` command; the folder is the --app::

    kolben --app examples/conduit run           # SQLite, schema made at start
    kolben --app examples/conduit db upgrade    # production: before the servers

The database is ``conduit.sqlite`` in the instance folder unless
``SQLALCHEMY_DATABASE_URI`` says otherwise (``KOLBEN_SQLALCHEMY_DATABASE_URI``
in the environment, e.g. a ``postgresql://`` URL). Under ``kolben run`` on
SQLite the migrations run at start, so a first run just works; everywhere
else ``kolben db upgrade`` runs once before the servers start (several
workers would race to make the schema).

Batteries: ``kolben.db`` and ``kolben.migrate`` (models and the
``migrations`` folder), ``kolben.jwt`` (``Authorization: Token <jwt>``),
``kolben.security`` (password hashes), ``kolben.api`` (typed views, the
OpenAPI document at ``/api/openapi.json``, Swagger UI at ``/api/docs``) and
``kolben.cors`` (front ends on other origins).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

import click

from kolben import Kolben
from kolben.api import OpenAPI
from kolben.cors import CORS
from kolben.jwt import JWTManager
from kolben.migrate import Migrate, upgrade

from . import errors
from .models import db
from .schemas import GenericErrorModel

#: The migrations shipped with the example, wherever it is run from.
MIGRATIONS = os.path.join(os.path.dirname(__file__), "migrations")


def create_app(test_config: Mapping[str, Any] | None = None) -> Kolben:
    """Create the Conduit API app.

    :param test_config: settings that replace the environment's, so that
        tests never read a developer's configuration.
    """
    app = Kolben(__name__)
    app.config.from_mapping(
        # SECURITY: this key only suits a local run; a deployment sets its
        # own KOLBEN_JWT_SECRET_KEY.
        JWT_SECRET_KEY="dev: a JWT key of thirty-two bytes or more",
        JWT_HEADER_TYPE="Token",
        JWT_ACCESS_TOKEN_EXPIRES=timedelta(days=1),
        SQLALCHEMY_DATABASE_URI="sqlite:///conduit.sqlite",
        API_DATETIME_FORMAT="milliseconds",
        # The error handlers of errors.py answer these; the document says so.
        API_VALIDATION_ERROR_SCHEMA=GenericErrorModel,
        API_HTTP_ERROR_SCHEMA=GenericErrorModel,
        # How passwords are hashed (kolben.security); tests make it cheap.
        CONDUIT_PASSWORD_METHOD="scrypt",
    )
    if test_config is None:
        app.config.from_prefixed_env()
    else:
        app.config.from_mapping(test_config)
    db.init_app(app)
    Migrate(app, db, directory=MIGRATIONS)
    jwt = JWTManager(app)
    OpenAPI(
        app,
        title="Conduit",
        version="2.0.0",
        description="The RealWorld API: users, profiles, articles, comments, tags.",
        openapi_url="/api/openapi.json",
        docs_url="/api/docs",
        redoc_url=None,
        assets_url="/api/docs-assets",
    )
    errors.register(app, jwt)
    # RealWorld's front ends are served from other origins. The token is a
    # header, never a cookie, so any origin may call (CORS_ORIGINS narrows it).
    CORS(app, resources={r"/api/*": {}})

    from . import articles, users

    app.register_blueprint(users.bp)
    app.register_blueprint(articles.bp)
    if _under_kolben_run() and app.config["SQLALCHEMY_DATABASE_URI"].startswith(
        "sqlite"
    ):
        with app.app_context():
            upgrade(directory=MIGRATIONS)
    return app


def _under_kolben_run() -> bool:
    """Return whether ``kolben run`` is loading the app (not ``kolben db``)."""
    ctx = click.get_current_context(silent=True)
    return ctx is not None and ctx.command.name == "run"
