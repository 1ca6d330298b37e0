"""The models in ``kolben shell``."""

from __future__ import annotations

import typing as t

from ..globals import current_app


def add_models_to_shell() -> dict[str, t.Any]:
    """Return ``db`` and every model class by name, for ``kolben shell``."""
    db = current_app.extensions["sqlalchemy"]
    out: dict[str, t.Any] = {
        m.class_.__name__: m.class_ for m in db.Model._sa_registry.mappers
    }
    out["db"] = db
    return out
