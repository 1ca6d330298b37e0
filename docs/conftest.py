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


def _setup(namespace: dict[str, object]) -> None:
    namespace["__name__"] = "docs_sample"


@pytest.fixture
def _docs_cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Each page runs in its own temporary folder, so samples that write files
    # (a SQLite database, a migrations folder) leave nothing behind.
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))


pytest_collect_file = Sybil(
    parsers=[PythonCodeBlockParser(), SkipParser(), ClearNamespaceParser()],
    patterns=["*.md"],
    # The tutorial's pages build one project across chapters: its file blocks
    # are written and its steps run, in order, by tests/test_docs_tutorial.py.
    excludes=["_build/*", "tutorial/*"],
    setup=_setup,
    fixtures=["_docs_cwd"],
).pytest()
