"""Run these tests only in the compat virtualenv, with ``flask`` as kolben.

They import Flask extensions, which import ``flask``; the main virtualenv
has the real Flask (a development dependency), and two Flasks cannot share
a process. ``tests/compat/run.py`` runs each file in a fresh process of
``.venv-compat`` with ``KOLBEN_COMPAT_TESTS=1``; this conftest then calls
``install()`` before any test module imports ``flask``. Anywhere else, each
file is reported as one skipped test that says how to run it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

ENABLED = os.environ.get("KOLBEN_COMPAT_TESTS") == "1"

HOW_TO_RUN = (
    "needs the compat virtualenv, where Flask is not installed: python3 -m venv"
    " .venv-compat && .venv-compat/bin/pip install -c requirements/dev.lock -e ."
    " && .venv-compat/bin/pip install --no-deps -r requirements/compat.txt, then"
    " .venv-compat/bin/python tests/compat/run.py"
)

if ENABLED:
    import kolben.compat.flask

    kolben.compat.flask.install()


class _NotHere(pytest.File):
    """A compat test file outside the compat virtualenv: not imported."""

    def collect(self) -> Iterator[pytest.Item]:
        yield _Skipped.from_parent(self, name=self.path.stem)


class _Skipped(pytest.Item):
    def runtest(self) -> None:
        pytest.skip(HOW_TO_RUN)


def pytest_pycollect_makemodule(module_path: Path, parent: pytest.Collector) -> object:
    """Keep the test modules unimported unless the compat layer is installed."""
    if ENABLED:
        return None
    return _NotHere.from_parent(parent, path=module_path)
