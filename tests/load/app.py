"""The kolben app that the load tests serve with uvicorn and gunicorn.

Its writes go to a SQLite file and to a PostgreSQL table through the standard
drivers, on a connection opened for the request and closed in teardown, so a
request whose teardown never ran leaves a connection the tests can see.
``/_stats`` reports the worker's memory; it exists in this test app only.
"""

from __future__ import annotations

import ctypes
import gc
import hashlib
import os
import sqlite3
import tempfile
import threading
import time
import tracemalloc
from collections.abc import Iterator
from typing import Any

import psycopg

from kolben import Kolben, Response, abort, g, jsonify, request, stream_with_context

#: The environment the test sets for the server process.
SQLITE_ENV = "KOLBEN_LOAD_SQLITE"
POSTGRES_ENV = "KOLBEN_LOAD_POSTGRES_URL"
TABLE_ENV = "KOLBEN_LOAD_TABLE"
TRACEMALLOC_ENV = "KOLBEN_LOAD_TRACEMALLOC"

#: The PostgreSQL server is shared: the app never holds more connections.
POSTGRES_CONNECTIONS = 8
#: Seconds a request waits for a database before it answers 503.
DB_TIMEOUT = 10.0

# Started at import, before the app allocates anything, so that a snapshot
# sees every allocation the requests make.
if os.environ.get(TRACEMALLOC_ENV):
    tracemalloc.start()

_postgres_slots = threading.BoundedSemaphore(POSTGRES_CONNECTIONS)
_baseline: list[tracemalloc.Snapshot] = []


def application_name(table: str) -> str:
    """Return the ``application_name`` the app's PostgreSQL connections carry.

    :param table: the run's table name, unique to the run.
    """
    return f"kolben-load-{table}"


def _sqlite() -> sqlite3.Connection:
    conn: sqlite3.Connection | None = g.get("sqlite")
    if conn is None:
        # The steps of a streamed body may run on other threads of the ASGI
        # pool than the view did; the connection is never used by two at once.
        conn = sqlite3.connect(
            os.environ[SQLITE_ENV], timeout=DB_TIMEOUT, check_same_thread=False
        )
        # WAL with NORMAL syncing survives a crash of the server process,
        # which is what the tests check; only power loss could undo a commit.
        conn.execute("PRAGMA synchronous=NORMAL")
        g.sqlite = conn
    return conn


def _postgres() -> psycopg.Connection[Any]:
    conn: psycopg.Connection[Any] | None = g.get("postgres")
    if conn is None:
        if not _postgres_slots.acquire(timeout=DB_TIMEOUT):
            abort(503, description="No PostgreSQL connection slot was free.")
        try:
            conn = psycopg.connect(
                os.environ[POSTGRES_ENV],
                application_name=application_name(os.environ[TABLE_ENV]),
                connect_timeout=int(DB_TIMEOUT),
            )
        except BaseException:
            _postgres_slots.release()
            raise
        g.postgres = conn
    return conn


def _close_connections(error: BaseException | None) -> None:
    sqlite = g.pop("sqlite", None)
    if sqlite is not None:
        sqlite.close()
    postgres = g.pop("postgres", None)
    if postgres is not None:
        try:
            postgres.close()
        finally:
            _postgres_slots.release()


def _register_writes(app: Kolben) -> None:
    # The body is the write's id, chosen by the client: a 2xx answer
    # acknowledges that the row with this id is committed.
    @app.post("/sqlite")
    def write_sqlite() -> Response:
        item = request.get_data(as_text=True)
        conn = _sqlite()
        with conn:
            conn.execute("INSERT INTO items (id) VALUES (?)", (item,))
        return jsonify(stored=item)

    @app.post("/postgres")
    def write_postgres() -> Response:
        item = request.get_data(as_text=True)
        conn = _postgres()
        table = os.environ[TABLE_ENV]
        with conn.transaction():
            conn.execute(f"INSERT INTO {table} (id) VALUES (%s)", (item,))
        return jsonify(stored=item)

    @app.get("/sqlite/<item>")
    def read_sqlite(item: str) -> Response:
        row = _sqlite().execute("SELECT id FROM items WHERE id = ?", (item,)).fetchone()
        if row is None:
            abort(404, description=f"No item {item!r}.")
        return jsonify(id=row[0])


