"""The raw apps' queries: one driver connection per worker process.

Both raw apps (kolben's and Flask's) call these, so they run the same SQL
through the same driver with the same settings and differ only in the
framework. A sync worker serves one request at a time, so one connection per
process is what TechEmpower's raw implementations hold; it is opened on
first use, in the worker, and in autocommit mode (every statement its own
transaction, no ``BEGIN``/``COMMIT`` round trips).

The driver is psycopg2 unless ``KOLBEN_BENCH_RAW_DRIVER`` says ``psycopg``
(psycopg 3): ``python -m bench.db --raw-driver`` sets it for the servers it
starts. psycopg2 does a query's work in C, so less of a request is the
driver's and more is the framework's, as in TechEmpower's raw tests.
"""

from __future__ import annotations

import os
import random
from typing import Any

from . import ADDED, WORLD_ROWS, Fortune, connect_args, sorted_fortunes

#: The raw apps' drivers, by the name ``KOLBEN_BENCH_RAW_DRIVER`` takes.
DRIVERS = ("psycopg2", "psycopg")

_SELECT_WORLD = "SELECT id, randomnumber FROM world WHERE id = %s"
_UPDATE_WORLD = "UPDATE world SET randomnumber = %s WHERE id = %s"


class RawDatabase:
    """A connection of this process to the benchmark's schema.

    :param url: the PostgreSQL server's URL.
    :param schema: the schema with ``world`` and ``fortune``.
    :param driver: ``"psycopg2"`` or ``"psycopg"``; by default
        ``KOLBEN_BENCH_RAW_DRIVER``, else psycopg2.
    """

    def __init__(self, url: str, schema: str, driver: str | None = None) -> None:
        self.url = url
        self.schema = schema
        self.driver = driver or os.environ.get("KOLBEN_BENCH_RAW_DRIVER") or DRIVERS[0]
        if self.driver not in DRIVERS:
            raise ValueError(f"raw driver {self.driver!r} is not one of {DRIVERS}")
        self._connection: Any = None
        self._pid = 0

    @property
    def connection(self) -> Any:
        """This process's connection, opened on first use (and after a fork)."""
        if (
            self._connection is None
            or self._pid != os.getpid()
            or self._connection.closed
        ):
            self._connection = self._connect()
            self._pid = os.getpid()
        return self._connection

    def _connect(self) -> Any:
        args = connect_args(self.schema)
        if self.driver == "psycopg":
            import psycopg

            return psycopg.connect(
                self.url,
                autocommit=True,
                options=args["options"],
                application_name=args["application_name"],
            )
        import psycopg2

        connection = psycopg2.connect(self.url, **args)
        connection.autocommit = True
        return connection

    def close(self) -> None:
        """Close this process's connection, if open."""
        if self._connection is not None and self._pid == os.getpid():
            self._connection.close()
        self._connection = None

    def world(self) -> dict[str, int]:
        """Return one random row of ``world``."""
        with self.connection.cursor() as cur:
            cur.execute(_SELECT_WORLD, (random.randint(1, WORLD_ROWS),))
            row = cur.fetchone()
        assert row is not None
        return {"id": row[0], "randomNumber": row[1]}

    def worlds(self, count: int) -> list[dict[str, int]]:
        """Return ``count`` random rows of ``world``, one query each."""
        with self.connection.cursor() as cur:
            found = []
            for _ in range(count):
                cur.execute(_SELECT_WORLD, (random.randint(1, WORLD_ROWS),))
                row = cur.fetchone()
                assert row is not None
                found.append({"id": row[0], "randomNumber": row[1]})
        return found

    def fortunes(self) -> list[Fortune]:
        """Return every fortune and the one added now, sorted by message."""
        with self.connection.cursor() as cur:
            cur.execute("SELECT id, message FROM fortune")
            rows = cur.fetchall()
        return sorted_fortunes([Fortune(*row) for row in rows], ADDED)

    def update_worlds(self, count: int) -> list[dict[str, int]]:
        """Give ``count`` random rows, each read first, new random numbers."""
        # Ascending ids, so concurrent requests lock rows in the same order.
        ids = sorted(random.randint(1, WORLD_ROWS) for _ in range(count))
        with self.connection.cursor() as cur:
            found = []
            for id_ in ids:
                cur.execute(_SELECT_WORLD, (id_,))
                row = cur.fetchone()
                assert row is not None
                found.append(
                    {"id": row[0], "randomNumber": random.randint(1, WORLD_ROWS)}
                )
            cur.executemany(
                _UPDATE_WORLD, [(w["randomNumber"], w["id"]) for w in found]
            )
        return found
