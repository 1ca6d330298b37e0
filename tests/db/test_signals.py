"""Recorded queries, commit signals and the shell: the extension's extras."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from kolben import Kolben
from kolben.db.record_queries import get_recorded_queries
from kolben.db.track_modifications import before_models_committed, models_committed

from .conftest import dispose
from .models import User, db


@pytest.fixture
def app(tmp_path: Path) -> Any:
    # Named after this module: recorded queries name the app's own code.
    app = Kolben(__name__, instance_path=str(tmp_path))
    app.config.update(
        TESTING=True,
        SQLALCHEMY_DATABASE_URI="sqlite://",
        SQLALCHEMY_RECORD_QUERIES=True,
        SQLALCHEMY_TRACK_MODIFICATIONS=True,
    )
    db.init_app(app)
    with app.app_context():
        db.create_all()
    yield app
    dispose(db, app)


def test_queries_are_recorded_with_where_they_came_from(
    app: Kolben, protocol: str
) -> None:
    seen: dict[str, Any] = {}

    @app.get("/")
    def view() -> Any:
        db.session.scalar(sa.select(User).where(User.username == "x"))
        seen["queries"] = get_recorded_queries()
        return "ok"

    app.test_client(protocol=protocol).get("/")
    (query,) = seen["queries"]
    assert query.statement.startswith("SELECT user.id")
    assert query.parameters == [("x",)]
    assert query.duration >= 0
    line = view.__code__.co_firstlineno + 2
    assert query.location == f"{__file__}:{line} (view)"


def test_queries_are_recorded_in_async_views(app: Kolben, protocol: str) -> None:
    @app.get("/")
    async def view() -> Any:
        await db.async_session.scalar(sa.select(User.id))
        return {"n": len(get_recorded_queries())}

    assert app.test_client(protocol=protocol).get("/").json == {"n": 1}


def test_no_recording_outside_an_app_context(app: Kolben) -> None:
    with app.app_context():
        engine = db.engine
    with engine.connect() as conn:
        conn.execute(sa.text("select 1"))
    with app.app_context():
        assert get_recorded_queries() == []


def test_commit_signals_name_each_change(app: Kolben) -> None:
    events: list[tuple[str, list[tuple[str, str]]]] = []

    def record(kind: str) -> Any:
        def receiver(sender: Kolben, changes: list[tuple[Any, str]]) -> None:
            assert sender is app
            events.append((kind, sorted((m.username, op) for m, op in changes)))

        return receiver

    before = record("before")
    after = record("after")
    before_models_committed.connect(before, app)
    models_committed.connect(after, app)
    try:
        with app.app_context():
            ann, bob = User(username="ann"), User(username="bob")
            db.session.add_all([ann, bob])
            db.session.commit()
            ann.username = "anne"
            db.session.delete(bob)
            db.session.commit()
            db.session.add(User(username="gone"))
            db.session.flush()
            db.session.rollback()
            db.session.commit()
    finally:
        before_models_committed.disconnect(before)
        models_committed.disconnect(after)
    assert events == [
        ("before", [("ann", "insert"), ("bob", "insert")]),
        ("after", [("ann", "insert"), ("bob", "insert")]),
        ("before", [("anne", "update"), ("bob", "delete")]),
        ("after", [("anne", "update"), ("bob", "delete")]),
    ]


def test_models_are_in_the_shell(app: Kolben) -> None:
    with app.app_context():
        context = app.make_shell_context()
    assert context["db"] is db
    assert context["User"] is User
