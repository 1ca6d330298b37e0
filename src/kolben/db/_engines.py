"""Engine options from the app's config: drivers, paths, pools, async URLs.

The rules, beyond SQLAlchemy's own defaults:

- A SQLite path that is relative is relative to the app's instance folder,
  which is created. In-memory SQLite is one database for every thread (a
  single connection, ``StaticPool``, shared across threads), as in
  Flask-SQLAlchemy, and the async engine sees the same database: both open
  a named in-memory database in SQLite's shared cache.
- A bare ``postgresql://`` URL means psycopg 3, which serves the sync and
  the async engine alike; asyncpg only when the URL names it (then the sync
  engine uses psycopg). MySQL gets ``utf8mb4`` and connections recycled
  after two hours, as in Flask-SQLAlchemy.
- Pools check a connection last handed out a second or more ago (so any
  that sat idle that long) before handing it out again, and reconnect when
  the check fails, so a database restart costs no failed request; a
  connection in steady use is not checked, which would cost a round trip
  per request (SQLAlchemy's ``pool_pre_ping``, which checks every time, is
  what ``pool_pre_ping=True`` still asks for). Sizes are SQLAlchemy's (5
  connections kept, 10 more on demand, per engine and process);
  ``SQLALCHEMY_ENGINE_OPTIONS`` overrides any of this.
"""

from __future__ import annotations

import functools
import itertools
import os
import time
import typing as t

import sqlalchemy as sa
import sqlalchemy.event as sa_event
import sqlalchemy.exc as sa_exc
import sqlalchemy.pool as sa_pool

if t.TYPE_CHECKING:
    from ..app import Kolben

#: The driver each backend's async engine uses when the URL names none.
_ASYNC_DRIVERS = {
    "sqlite": "aiosqlite",
    "postgresql": "psycopg",
    "mysql": "aiomysql",
    "mariadb": "aiomysql",
}
#: Drivers that are async only, and the sync driver used beside them.
_SYNC_FOR_ASYNC = {
    "aiosqlite": "pysqlite",
    "asyncpg": "psycopg",
    "psycopg_async": "psycopg",
    "aiomysql": "pymysql",
    "asyncmy": "pymysql",
}
#: The extra that installs each async driver.
_ASYNC_EXTRAS = {"aiosqlite": "sqlite-async", "psycopg": "postgres"}

_memory_names = itertools.count(1)


class DatabaseUnavailable(sa_exc.OperationalError):
    """The database could not be reached: kolben answers it with a 503.

    Raised in place of the driver's error when a connection cannot be made
    (the server is down, refuses, or the file cannot be opened). Errors on a
    connection that was made (a missing table, a lock, a deadlock, a
    timeout) keep their own classes. A subclass of SQLAlchemy's
    ``OperationalError``, so ``except OperationalError`` still catches it.
    """


def _on_error(context: sa.engine.ExceptionContext) -> BaseException | None:
    # A failure inside connect() reaches handle_error with no connection.
    if context.connection is not None or context.is_pre_ping:
        return None
    error = context.sqlalchemy_exception
    if not isinstance(error, sa_exc.OperationalError | sa_exc.InterfaceError):
        return None
    return DatabaseUnavailable(
        None,
        None,
        context.original_exception,
        hide_parameters=True,
        connection_invalidated=context.is_disconnect,
    )


def watch_connect_failures(engine: sa.Engine) -> None:
    """Make ``engine`` raise :class:`DatabaseUnavailable` when it cannot connect.

    Also check idle connections before use (:data:`PING_AFTER_IDLE`), unless
    the engine pings every checkout already or is SQLite's.
    """
    sa_event.listen(engine, "handle_error", _on_error, retval=True)
    if engine.dialect.name != "sqlite" and not engine.pool._pre_ping:
        ping = functools.partial(_ping_if_idle, engine.dialect)
        sa_event.listen(engine, "checkout", ping)


#: Seconds after a pooled connection's last checkout from which its next
#: checkout checks it. PERF: a connection in steady use skips the check, a
#: round trip that was 8 to 14% of an ORM request in-process.
PING_AFTER_IDLE = 1.0


def _ping_if_idle(
    dialect: sa.Dialect, dbapi_connection: t.Any, record: t.Any, proxy: t.Any
) -> None:
    # PERF: timed from the last checkout, not the last checkin: one pool
    # event per request instead of two. A connection that sat idle for
    # PING_AFTER_IDLE was last checked out at least that long ago, so it is
    # always checked; a request that held its connection that long makes the
    # next one check it too, one ping more, which costs nothing noticeable.
    now = time.monotonic()
    info = record.info
    since = info.get("kolben.checked_out_at")
    info["kolben.checked_out_at"] = now
    if since is None or now - since < PING_AFTER_IDLE:
        return
    try:
        alive = dialect.do_ping(dbapi_connection)
    except Exception as e:
        raise sa_exc.DisconnectionError(str(e)) from e
    if alive is False:
        # The pool drops this connection and checks out another.
        raise sa_exc.DisconnectionError("the connection did not answer a ping")


