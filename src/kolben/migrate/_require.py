"""The check that Alembic is installed, before anything imports it."""

from __future__ import annotations

import importlib.util


def require_alembic() -> None:
    """Raise ``ImportError`` naming the extra when Alembic is missing."""
    for module, package in (("alembic", "Alembic"), ("sqlalchemy", "SQLAlchemy")):
        if importlib.util.find_spec(module) is None:
            raise ImportError(
                f"kolben.migrate and 'kolben db' need {package}: install it with"
                " 'pip install kolben[db]'."
            )
