"""The check that the forms battery's library is installed."""

from __future__ import annotations

import importlib.util


def require_wtforms() -> None:
    """Raise ``ImportError`` naming the extra when WTForms is missing.

    Called before anything in :mod:`kolben.forms` imports WTForms, so the
    error a user sees says what to install instead of a bare module name.
    """
    if importlib.util.find_spec("wtforms") is None:
        raise ImportError(
            "kolben.forms needs WTForms: install it with 'pip install kolben[forms]'."
        )
