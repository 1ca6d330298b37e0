"""Flask-Migrate: ``flask db init/migrate/upgrade`` through kolben's CLI runner."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy

from .support import client, kolben_app


def make_app(tmp_path: Path) -> tuple[Flask, SQLAlchemy]:
    app = Flask(__name__)
    app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{tmp_path / 'app.db'}"
    db = SQLAlchemy(app)

    class Author(db.Model):  # type: ignore[name-defined]
        id = db.Column(db.Integer, primary_key=True)
        name = db.Column(db.String(50))

    Migrate(app, db, directory=str(tmp_path / "migrations"))

    @app.get("/authors")
    def authors() -> Any:
        return {"count": db.session.query(Author).count()}

    return app, db


# Flask-Migrate's env.py template tries Flask-SQLAlchemy 2's get_engine()
# first, which Flask-SQLAlchemy 3.1 deprecates; the same happens on Flask.
@pytest.mark.filterwarnings("ignore:'get_engine' is deprecated:DeprecationWarning")
def test_init_migrate_upgrade(tmp_path: Path, protocol: str) -> None:
    app, _ = make_app(tmp_path)
    runner = kolben_app(app).test_cli_runner()
    for args in (["db", "init"], ["db", "migrate", "-m", "authors"], ["db", "upgrade"]):
        result = runner.invoke(args=args)
        assert result.exit_code == 0, result.output
    versions = list((tmp_path / "migrations" / "versions").glob("*_authors.py"))
    assert len(versions) == 1
    tables = sqlite3.connect(tmp_path / "app.db").execute(
        "select name from sqlite_master where type = 'table'"
    )
    assert {"author", "alembic_version"} <= {name for (name,) in tables}
    assert client(app, protocol).get("/authors").get_json() == {"count": 0}
