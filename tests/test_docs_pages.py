"""The Python blocks of the docs pages that need a process each run.

The other pages' samples run under Sybil (docs/conftest.py) in one process;
the metrics page's cannot, since prometheus_client's registry and its
multiprocess directory are process-wide. Each fenced ``python`` block of a
page listed here is a complete program: it runs alone, in a fresh
interpreter in an empty directory, and asserts what the page says it does.
A block that names ``PROMETHEUS_MULTIPROC_DIR`` runs with it set to an
empty directory of its own, as its page says to start the server.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parents[1] / "docs"
PAGES = ["metrics.md"]
_FENCE = re.compile(r"^```python\n(.*?)^```$", re.MULTILINE | re.DOTALL)


def blocks(page: str) -> list[tuple[int, str]]:
    """Return the ``python`` blocks of ``page`` with the line each starts on."""
    text = (DOCS / page).read_text(encoding="utf-8")
    return [
        (text.count("\n", 0, m.start()) + 1, m.group(1)) for m in _FENCE.finditer(text)
    ]


CASES = [(page, line, code) for page in PAGES for line, code in blocks(page)]


def test_every_page_has_blocks() -> None:
    assert {page for page, _, _ in CASES} == set(PAGES)


@pytest.mark.parametrize(
    ("page", "line", "code"), CASES, ids=[f"{p}:{n}" for p, n, _ in CASES]
)
def test_block_runs(page: str, line: int, code: str, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PROMETHEUS_")}
    if "PROMETHEUS_MULTIPROC_DIR" in code:
        (tmp_path / "metrics").mkdir()
        env["PROMETHEUS_MULTIPROC_DIR"] = str(tmp_path / "metrics")
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, f"{page}, line {line}:\n{result.stderr}"
