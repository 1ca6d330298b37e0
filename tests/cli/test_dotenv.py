"""``.env`` and ``.kolbenenv`` files, and ``--env-file``."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from kolben.cli import load_dotenv
from tests.cli.conftest import Invoke, WriteFile, run_kolben

APP = """\
import os
import click
from kolben import Kolben

app = Kolben(__name__)

@app.cli.command()
@click.argument("names", nargs=-1)
def env(names):
    for name in names:
        click.echo(f"{name}={os.environ.get(name)}")
"""


def test_dotenv_names_the_app(write_file: WriteFile) -> None:
    write_file("project/dotenv_app.py", APP)
    root = write_file("project/.env", "KOLBEN_APP=dotenv_app\nFROM_ENV=yes\n").parent
    result = run_kolben(root, "env", "FROM_ENV")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "FROM_ENV=yes\n"


def test_precedence_and_upward_search(write_file: WriteFile) -> None:
    write_file("project/dotenv_app.py", APP)
    write_file(
        "project/.kolbenenv", "KOLBEN_APP=dotenv_app\nA=kolbenenv\nB=kolbenenv\n"
    )
    write_file("project/.env", "B=env\nC=env\n")
    extra = write_file("project/extra.env", "C=extra\nD=extra\n")
    sub = write_file("project/sub/keep", "").parent
    result = run_kolben(
        sub,
        "--env-file",
        str(extra),
        "--app",
        str(sub.parent / "dotenv_app.py"),
        "env",
        "A",
        "B",
        "C",
        "D",
        "E",
        env={"E": "real", "D": "real"},
    )
    assert result.returncode == 0, result.stderr
    # .env beats .kolbenenv, --env-file beats both, the real environment
    # beats every file.
    assert result.stdout.split() == [
        "A=kolbenenv",
        "B=env",
        "C=extra",
        "D=real",
        "E=real",
    ]


def test_help_sees_commands_of_an_app_named_in_dotenv(write_file: WriteFile) -> None:
    write_file("project/dotenv_app.py", APP)
    root = write_file("project/.env", "KOLBEN_APP=dotenv_app\n").parent
    result = run_kolben(root, "--help")
    assert result.returncode == 0, result.stderr
    assert "\n  env\n" in result.stdout


def test_skip_dotenv(invoke: Invoke, write_file: WriteFile) -> None:
    write_file("dotenv_app.py", APP)
    write_file(".env", "SKIPPED=loaded\n")
    os.environ["KOLBEN_SKIP_DOTENV"] = "1"
    result = invoke("-A", "dotenv_app", "env", "SKIPPED")
    assert result.output == "SKIPPED=None\n"
    del os.environ["KOLBEN_SKIP_DOTENV"]
    result = invoke("-A", "dotenv_app", "env", "SKIPPED")
    assert result.output == "SKIPPED=loaded\n"


def test_without_python_dotenv(
    invoke: Invoke, write_file: WriteFile, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "dotenv", None)
    assert load_dotenv() is False
    write_file("dotenv_app.py", APP)
    env_file = write_file(".env", "X=1\n")
    result = invoke("-A", "dotenv_app", "env", "X")
    assert "Install python-dotenv to use them" in result.output
    assert "X=None" in result.output
    result = invoke("--env-file", str(env_file), "-A", "dotenv_app", "env", "X")
    assert result.exit_code == 2
    assert "python-dotenv must be installed" in result.output


def test_load_dotenv_reports_what_it_found(
    isolated: Path, write_file: WriteFile
) -> None:
    assert load_dotenv() is False
    write_file(".kolbenenv", "ONLY_DEFAULT=1\n")
    extra = write_file("extra.env", "ONLY_EXTRA=1\n")
    assert load_dotenv(extra, load_defaults=False) is True
    assert os.environ["ONLY_EXTRA"] == "1" and "ONLY_DEFAULT" not in os.environ
    assert load_dotenv() is True
    assert os.environ["ONLY_DEFAULT"] == "1"
