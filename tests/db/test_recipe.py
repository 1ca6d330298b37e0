"""The test recipes of docs/db.md.

On PostgreSQL, each test runs in a transaction rolled back at its end; on
SQLite, whose Python driver cannot nest a test's commits in an outer
transaction, each test gets a fresh in-memory database. The fixtures below
are the recipes as the docs give them; the tests show that what one test's
requests commit is gone for the next.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from kolben import Kolben, request
from kolben.testing import KolbenClient

from .conftest import dispose, fresh_schema, make_app, postgres_url
from .models import User, db


def _routes(app: Kolben) -> Kolben:
    @app.post("/users")
    def create() -> Any:
        db.session.add(User(username=request.get_json()["username"]))
        db.session.commit()
        return {"n": db.session.scalar(sa.select(sa.func.count()).select_from(User))}

    return app


# --- PostgreSQL: one transaction per test ---------------------------------------
@pytest.fixture(scope="module")
def pg_options() -> Iterator[dict[str, Any]]:
    """A schema of the module's own: other runs may share the server."""
    yield from fresh_schema()


@pytest.fixture(scope="module")
def pg_app(
    tmp_path_factory: pytest.TempPathFactory, pg_options: dict[str, Any]
) -> Iterator[Kolben]:
    app = make_app(
        tmp_path_factory.mktemp("recipe"),
        SQLALCHEMY_DATABASE_URI=postgres_url(),
        SQLALCHEMY_ENGINE_OPTIONS=pg_options,
    )
    db.init_app(app)
    with app.app_context():
        db.create_all()
    yield _routes(app)
    with app.app_context():
        db.drop_all()
    dispose(db, app)


@pytest.fixture
def pg_client(pg_app: Kolben, protocol: str) -> Iterator[KolbenClient]:
    """Every session of the test joins one transaction, rolled back after."""
    with pg_app.app_context():
        connection = db.engine.connect()
        transaction = connection.begin()
        # A commit in a view releases a savepoint; nothing is really committed.
        db.session.remove()
        db.session.configure(bind=connection, join_transaction_mode="create_savepoint")
        try:
            yield pg_app.test_client(protocol=protocol)
        finally:
            db.session.remove()
            db.session.configure(
                bind=None, join_transaction_mode="conditional_savepoint"
            )
            transaction.rollback()
            connection.close()


@pytest.mark.parametrize("name", ["first", "second"])
def test_postgresql_each_test_starts_empty(pg_client: KolbenClient, name: str) -> None:
    assert pg_client.post("/users", json={"username": name}).json == {"n": 1}
    assert pg_client.post("/users", json={"username": name + "2"}).json == {"n": 2}


def test_postgresql_nothing_was_committed(pg_app: Kolben) -> None:
    with pg_app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0


# --- SQLite: a fresh in-memory database per test ---------------------------------
@pytest.fixture
def sqlite_client(tmp_path: Path, protocol: str) -> Iterator[KolbenClient]:
    """A new in-memory database for each test: made, filled, thrown away."""
    app = _routes(make_app(tmp_path, SQLALCHEMY_DATABASE_URI="sqlite://"))
    db.init_app(app)
    with app.app_context():
        db.create_all()
    yield app.test_client(protocol=protocol)
    dispose(db, app)


@pytest.mark.parametrize("name", ["first", "second"])
def test_sqlite_each_test_starts_empty(sqlite_client: KolbenClient, name: str) -> None:
    assert sqlite_client.post("/users", json={"username": name}).json == {"n": 1}
