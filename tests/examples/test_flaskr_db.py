"""Flaskr's database: the per-context connection, init-db, configuration."""

from __future__ import annotations

import functools
import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from kolben import Kolben
from tests.examples.conftest import FLASKR


def test_connection_is_shared_within_a_context_and_closed_after(
    app: Kolben, flaskr: ModuleType
) -> None:
    with app.app_context():
        db = flaskr.db.get_db()
        assert flaskr.db.get_db() is db
        assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    with pytest.raises(sqlite3.ProgrammingError, match="closed"):
        db.execute("SELECT 1")


def test_connection_is_closed_after_a_request(
    app: Kolben, flaskr: ModuleType, protocol: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Under ASGI the request runs on a pool thread; a connection that may be
    # used across threads lets this test, on its own thread, see it closed.
    connect = functools.partial(sqlite3.connect, check_same_thread=False)
    monkeypatch.setattr(flaskr.db.sqlite3, "connect", connect)
    opened: list[sqlite3.Connection] = []

    @app.get("/probe")
    def probe() -> str:
        opened.append(flaskr.db.get_db())
        return "ok"

    assert app.test_client(protocol=protocol).get("/probe").text == "ok"
    with pytest.raises(sqlite3.ProgrammingError, match="closed"):
        opened[0].execute("SELECT 1")


def test_init_db_command_recreates_the_tables(app: Kolben, flaskr: ModuleType) -> None:
    result = app.test_cli_runner().invoke(args=["init-db"])
    assert result.exit_code == 0, result.output
    assert "Initialized the database." in result.output
    with app.app_context():
        db = flaskr.db.get_db()
        assert db.execute("SELECT COUNT(*) FROM post").fetchone()[0] == 0
        assert db.execute("SELECT COUNT(*) FROM user").fetchone()[0] == 0


def test_config_is_instance_relative_and_read_from_the_environment(
    flaskr: ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    database = tmp_path / "made" / "flaskr.sqlite"
    monkeypatch.setenv("KOLBEN_DATABASE", str(database))
    monkeypatch.setenv("KOLBEN_SECRET_KEY", "from the environment")
    app: Kolben = flaskr.create_app()
    assert not app.testing
    assert app.config["DATABASE"] == str(database)
    assert app.secret_key == "from the environment"
    assert app.instance_path == str(FLASKR.parent / "instance")
    assert app.config.root_path == app.instance_path
    # The database's folder exists, ready for init-db.
    assert database.parent.is_dir()


def test_test_config_overrides_the_defaults(flaskr: ModuleType, tmp_path: Path) -> None:
    app: Kolben = flaskr.create_app(
        {"TESTING": True, "DATABASE": str(tmp_path / "db.sqlite")}
    )
    assert app.testing
    assert app.config["SECRET_KEY"] == "dev"


def test_kolben_command_runs_init_db(tmp_path: Path) -> None:
    database = tmp_path / "flaskr.sqlite"
    env = {k: v for k, v in os.environ.items() if not k.startswith("KOLBEN_")}
    env.update(KOLBEN_DATABASE=str(database), PYTHONDONTWRITEBYTECODE="1")
    result = subprocess.run(
        [sys.executable, "-m", "kolben.cli", "--app", "examples/flaskr", "init-db"],
        cwd=FLASKR.parent.parent,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "Initialized the database." in result.stdout
    with sqlite3.connect(database) as db:
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master")}
    db.close()
    assert {"user", "post"} <= tables
