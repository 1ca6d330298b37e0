"""Fixtures for the ``kolben`` command: apps written to disk, run two ways.

In-process tests drive the command with click's runner inside an isolated
working directory, ``sys.path`` and environment; subprocess tests run
``python -m kolben.cli`` exactly as a user's shell does.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from kolben import _envvars
from kolben.cli import cli

#: A minimal app module; tests format in the attribute line they need.
APP_SOURCE = """\
from kolben import Kolben

{line}

@app.get("/")
def index():
    return "hello from {name}"
"""

#: Settings the command reads, in its own and in Flask's spelling.
_OWN_PREFIXES = ("KOLBEN_", "FLASK_")

WriteFile = Callable[[str, str], Path]
Invoke = Callable[..., Result]


def kolben_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """Return the environment for a ``kolben`` subprocess: no stray KOLBEN_*."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(_OWN_PREFIXES)}
    # Never reuse a stale .pyc when a test edits a module within a second.
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env["PYTHONUNBUFFERED"] = "1"
    env.update(extra or {})
    return env


def run_kolben(
    cwd: Path, *args: str, env: dict[str, str] | None = None, stdin: str = ""
) -> subprocess.CompletedProcess[str]:
    """Run ``python -m kolben.cli ARGS`` in ``cwd`` and return its result.

    :param cwd: the working directory.
    :param args: the command-line arguments.
    :param env: extra environment variables.
    :param stdin: what to feed on standard input.
    """
    return subprocess.run(
        [sys.executable, "-m", "kolben.cli", *args],
        cwd=cwd,
        env=kolben_env(env),
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.fixture
def write_file(tmp_path: Path) -> WriteFile:
    """Write a dedented file under ``tmp_path``, making parent folders."""

    def write(name: str, source: str) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(source), encoding="utf-8")
        return path

    return write


@pytest.fixture
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Run in ``tmp_path`` and undo what discovery and the command change.

    The command edits ``os.environ`` and ``sys.path`` and imports the user's
    modules; all of that is put back, and the modules forgotten, afterwards.
    """
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "path", list(sys.path))
    saved = dict(os.environ)
    for name in [k for k in os.environ if k.startswith(_OWN_PREFIXES)]:
        del os.environ[name]
    # Each Flask name is noticed once per process; every test starts afresh.
    monkeypatch.setattr(_envvars, "_noticed", set())
    os.environ.pop("PYTHONSTARTUP", None)
    yield tmp_path
    os.environ.clear()
    os.environ.update(saved)
    root = str(tmp_path)
    for name, module in list(sys.modules.items()):
        if str(getattr(module, "__file__", None) or "").startswith(root):
            del sys.modules[name]


@pytest.fixture
def invoke(isolated: Path) -> Invoke:
    """Invoke the ``kolben`` command in-process, in the isolated folder."""

    def call(*args: str, **kwargs: Any) -> Result:
        return CliRunner().invoke(cli, list(args), **kwargs)

    return call
