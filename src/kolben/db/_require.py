"""The check that the data battery's libraries are installed."""

from __future__ import annotations

import importlib.util


def require_sqlalchemy() -> None:
    """Raise ``ImportError`` naming the extra when SQLAlchemy is missing.

    Called before anything in :mod:`kolben.db` imports SQLAlchemy, so the
    error a user sees says what to install instead of a bare module name.
    """
    for module, package in (("sqlalchemy", "SQLAlchemy"), ("greenlet", "greenlet")):
        if importlib.util.find_spec(module) is None:
            raise ImportError(
                f"kolben.db needs {package}: install it with 'pip install kolben[db]'."
            )


def require(module: str, extra: str, purpose: str) -> None:
    """Raise ``ImportError`` naming ``extra`` when ``module`` is missing.

    :param module: the module to look for.
    :param extra: the kolben extra that installs it.
    :param purpose: what needs it, for the message.
    """
    if importlib.util.find_spec(module) is None:
        raise ImportError(
            f"{purpose} needs the '{module}' package: install it with"
            f" 'pip install kolben[{extra}]'."
        )