def apply_driver_defaults(options: dict[str, t.Any], app: Kolben) -> dict[str, t.Any]:
    """Set kolben's defaults in ``options``; return the async engine's options."""
    url = sa.engine.make_url(options["url"])
    backend, driver = url.get_backend_name(), url.get_driver_name()
    sync_driver = _SYNC_FOR_ASYNC.get(driver, driver)
    if backend == "postgresql" and url.drivername == "postgresql":
        sync_driver = "psycopg"
    async_driver = driver if driver in _SYNC_FOR_ASYNC else _async_driver(url)
    # Taken before the SQLite defaults: StaticPool is for the sync engine.
    async_options = dict(options)
    if backend == "sqlite":
        url = _sqlite_defaults(url, options, app)
    else:
        if backend in ("mysql", "mariadb"):
            if "charset" not in url.query:
                url = url.update_query_dict({"charset": "utf8mb4"})
            options.setdefault("pool_recycle", 7200)
        async_options.setdefault("pool_recycle", options.get("pool_recycle", -1))
    options["url"] = url.set(drivername=f"{backend}+{sync_driver}")
    async_options["url"] = url.set(drivername=f"{backend}+{async_driver}")
    return async_options


def _async_driver(url: sa.URL) -> str:
    if url.get_driver_name() == "psycopg":
        return "psycopg"
    return _ASYNC_DRIVERS.get(url.get_backend_name(), url.get_driver_name())


def _sqlite_defaults(url: sa.URL, options: dict[str, t.Any], app: Kolben) -> sa.URL:
    database = url.database
    if database is None or database in ("", ":memory:"):
        # One in-memory database that the sync engine's threads and the
        # async engine all see: a named database in SQLite's shared cache,
        # kept alive by the sync engine's single connection.
        url = url.set(
            database=f"file:kolben-memory-{next(_memory_names)}",
            query={"mode": "memory", "cache": "shared", "uri": "true"},
        )
        options.setdefault("poolclass", sa_pool.StaticPool)
        connect_args = options.setdefault("connect_args", {})
        connect_args.setdefault("check_same_thread", False)
        return url
    if url.query.get("mode") == "memory":
        return url
    is_uri = url.query.get("uri", "false") == "true" and database.startswith("file:")
    path = database[5:] if is_uri else database
    if not os.path.isabs(path):
        os.makedirs(app.instance_path, exist_ok=True)
        path = os.path.join(app.instance_path, path)
        url = url.set(database=f"file:{path}" if is_uri else path)
    return url


def async_driver_missing(url: sa.URL) -> ImportError:
    """Return the error for an async engine whose driver is not installed."""
    driver = url.get_driver_name()
    extra = _ASYNC_EXTRAS.get(driver)
    hint = f"'pip install kolben[{extra}]'" if extra else f"the '{driver}' package"
    return ImportError(
        f"db.async_session needs the async driver '{driver}' for"
        f" {url.get_backend_name()}: install it with {hint}."
    )


def describe(url: sa.URL) -> str:
    """Return ``url`` without its password, for messages and logs."""
    return url.render_as_string(hide_password=True)


def key_out_of_range(entity: t.Any, ident: t.Any, bind: t.Any) -> bool:
    """Return whether no row of ``entity`` can have primary key ``ident``.

    SECURITY: an integer key past its column's range (``/users/99999999999``
    through an ``int`` converter) is not an error the client may cause: the
    database refuses to compare it (SQLite's driver raises OverflowError,
    PostgreSQL "integer out of range"), where the answer is simply "no such
    row", a 404.
    """
    idents = ident if isinstance(ident, tuple | list) else (ident,)
    try:
        columns = sa.inspect(entity).primary_key
    except sa_exc.NoInspectionAvailable:
        return False
    sqlite = getattr(getattr(bind, "dialect", None), "name", "") == "sqlite"
    for column, value in zip(columns, idents, strict=False):
        if type(value) is not int or not isinstance(column.type, sa.Integer):
            continue
        if sqlite or isinstance(column.type, sa.BigInteger):
            bits = 63
        elif isinstance(column.type, sa.SmallInteger):
            bits = 15
        else:
            bits = 31
        if not -(2**bits) <= value < 2**bits:
            return True
    return False
