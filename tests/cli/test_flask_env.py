"""The ``flask`` command's settings read by ``kolben`` after its own names.

A project moving from Flask keeps ``FLASK_APP`` in its shell, its ``.env`` or
its ``.flaskenv``; ``kolben`` reads them when the ``KOLBEN_`` name is unset
and says, on one line of standard error, which name to rename.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import uvicorn

from kolben import _envvars
from kolben.helpers import get_debug_flag, get_load_dotenv
from tests.cli.conftest import Invoke, WriteFile, run_kolben

APP = """\
import os
import click
from kolben import Kolben, current_app

app = Kolben("{name}")

@app.get("/from-{name}")
def index():
    return "hello"

@app.cli.command()
@click.argument("names", nargs=-1)
def env(names):
    click.echo(f"debug={{current_app.debug}}")
    for name in names:
        click.echo(f"{{name}}={{os.environ.get(name)}}")
"""


def notices(stderr: str) -> list[str]:
    """Return the lines of ``stderr`` that notice a Flask name."""
    return [line for line in stderr.splitlines() if "to silence this notice" in line]


def test_flask_app_names_the_app_for_routes(write_file: WriteFile) -> None:
    root = write_file("flask_app.py", APP.format(name="flask_app")).parent
    result = run_kolben(root, "routes", env={"FLASK_APP": "flask_app"})
    assert result.returncode == 0, result.stderr
    assert "/from-flask_app" in result.stdout
    assert notices(result.stderr) == [
        " * Using FLASK_APP as KOLBEN_APP: rename it to KOLBEN_APP to silence"
        " this notice."
    ]


def test_kolben_name_wins_over_flask_name(write_file: WriteFile) -> None:
    write_file("flask_app.py", APP.format(name="flask_app"))
    root = write_file("kolben_app.py", APP.format(name="kolben_app")).parent
    result = run_kolben(
        root, "routes", env={"FLASK_APP": "flask_app", "KOLBEN_APP": "kolben_app"}
    )
    assert result.returncode == 0, result.stderr
    assert "/from-kolben_app" in result.stdout
    assert "/from-flask_app" not in result.stdout
    # Nothing was read under a Flask name, so there is nothing to notice.
    assert notices(result.stderr) == []


def test_flask_app_in_dotenv_as_a_generated_flask_project_has_it(
    write_file: WriteFile,
) -> None:
    write_file("project/flask_app.py", APP.format(name="flask_app"))
    root = write_file("project/.env", "FLASK_APP=flask_app\nFLASK_DEBUG=1\n").parent
    result = run_kolben(root, "env", "KOLBEN_APP")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["debug=True", "KOLBEN_APP=flask_app"]
    assert len(notices(result.stderr)) == 2
    assert "FLASK_DEBUG as KOLBEN_DEBUG" in result.stderr


def test_flaskenv_is_read_after_kolbenenv_and_env(write_file: WriteFile) -> None:
    write_file("project/flask_app.py", APP.format(name="flask_app"))
    write_file("project/.flaskenv", "FLASK_APP=flask_app\nA=flaskenv\nB=flaskenv\n")
    write_file("project/.kolbenenv", "B=kolbenenv\nC=kolbenenv\n")
    root = write_file("project/.env", "C=env\n").parent
    result = run_kolben(root, "env", "A", "B", "C")
    assert result.returncode == 0, result.stderr
    expected = ["debug=False", "A=flaskenv", "B=kolbenenv", "C=env"]
    assert result.stdout.split() == expected
    assert notices(result.stderr) == [
        " * Using .flaskenv as .kolbenenv: rename it to .kolbenenv to silence"
        " this notice.",
        " * Using FLASK_APP as KOLBEN_APP: rename it to KOLBEN_APP to silence"
        " this notice.",
    ]


def test_help_lists_the_commands_of_an_app_named_in_flaskenv(
    write_file: WriteFile,
) -> None:
    write_file("project/flask_app.py", APP.format(name="flask_app"))
    root = write_file("project/.flaskenv", "FLASK_APP=flask_app\n").parent
    result = run_kolben(root, "--help")
    assert result.returncode == 0, result.stderr
    assert "\n  env\n" in result.stdout


@pytest.mark.parametrize("value", ["1", "true"])
def test_flask_skip_dotenv(write_file: WriteFile, value: str) -> None:
    write_file("project/flask_app.py", APP.format(name="flask_app"))
    root = write_file("project/.env", "SKIPPED=loaded\n").parent
    env = {"FLASK_APP": "flask_app", "FLASK_SKIP_DOTENV": value}
    result = run_kolben(root, "env", "SKIPPED", env=env)
    assert result.returncode == 0, result.stderr
    assert "SKIPPED=None" in result.stdout
    assert "FLASK_SKIP_DOTENV as KOLBEN_SKIP_DOTENV" in result.stderr


def test_flask_run_options(
    invoke: Invoke, write_file: WriteFile, monkeypatch: pytest.MonkeyPatch
) -> None:
    served: list[dict[str, Any]] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: served.append(kw))
    write_file("flask_app.py", APP.format(name="flask_app"))
    monkeypatch.setenv("FLASK_APP", "flask_app")
    monkeypatch.setenv("FLASK_RUN_PORT", "5123")
    monkeypatch.setenv("FLASK_RUN_HOST", "127.0.0.2")
    monkeypatch.setenv("KOLBEN_RUN_HOST", "127.0.0.3")
    result = invoke("run")
    assert result.exit_code == 0, result.output
    assert (served[0]["host"], served[0]["port"]) == ("127.0.0.3", 5123)
    assert "FLASK_RUN_PORT as KOLBEN_RUN_PORT" in result.output
    assert "FLASK_RUN_HOST" not in result.output


def test_flask_run_from_cli_is_not_taken_as_a_setting(
    isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The flask command sets it for itself; it says nothing about kolben.
    monkeypatch.setenv("FLASK_RUN_FROM_CLI", "true")
    env: dict[str, str] = {"FLASK_RUN_FROM_CLI": "true", "FLASK_RUN_PORT": "1"}
    _envvars.adopt_flask_names(env)
    assert env == {
        "FLASK_RUN_FROM_CLI": "true",
        "FLASK_RUN_PORT": "1",
        "KOLBEN_RUN_PORT": "1",
    }


def test_each_flask_name_is_noticed_once_per_process(
    isolated: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("FLASK_DEBUG", "1")
    assert get_debug_flag() is True
    assert get_debug_flag() is True
    assert capsys.readouterr().err == (
        " * Using FLASK_DEBUG as KOLBEN_DEBUG: rename it to KOLBEN_DEBUG to"
        " silence this notice.\n"
    )


@pytest.mark.parametrize(
    ("kolben", "flask", "expected"),
    [
        (None, None, False),
        (None, "1", True),
        (None, "no", False),
        ("0", "1", False),
        ("yes", "0", True),
        ("off", None, False),
    ],
)
def test_get_debug_flag_reads_kolben_then_flask(
    isolated: Path,
    monkeypatch: pytest.MonkeyPatch,
    kolben: str | None,
    flask: str | None,
    expected: bool,
) -> None:
    for name, value in (("KOLBEN_DEBUG", kolben), ("FLASK_DEBUG", flask)):
        if value is not None:
            monkeypatch.setenv(name, value)
    assert get_debug_flag() is expected


def test_get_load_dotenv_reads_kolben_then_flask(
    isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert get_load_dotenv() is True and get_load_dotenv(False) is False
    monkeypatch.setenv("FLASK_SKIP_DOTENV", "1")
    assert get_load_dotenv() is False
    monkeypatch.setenv("KOLBEN_SKIP_DOTENV", "0")
    assert get_load_dotenv(False) is True
