"""Fixtures of the data battery's tests: an app on SQLite or PostgreSQL.

``database`` runs a test on a SQLite file and on the PostgreSQL server named
by ``KOLBEN_TEST_POSTGRES_URL`` (which ``.ci/run`` sets), in a schema of its
own that is dropped afterwards; without the variable the PostgreSQL runs
skip, saying so.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from kolben import Kolben

POSTGRES_URL = os.environ.get("KOLBEN_TEST_POSTGRES_URL")
NO_POSTGRES = (
    "KOLBEN_TEST_POSTGRES_URL is not set: these tests need a PostgreSQL server"
    " (.ci/run sets it to the local one)"
)


def postgres_url() -> str:
    """The PostgreSQL server's URL, or skip the test."""
    if not POSTGRES_URL:
        pytest.skip(NO_POSTGRES)
    return POSTGRES_URL


@pytest.fixture
def pg_schema() -> Iterator[dict[str, Any]]:
    """A fresh PostgreSQL schema; yields the engine options that select it."""
    yield from fresh_schema()


def fresh_schema() -> Iterator[dict[str, Any]]:
    """Make a schema of its own for a test (several runs share the server)."""
    url = postgres_url()
    name = f"kolben_test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    with admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{name}"'))
    try:
        yield {"connect_args": {"options": f"-csearch_path={name}"}}
    finally:
        with admin.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{name}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> dict[str, Any]:
    """The config of a database for the test: a SQLite file, or PostgreSQL."""
    if request.param == "sqlite":
        return {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'app.sqlite'}"}
    options = request.getfixturevalue("pg_schema")
    return {
        "SQLALCHEMY_DATABASE_URI": postgres_url(),
        "SQLALCHEMY_ENGINE_OPTIONS": options,
    }


def make_app(tmp_path: Path, **config: Any) -> Kolben:
    """An app in testing mode whose instance folder is under ``tmp_path``."""
    app = Kolben("kolben_db_tests", instance_path=str(tmp_path / "instance"))
    app.config.from_mapping(TESTING=True, SECRET_KEY="test secret", **config)
    return app


def dispose(db: Any, app: Kolben) -> None:
    """Close every connection ``db`` holds for ``app``, sync and async."""
    import asyncio

    for engine in db._app_engines.get(app, {}).values():
        engine.dispose()
    for loop, engines in list(db._app_async_engines.get(app, {}).items()):
        if loop.is_running():
            # db.adispose() on the loop: it waits for the session closes
            # that teardown left as tasks there, then closes the pool.
            with app.app_context():
                asyncio.run_coroutine_threadsafe(db.adispose(), loop).result()
            continue
        for engine in engines.values():
            if not loop.is_closed():
                loop.run_until_complete(engine.dispose())
