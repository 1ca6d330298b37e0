"""Fixtures of the migration tests: projects on disk, run by the real command.

A :class:`ShellProject` is a folder with an ``app.py`` and a ``models.py`` that
the tests rewrite between steps, on a SQLite file or in a fresh schema of
the PostgreSQL server named by ``KOLBEN_TEST_POSTGRES_URL`` (the PostgreSQL
runs skip, saying so, without it). ``ShellProject.run`` runs ``python -m
kolben.cli --app app ...`` in it, as a user's shell does, and
``ShellProject.inspect`` reads the schema the database really has.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from tests.db.conftest import pg_schema as pg_schema
from tests.db.conftest import postgres_url

#: The app module of every project: its database config is formatted in.
APP_SOURCE = """\
from kolben import Kolben
from kolben.migrate import Migrate

from models import db

app = Kolben(__name__)
app.config.update({config!r})
db.init_app(app)
Migrate(app, db)
"""


def kolben_env() -> dict[str, str]:
    """Return the environment of a ``kolben`` subprocess: no stray settings."""
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("KOLBEN_", "FLASK_"))
    }
    # A models.py rewritten within a second must not load from a stale .pyc.
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


class ShellProject:
    """A project folder with an app and its models, on one database.

    :param root: the folder.
    :param config: the app's database settings.
    :param engine: an engine on the same database, to inspect it.
    """

    def __init__(self, root: Path, config: dict[str, Any], engine: sa.Engine) -> None:
        self.root = root
        self.engine = engine
        self.write("app.py", APP_SOURCE.format(config=config))

    def write(self, name: str, source: str) -> Path:
        """Write the dedented ``source`` as the project's file ``name``."""
        path = self.root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(source), encoding="utf-8")
        return path

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        """Run ``kolben --app app ARGS`` in the project; fail on errors if ``check``."""
        result = subprocess.run(
            [sys.executable, "-m", "kolben.cli", "--app", "app", *args],
            cwd=self.root,
            env=kolben_env(),
            capture_output=True,
            text=True,
            timeout=120,
        )
        if check and result.returncode != 0:
            pytest.fail(
                f"kolben {' '.join(args)} exited {result.returncode}:\n"
                f"{result.stdout}\n{result.stderr}"
            )
        return result

    def revisions(self) -> list[Path]:
        """Return the revision files, oldest first."""
        files = (self.root / "migrations" / "versions").glob("*.py")
        return sorted(files, key=lambda p: p.stat().st_mtime_ns)

    def inspect(self) -> sa.Inspector:
        """Return an inspector of the database as it is now."""
        return sa.inspect(self.engine)

    def tables(self) -> set[str]:
        """Return the names of the database's tables."""
        return set(self.inspect().get_table_names())

    def columns(self, table: str) -> dict[str, Any]:
        """Return the type of each column of ``table``, by name."""
        return {c["name"]: c["type"] for c in self.inspect().get_columns(table)}

    def indexes(self, table: str) -> set[str]:
        """Return the names of the indexes of ``table``."""
        return {str(i["name"]) for i in self.inspect().get_indexes(table)}


@pytest.fixture(params=["sqlite", "postgresql"])
def shell_project(
    request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[ShellProject]:
    """A project on a SQLite file, or in a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        config: dict[str, Any] = {"SQLALCHEMY_DATABASE_URI": "sqlite:///app.sqlite"}
        engine = sa.create_engine(f"sqlite:///{tmp_path / 'instance' / 'app.sqlite'}")
    else:
        url = postgres_url()
        options = request.getfixturevalue("pg_schema")
        config = {"SQLALCHEMY_DATABASE_URI": url, "SQLALCHEMY_ENGINE_OPTIONS": options}
        engine = sa.create_engine(
            url.replace("postgresql://", "postgresql+psycopg://"), **options
        )
    try:
        yield ShellProject(tmp_path, config, engine)
    finally:
        engine.dispose()


@pytest.fixture(autouse=True)
def _restore_logging() -> Iterator[None]:
    """Undo what an in-process run of ``env.py`` does to logging.

    ``env.py`` configures logging from ``alembic.ini`` (a handler on the
    root logger, levels of Alembic's and SQLAlchemy's loggers), which would
    outlive the test.
    """
    root = logging.getLogger()
    names = (
        "sqlalchemy.engine",
        "alembic",
        "alembic.runtime.plugins",
        "kolben.migrate",
    )
    saved = [(logging.getLogger(n), logging.getLogger(n).level) for n in names]
    handlers, level = list(root.handlers), root.level
    yield
    for handler in root.handlers:
        if handler not in handlers:
            handler.close()
    root.handlers[:] = handlers
    root.setLevel(level)
    for logger, old in saved:
        logger.setLevel(old)
        logger.handlers.clear()
