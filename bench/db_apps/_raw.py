"""The raw apps' queries: psycopg 3 on one connection per worker process.

Both raw apps (kolben's and Flask's) call these, so they run the same SQL
through the same driver and differ only in the framework. A sync worker
serves one request at a time, so one connection per process is what
TechEmpower's raw implementations hold; it is opened on first use, in the
worker, and in autocommit mode (every statement its own transaction, no
``BEGIN``/``COMMIT`` round trips).
"""

from __future__ import annotations

import os
import random
from typing import Any

import psycopg

from . import ADDED, WORLD_ROWS, Fortune, connect_args, sorted_fortunes

_SELECT_WORLD = "SELECT id, randomnumber FROM world WHERE id = %s"
_UPDATE_WORLD = "UPDATE world SET randomnumber = %s WHERE id = %s"


class RawDatabase:
    """A connection of this process to the benchmark's schema.

    :param url: the PostgreSQL server's URL.
    :param schema: the schema with ``world`` and ``fortune``.
    """

    def __init__(self, url: str, schema: str) -> None:
        self.url = url
        self.schema = schema
        self._connection: psycopg.Connection[Any] | None = None
        self._pid = 0

    @property
    def connection(self) -> psycopg.Connection[Any]:
        """This process's connection, opened on first use (and after a fork)."""
        if (
            self._connection is None
            or self._pid != os.getpid()
            or self._connection.closed
        ):
            args = connect_args(self.schema)
            self._connection = psycopg.connect(
                self.url,
                autocommit=True,
                options=args["options"],
                application_name=args["application_name"],
            )
            self._pid = os.getpid()
        return self._connection

    def close(self) -> None:
        """Close this process's connection, if open."""
        if self._connection is not None and self._pid == os.getpid():
            self._connection.close()
        self._connection = None

    def world(self) -> dict[str, int]:
        """Return one random row of ``world``."""
        row = self.connection.execute(
            _SELECT_WORLD, (random.randint(1, WORLD_ROWS),)
        ).fetchone()
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
        rows = self.connection.execute("SELECT id, message FROM fortune").fetchall()
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