def _register_bodies(app: Kolben) -> None:
    @app.get("/hello")
    def hello() -> str:
        return "Hello from kolben!"

    @app.post("/upload")
    def upload() -> Response:
        storage = request.files["file"]
        digest = hashlib.sha256()
        while chunk := storage.stream.read(64 * 1024):
            digest.update(chunk)
        return jsonify(sha256=digest.hexdigest())

    @app.get("/stream")
    def stream() -> Response:
        chunks = request.args.get("chunks", 5, type=int)
        delay = request.args.get("delay", 0.01, type=float)

        def generate() -> Iterator[bytes]:
            # Holds a database connection while it streams: a client that
            # leaves mid-stream must still get it closed by the teardown.
            # (SQLite: under ASGI each step takes a thread of the pool, and a
            # stream waiting there for a PostgreSQL slot could starve the
            # streams that hold the slots.)
            conn = _sqlite()
            for i in range(chunks):
                if i:
                    time.sleep(delay)
                (value,) = conn.execute("SELECT 1").fetchone()
                yield b"chunk %d %d\n" % (i, value)

        return Response(stream_with_context(generate()), mimetype="text/plain")


def _register_stats(app: Kolben) -> None:
    @app.get("/ping")
    def ping() -> str:
        return "pong"

    @app.get("/_stats")
    def stats() -> Response:
        # Collect first: what a cycle holds until the next collection is
        # not a leak, and would make the checkpoints noisy.
        gc.collect()
        return jsonify(
            pid=os.getpid(),
            tmpdir=tempfile.gettempdir(),
            rss=_rss_bytes(),
            heap=_malloc_in_use(),
            **_traced(),
        )


def _rss_bytes() -> int:
    """Return the resident memory of this process, from ``/proc``."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    raise RuntimeError("/proc/self/status has no VmRSS line.")


class _Mallinfo2(ctypes.Structure):
    _fields_ = [
        (name, ctypes.c_size_t)
        for name in (
            "arena ordblks smblks hblks hblkhd usmblks fsmblks uordblks fordblks"
            " keepcost"
        ).split()
    ]


def _malloc_in_use() -> int | None:
    """Return the bytes malloc has handed out and not had back, or None.

    glibc's ``mallinfo2`` sums every arena: what Python allocates past its
    small-object pools and what the C libraries (SQLite, libpq) allocate.
    Unlike resident memory, it does not move with fragmentation or with the
    free memory the allocator keeps. None where the C library has no
    ``mallinfo2`` (not glibc, or glibc before 2.33).
    """
    mallinfo2 = getattr(ctypes.CDLL(None), "mallinfo2", None)
    if mallinfo2 is None:
        return None
    mallinfo2.restype = _Mallinfo2
    info = mallinfo2()
    return int(info.uordblks + info.hblkhd)


def _traced() -> dict[str, Any]:
    """Compare a tracemalloc snapshot with the first one ``?baseline`` took."""
    if not tracemalloc.is_tracing():
        return {"traced": None, "growth": []}
    snapshot = tracemalloc.take_snapshot().filter_traces(
        [tracemalloc.Filter(False, tracemalloc.__file__)]
    )
    if "baseline" in request.args:
        _baseline[:] = [snapshot]
    growth = []
    if _baseline:
        for stat in snapshot.compare_to(_baseline[0], "lineno")[:10]:
            growth.append(str(stat))
    return {"traced": tracemalloc.get_traced_memory()[0], "growth": growth}


def create_app() -> Kolben:
    """Build the load-test app."""
    app = Kolben(__name__)
    app.config.from_mapping(
        MAX_CONTENT_LENGTH=2 * 1024 * 1024,
        # Low, so that uploads reach temporary files under ASGI too.
        BODY_SPOOL_THRESHOLD=64 * 1024,
    )
    app.teardown_appcontext(_close_connections)
    _register_writes(app)
    _register_bodies(app)
    _register_stats(app)
    return app


app = create_app()
