"""Run the documentation's code samples as tests (Sybil).

Every ``python`` block of ``docs/*.md`` runs, in order, in one namespace per
page, so a page's later blocks build on its earlier ones. A block that cannot
run here (one that needs a running server, say) is preceded by
``<!--- skip: next because ... -->`` with the reason.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sybil import Sybil
from sybil.parsers.myst import (
    ClearNamespaceParser,
    PythonCodeBlockParser,
    SkipParser,
)

HERE = Path(__file__).parent


def _setup(namespace: dict[str, object]) -> None:
    # Each page runs in its own temporary folder, so samples that write files
    # (a SQLite database, an instance folder) leave nothing behind.
    namespace["__name__"] = "docs_sample"


@pytest.fixture
def _docs_cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))


pytest_collect_file = Sybil(
    parsers=[PythonCodeBlockParser(), SkipParser(), ClearNamespaceParser()],
    patterns=["*.md"],
    excludes=["_build/*"],
    setup=_setup,
    fixtures=["_docs_cwd"],
).pytest()

