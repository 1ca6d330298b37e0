"""The check that pydantic is installed, before kolben.api imports it."""

from __future__ import annotations

import importlib.util


def require_pydantic() -> None:
    """Raise ``ImportError`` naming the extra when pydantic v2 is missing."""
    if importlib.util.find_spec("pydantic") is None:
        raise ImportError(
            "kolben.api needs pydantic 2: install it with 'pip install kolben[api]'."
        )
    from pydantic import VERSION

    if not VERSION.startswith("2."):
        raise ImportError(
            f"kolben.api needs pydantic 2, not {VERSION}: install it with"
            " 'pip install kolben[api]'."
        )
