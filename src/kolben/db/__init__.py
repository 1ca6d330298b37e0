"""SQLAlchemy models and sessions for kolben apps: Flask-SQLAlchemy's API.

``pip install kolben[db]``, then::

    from kolben.db import SQLAlchemy

    db = SQLAlchemy()

    class User(db.Model):
        id: Mapped[int] = mapped_column(primary_key=True)
        username: Mapped[str] = mapped_column(unique=True)

    db.init_app(app)

Sync views use ``db.session``, a session per app context removed at
teardown; async views use ``db.async_session``, an ``AsyncSession`` per app
context on the event loop. ``docs/db.md`` says which to use when.
"""

from __future__ import annotations

from ._require import require_sqlalchemy

require_sqlalchemy()

from ._engines import DatabaseUnavailable as DatabaseUnavailable  # noqa: E402
from .extension import SQLAlchemy as SQLAlchemy  # noqa: E402

__all__ = ["DatabaseUnavailable", "SQLAlchemy"]
