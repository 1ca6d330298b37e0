"""A modular site: an app factory, a blueprint of pages and one of a REST API.

Run it with the ``kolben`` command; the folder is the --app:

    kolben --app examples/modular init-db
    kolben --app examples/modular run --debug

The tasks live in SQLite in the instance folder unless
``SQLALCHEMY_DATABASE_URI`` says otherwise (in ``instance/config.py`` or as
``KOLBEN_SQLALCHEMY_DATABASE_URI`` in the environment).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kolben import Kolben
from kolben.api import OpenAPI
from kolben.forms import CSRFProtect


def create_app(test_config: Mapping[str, Any] | None = None) -> Kolben:
    """Create and configure the app.

    :param test_config: settings that replace ``instance/config.py`` and the
        environment, so that tests never read a developer's configuration.
    """
    app = Kolben(__name__, instance_relative_config=True)
    app.config.from_mapping(
        # SECURITY: "dev" only suits a local run; a deployment sets its own
        # SECRET_KEY in instance/config.py or KOLBEN_SECRET_KEY.
        SECRET_KEY="dev",
        # Relative to the instance folder, which kolben.db creates.
        SQLALCHEMY_DATABASE_URI="sqlite:///modular.sqlite",
        # The API answers bad arguments all at once.
        BUNDLE_ERRORS=True,
    )
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        app.config.from_prefixed_env()
    else:
        app.config.from_mapping(test_config)

    from . import api, models, pages

    models.init_app(app)
    # The pages' forms carry CSRF tokens. The JSON API is exempt: it has no
    # login and reads no cookie, so a forged request gains nothing a direct
    # one could not.
    csrf = CSRFProtect(app)
    csrf.exempt(api.bp)
    OpenAPI(
        app,
        title="Tasks",
        version="1.0",
        description="The task list's JSON API.",
        openapi_url="/api/openapi.json",
        docs_url="/api/docs",
        redoc_url="/api/redoc",
        assets_url="/api/docs-assets",
    )
    app.register_blueprint(api.bp)
    app.register_blueprint(pages.bp)
    return app
