"""A CRUD REST API on kolben's data battery: authors and their books.

Run it with the ``kolben`` command; the folder is the --app::

    kolben --app examples/crud db upgrade      # create the schema
    kolben --app examples/crud run

The database is ``crud.sqlite`` in the instance folder unless
``SQLALCHEMY_DATABASE_URI`` says otherwise (``KOLBEN_SQLALCHEMY_DATABASE_URI``
in the environment, e.g. a ``postgresql://`` URL).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from kolben import Kolben
from kolben.api import OpenAPI
from kolben.migrate import Migrate

from .models import db

#: The migrations shipped with the example, wherever it is run from.
MIGRATIONS = os.path.join(os.path.dirname(__file__), "migrations")


def create_app(test_config: Mapping[str, Any] | None = None) -> Kolben:
    """Create the API app.

    :param test_config: settings that replace the environment's, so that
        tests never read a developer's configuration.
    """
    app = Kolben(__name__)
    app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///crud.sqlite"
    if test_config is None:
        app.config.from_prefixed_env()
    else:
        app.config.from_mapping(test_config)
    db.init_app(app)
    Migrate(app, db, directory=MIGRATIONS)
    OpenAPI(
        app,
        title="Authors and books",
        version="1.0",
        openapi_url="/api/openapi.json",
        docs_url="/api/docs",
        redoc_url="/api/redoc",
        assets_url="/api/docs-assets",
    )

    from . import api

    app.register_blueprint(api.bp)
    return app
