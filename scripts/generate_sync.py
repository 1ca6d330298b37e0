"""Write kolben's sync request pipeline from its async source.

The pipeline is written once, as coroutines, in ``src/kolben/_pipeline.py``.
The sync paths (WSGI, and ASGI endpoints whose code is all sync) run a twin
with ``async`` and ``await`` removed, because driving the coroutines by hand
costs a frame per step on every request. This script writes that twin; a test
fails when the committed file is out of date.

Run it after editing ``_pipeline.py``::

    python scripts/generate_sync.py
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "src" / "kolben" / "_pipeline.py"
TARGET = ROOT / "src" / "kolben" / "_pipeline_sync.py"

HEADER = (
    "# Generated from _pipeline.py by scripts/generate_sync.py. Do not edit:\n"
    "# change _pipeline.py and run the script.\n"
)
DOCSTRING = '''"""The request pipeline, sync form: see kolben._pipeline, its source."""
'''
# Applied in order; the first replaces the module docstring.
REPLACEMENTS = [
    (r'\A"""(?:.|\n)*?"""\n', DOCSTRING),
    (r"\basync def\b", "def"),
    (r"\bawait ", ""),
    (r"\bCallAsync\b", "CallSync"),
    (r"^AWAITS = True$", "AWAITS = False"),
]


def generate(source: str) -> str:
    """Return the sync twin of the async pipeline source, formatted."""
    for pattern, replacement in REPLACEMENTS:
        source = re.sub(pattern, replacement, source, count=0, flags=re.MULTILINE)
    formatted = subprocess.run(
        [sys.executable, "-m", "ruff", "format", "--stdin-filename", str(TARGET), "-"],
        input=source,
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    ).stdout
    return HEADER + formatted


def main() -> int:
    """Write the target file; with ``--check``, only say if it is stale."""
    expected = generate(SOURCE.read_text())
    if "--check" in sys.argv[1:]:
        if TARGET.read_text() != expected:
            print(f"{TARGET} is out of date; run {Path(__file__).name}.")
            return 1
        return 0
    TARGET.write_text(expected)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
