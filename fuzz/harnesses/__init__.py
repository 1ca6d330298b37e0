"""One atheris harness per parser; each module defines ``TestOneInput``.

:func:`names` lists them; ``python -m fuzz.harnesses NAME [flags]`` runs one
under libFuzzer, and ``python -m fuzz run`` runs them all.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["names"]

_HERE = Path(__file__).parent


def names() -> list[str]:
    """Return the name of every harness module, sorted."""
    return sorted(
        path.stem for path in _HERE.glob("*.py") if not path.stem.startswith("_")
    )
