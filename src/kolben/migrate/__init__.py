"""Alembic migrations for kolben apps: Flask-Migrate's API.

``pip install kolben[db]``, then::

    from kolben.db import SQLAlchemy
    from kolben.migrate import Migrate

    db = SQLAlchemy()
    migrate = Migrate()

    def create_app():
        app = Kolben(__name__)
        db.init_app(app)
        migrate.init_app(app, db)
        return app

and ``kolben db init``, ``kolben db migrate -m "add users"``, ``kolben db
upgrade``. The same commands are functions here for scripts
(``kolben.migrate.upgrade()`` in an app context); ``docs/migrate.md`` has
them all. This battery meets :mod:`kolben.db` in ``app.extensions``: the
folder's ``env.py`` reads the engines and models of the ``db`` object that
``Migrate`` was given.
"""

from __future__ import annotations

from ._require import require_alembic

require_alembic()

from ._commands import branches as branches  # noqa: E402
from ._commands import catch_errors as catch_errors  # noqa: E402
from ._commands import check as check  # noqa: E402
from ._commands import current as current  # noqa: E402
from ._commands import downgrade as downgrade  # noqa: E402
from ._commands import edit as edit  # noqa: E402
from ._commands import heads as heads  # noqa: E402
from ._commands import history as history  # noqa: E402
from ._commands import init as init  # noqa: E402
from ._commands import list_templates as list_templates  # noqa: E402
from ._commands import merge as merge  # noqa: E402
from ._commands import migrate as migrate  # noqa: E402
from ._commands import revision as revision  # noqa: E402
from ._commands import show as show  # noqa: E402
from ._commands import stamp as stamp  # noqa: E402
from ._commands import upgrade as upgrade  # noqa: E402
from .extension import Config as Config  # noqa: E402
from .extension import Migrate as Migrate  # noqa: E402
from .extension import _MigrateConfig as _MigrateConfig  # noqa: E402

__all__ = [
    "Config",
    "Migrate",
    "branches",
    "catch_errors",
    "check",
    "current",
    "downgrade",
    "edit",
    "heads",
    "history",
    "init",
    "list_templates",
    "merge",
    "migrate",
    "revision",
    "show",
    "stamp",
    "upgrade",
]
