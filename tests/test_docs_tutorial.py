"""The tutorial (docs/tutorial/), followed start to finish by copying its code.

Each chapter's file blocks (a ``{code-block}`` whose ``:caption:`` names a
path) are written into one project folder, in the order a reader meets them,
a later block of the same path replacing the earlier one as the text says;
each chapter's ``python`` blocks (its "try it" steps) then run in that
folder, in one namespace per chapter, with the project's modules imported
afresh. A chapter whose code does not work as written fails here.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parent.parent / "docs" / "tutorial"

#: The chapters in the order of the tutorial's table of contents.
CHAPTERS = [
    "routing",
    "templates",
    "json",
    "database",
    "blueprints",
    "forms",
    "auth",
    "rest",
    "deployment",
    "extending",
]

_FENCE = re.compile(r"^(`{3,})(\{code-block\} *)?([\w+-]*)\n(.*?)^\1$", re.M | re.S)


def blocks(text: str) -> list[tuple[str, str | None, str]]:
    """Return each code block of a page as ``(language, file path, code)``."""
    found = []
    for match in _FENCE.finditer(text):
        language, body = match.group(3), match.group(4)
        path = None
        if match.group(2):
            options, _, body = body.partition("\n\n")
            for line in options.splitlines():
                if line.startswith(":caption:"):
                    path = line.removeprefix(":caption:").strip()
        found.append((language, path, body))
    return found


def test_the_table_of_contents_lists_every_chapter() -> None:
    index = (DOCS / "index.md").read_text()
    assert re.findall(r"^(\w+)$", index.split("```{toctree}")[1], re.M) == CHAPTERS


def test_the_tutorial_runs_start_to_finish(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    environ = dict(os.environ)
    try:
        ran = _follow(tmp_path, environ)
    finally:
        os.environ.clear()
        os.environ.update(environ)
    assert ran >= len(CHAPTERS)


def _follow(tmp_path: Path, environ: dict[str, str]) -> int:
    ran = 0
    for chapter in CHAPTERS:
        # Each chapter's steps run in a fresh interpreter of the reader's:
        # what one sets in os.environ (the deployment chapter's KOLBEN_*
        # variables) is gone in the next.
        os.environ.clear()
        os.environ.update(environ)
        for name in [m for m in sys.modules if m in ("app", "wsgi", "tasks")]:
            del sys.modules[name]
        for name in [m for m in sys.modules if m.startswith("tasks.")]:
            del sys.modules[name]
        namespace: dict[str, object] = {"__name__": f"tutorial_{chapter}"}
        for language, path, code in blocks((DOCS / f"{chapter}.md").read_text()):
            if path is not None:
                target = tmp_path / path
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(code)
            elif language == "python":
                try:
                    exec(
                        compile(code, f"docs/tutorial/{chapter}.md", "exec"), namespace
                    )
                except Exception as e:
                    raise AssertionError(f"{chapter}: a step failed: {e!r}") from e
                ran += 1
    return ran
