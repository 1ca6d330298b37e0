"""Engines from the config: defaults, drivers, in-memory SQLite, failures."""

from __future__ import annotations

import asyncio
import logging
import socket
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from kolben import Kolben
from kolben.db import DatabaseUnavailable, SQLAlchemy

from .conftest import dispose, make_app, postgres_url


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_no_database_configured_means_sqlite_in_the_instance_folder(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    db = SQLAlchemy()
    app = make_app(tmp_path)
    with caplog.at_level(logging.INFO):
        db.init_app(app)
    assert "using SQLite at kolben_db_tests.sqlite" in caplog.text
    with app.app_context():
        assert db.engine.url.database == str(
            tmp_path / "instance" / "kolben_db_tests.sqlite"
        )
        db.session.execute(sa.text("select 1"))
    assert (tmp_path / "instance" / "kolben_db_tests.sqlite").exists()
    dispose(db, app)


def test_an_app_is_bound_once_and_must_be_bound(tmp_path: Path) -> None:
    db = SQLAlchemy()
    app = make_app(tmp_path, SQLALCHEMY_DATABASE_URI="sqlite://")
    db.init_app(app)
    with pytest.raises(RuntimeError, match="already been registered"):
        SQLAlchemy().init_app(app)
    other = make_app(tmp_path)
    with other.app_context(), pytest.raises(RuntimeError, match="init_app"):
        db.engine  # noqa: B018
    with pytest.raises(RuntimeError, match="outside of application context"):
        db.session()
    assert repr(db) == "<SQLAlchemy>"
    with app.app_context():
        assert repr(db).startswith("<SQLAlchemy sqlite+pysqlite:///file:kolben-memory")
    dispose(db, app)


def test_in_memory_sqlite_is_one_database_for_threads_and_async(
    tmp_path: Path,
) -> None:
    db = SQLAlchemy()

    class Item(db.Model):  # type: ignore[name-defined,misc]
        id: Mapped[int] = mapped_column(primary_key=True)

    app = make_app(tmp_path, SQLALCHEMY_DATABASE_URI="sqlite://")
    db.init_app(app)
    with app.app_context():
        db.create_all()
        db.session.add(Item(id=1))
        db.session.commit()

    seen: list[int | None] = []

    def in_thread() -> None:
        with app.app_context():
            seen.append(db.session.scalar(sa.select(Item.id)))

    thread = threading.Thread(target=in_thread)
    thread.start()
    thread.join()

    async def in_loop() -> int | None:
        with app.app_context():
            value = await db.async_session.scalar(sa.select(Item.id))
            await db.async_session.close()
            await db.adispose()
            return value

    seen.append(asyncio.run(in_loop()))
    assert seen == [1, 1]
    dispose(db, app)


def test_adispose_waits_for_the_sessions_teardown_is_closing(tmp_path: Path) -> None:
    from kolben._concurrency import _worker_loop

    db = SQLAlchemy()
    app = make_app(tmp_path, SQLALCHEMY_DATABASE_URI="sqlite:///items.db")
    db.init_app(app)

    @app.get("/answer")
    async def answer() -> dict[str, int]:
        return {"answer": await db.async_session.scalar(sa.text("select 42"))}

    client = app.test_client(protocol="asgi")
    assert client.get("/answer").json == {"answer": 42}
    loop = _worker_loop.get()
    engine = db._app_async_engines[app][loop][None]
    used: set[int] = set()
    closed: set[int] = set()
    sa.event.listen(engine.sync_engine, "checkout", lambda c, r, p: used.add(id(c)))
    sa.event.listen(engine.sync_engine.pool, "close", lambda c, r: closed.add(id(c)))
    # Under ASGI the app context is popped on the loop, so teardown can only
    # start the session's close there, as a task; adispose() right after the
    # response must still close the connection that session held.
    assert client.get("/answer").json == {"answer": 42}
    with app.app_context():
        asyncio.run_coroutine_threadsafe(db.adispose(), loop).result()
    assert used and used <= closed
    assert db._closing == set()
    dispose(db, app)


def test_postgresql_urls_use_psycopg_unless_they_name_asyncpg(
    tmp_path: Path,
) -> None:
    url = postgres_url()
    db = SQLAlchemy()
    app = make_app(
        tmp_path,
        SQLALCHEMY_DATABASE_URI=url,
        SQLALCHEMY_BINDS={"fast": url.replace("postgresql:", "postgresql+asyncpg:")},
    )
    db.init_app(app)

    async def check() -> list[str]:
        with app.app_context():
            engines = db._async_engines()
            value = await db.async_session.scalar(sa.text("select 41 + 1"))
            assert value == 42
            await db.async_session.close()
            await db.adispose()
            return [engines[None].url.drivername, engines["fast"].url.drivername]

    with app.app_context():
        assert db.engine.url.drivername == "postgresql+psycopg"
        assert db.engines["fast"].url.drivername == "postgresql+psycopg"
        # Idle connections are checked by kolben, not on every checkout.
        assert not db.engine.pool._pre_ping
        assert db.engine.pool.dispatch.checkout
        assert not db.engine.pool.dispatch.checkin
    assert asyncio.run(check()) == ["postgresql+psycopg", "postgresql+asyncpg"]
    dispose(db, app)


def _unavailable_app(tmp_path: Path, uri: str) -> Kolben:
    db = SQLAlchemy()
    app = make_app(tmp_path, SQLALCHEMY_DATABASE_URI=uri, PROPAGATE_EXCEPTIONS=False)
    db.init_app(app)

    @app.get("/sync")
    def sync_view() -> Any:
        return {"n": db.session.scalar(sa.text("select 1"))}

    @app.get("/async")
    async def async_view() -> Any:
        return {"n": await db.async_session.scalar(sa.text("select 1"))}

    @app.get("/missing-table")
    def missing_table() -> Any:
        return {"n": db.session.scalar(sa.text("select * from nowhere"))}

    return app


@pytest.mark.parametrize("path", ["/sync", "/async"])
def test_a_database_that_cannot_be_reached_is_a_503(
    tmp_path: Path, protocol: str, path: str
) -> None:
    uri = f"postgresql://postgres@127.0.0.1:{_closed_port()}/test"
    client = _unavailable_app(tmp_path, uri).test_client(protocol=protocol)
    r = client.get(path)
    assert r.status_code == 503
    assert "The database is unavailable" in r.text


def test_a_sqlite_file_that_cannot_be_opened_is_a_503(
    tmp_path: Path, protocol: str
) -> None:
    uri = f"sqlite:///{tmp_path}/no/such/dir/app.sqlite"
    client = _unavailable_app(tmp_path, uri).test_client(protocol=protocol)
    assert client.get("/sync").status_code == 503


def test_other_operational_errors_stay_errors(tmp_path: Path) -> None:
    app = _unavailable_app(tmp_path, f"sqlite:///{tmp_path}/ok.sqlite")
    app.config["PROPAGATE_EXCEPTIONS"] = True
    client = app.test_client()
    with pytest.raises(sa.exc.OperationalError, match="no such table") as info:
        client.get("/missing-table")
    assert not isinstance(info.value, DatabaseUnavailable)


def test_an_apps_own_handler_wins(tmp_path: Path) -> None:
    db = SQLAlchemy()
    app = make_app(tmp_path, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/x/y/z")

    @app.errorhandler(DatabaseUnavailable)
    def down(e: Exception) -> Any:
        return {"error": "down"}, 503

    db.init_app(app)

    @app.get("/")
    def view() -> Any:
        return {"n": db.session.scalar(sa.text("select 1"))}

    assert app.test_client().get("/").json == {"error": "down"}


def test_kolben_alone_imports_no_sqlalchemy() -> None:
    code = "import kolben, sys; print('sqlalchemy' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "False"


def test_without_sqlalchemy_the_error_names_the_extra() -> None:
    code = (
        "import sys; sys.modules['sqlalchemy'] = None\n"
        "import importlib.util\n"
        "real = importlib.util.find_spec\n"
        "importlib.util.find_spec = lambda n, *a: None if n == 'sqlalchemy'"
        " else real(n, *a)\n"
        "import kolben.db"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 1
    assert "kolben.db needs SQLAlchemy: install it with 'pip install kolben[db]'" in (
        out.stderr
    )


def test_a_missing_async_driver_names_the_extra(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "aiosqlite", None)
    db = SQLAlchemy()
    app = make_app(tmp_path, SQLALCHEMY_DATABASE_URI="sqlite://")
    db.init_app(app)

    async def use() -> None:
        with app.app_context():
            db.async_session  # noqa: B018

    with pytest.raises(ImportError, match=r"pip install kolben\[sqlite-async\]"):
        asyncio.run(use())
    dispose(db, app)


def test_async_session_outside_a_loop_says_what_to_use(tmp_path: Path) -> None:
    db = SQLAlchemy()
    app = make_app(tmp_path, SQLALCHEMY_DATABASE_URI="sqlite://")
    db.init_app(app)
    with app.app_context(), pytest.raises(RuntimeError, match="Sync views use"):
        db.async_session  # noqa: B018
    dispose(db, app)


def test_engine_options_come_from_config_and_arguments(tmp_path: Path) -> None:
    db = SQLAlchemy(engine_options={"pool_size": 3, "pool_timeout": 5})
    app = make_app(
        tmp_path,
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/a.sqlite",
        SQLALCHEMY_ENGINE_OPTIONS={"pool_size": 4},
        SQLALCHEMY_ECHO=True,
    )
    db.init_app(app)
    with app.app_context():
        assert db.engine.pool.size() == 4  # type: ignore[attr-defined]
        assert db.engine.echo is True
        assert db.engine.pool._timeout == 5  # type: ignore[attr-defined]
    dispose(db, app)


def test_http_errors_can_be_turned_off(tmp_path: Path) -> None:
    db = SQLAlchemy()
    app = make_app(
        tmp_path,
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/x/y/z",
        SQLALCHEMY_HTTP_ERRORS=False,
        PROPAGATE_EXCEPTIONS=False,
    )
    db.init_app(app)

    @app.get("/")
    def view() -> Any:
        return {"n": db.session.scalar(sa.text("select 1"))}

    assert app.test_client().get("/").status_code == 500


def test_idle_connections_are_checked_and_replaced_when_dead(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import kolben.db._engines as engines

    url = postgres_url()
    db = SQLAlchemy()
    app = make_app(tmp_path, SQLALCHEMY_DATABASE_URI=url)
    db.init_app(app)
    pings: list[int] = []
    with app.app_context():
        dialect = db.engine.dialect
        real_ping = dialect.do_ping

        def counted(conn: Any) -> bool:
            pings.append(1)
            return real_ping(conn)

        monkeypatch.setattr(dialect, "do_ping", counted)
        pid = db.session.scalar(sa.text("select pg_backend_pid()"))
    # In steady use: no ping.
    with app.app_context():
        assert db.session.scalar(sa.text("select pg_backend_pid()")) == pid
    assert pings == []
    # The server ends the pooled connection while it is idle.
    killer = sa.create_engine(url.replace("postgresql:", "postgresql+psycopg:"))
    with killer.begin() as conn:
        conn.execute(sa.text("select pg_terminate_backend(:pid)"), {"pid": pid})
    killer.dispose()
    monkeypatch.setattr(engines, "PING_AFTER_IDLE", 0.0)
    with app.app_context():
        # The check finds it dead; the request gets a fresh one, no error.
        assert db.session.scalar(sa.text("select pg_backend_pid()")) != pid
    assert pings == [1]
    dispose(db, app)
