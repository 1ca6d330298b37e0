"""Run the documentation's code samples as tests (Sybil).

Every ``python`` block of ``docs/*.md`` runs, in order, in one namespace per
page, so a page's later blocks build on its earlier ones. A block that cannot
run here (one that needs a package kolben does not depend on, say) is
preceded by ``<!--- skip: next "the reason" -->``; ``<!--- clear-namespace -->``
starts a fresh namespace for a self-contained sample.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Iterator
from typing import Any

import pytest
from sybil import Sybil
from sybil.parsers.myst import (
    ClearNamespaceParser,
    PythonCodeBlockParser,
    SkipParser,
)


def _setup(namespace: dict[str, Any]) -> None:
    namespace["__name__"] = "docs_sample"


@pytest.fixture
def docs_folder() -> Iterator[str]:
    """Run a sample in a temporary folder, on ``sys.path``.

    Samples that write files (a SQLite database, a migrations folder) leave
    nothing behind. The fixture asks for no other fixture: Sybil puts every
    fixture of the closure into the samples' namespace, and ``request`` or
    ``monkeypatch`` there would shadow the samples' own names.
    """
    cwd, path = os.getcwd(), list(sys.path)
    with tempfile.TemporaryDirectory(prefix="kolben-docs-") as folder:
        os.chdir(folder)
        sys.path.insert(0, folder)
        try:
            yield folder
        finally:
            os.chdir(cwd)
            sys.path[:] = path


pytest_collect_file = Sybil(
    parsers=[PythonCodeBlockParser(), SkipParser(), ClearNamespaceParser()],
    patterns=["*.md"],
    # The tutorial's pages build one project across chapters: its file blocks
    # are written and its steps run, in order, by tests/test_docs_tutorial.py.
    # metrics.md's samples each need a process of their own (prometheus_client's
    # registry and its multiprocess directory are process-wide): each runs in
    # a fresh interpreter in tests/test_docs_pages.py.
    excludes=["_build/*", "tutorial/*", "metrics.md"],
    setup=_setup,
    fixtures=["docs_folder"],
).pytest()
