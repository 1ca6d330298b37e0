"""Create, fill and drop the benchmark's PostgreSQL schema."""

from __future__ import annotations

import psycopg
from psycopg import sql

from . import FORTUNES, WORLD_ROWS


def create_schema(url: str, schema: str) -> None:
    """Make ``schema`` afresh with ``world`` and ``fortune`` filled.

    A schema of that name left by an interrupted run is dropped first.

    :param url: the PostgreSQL server's URL.
    :param schema: the schema's name.
    """
    name = sql.Identifier(schema)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(name))
        conn.execute(sql.SQL("CREATE SCHEMA {}").format(name))
        conn.execute(sql.SQL("SET search_path TO {}").format(name))
        conn.execute(
            "CREATE TABLE world (id integer PRIMARY KEY, randomnumber integer NOT NULL)"
        )
        conn.execute(
            "CREATE TABLE fortune"
            " (id integer PRIMARY KEY, message varchar(2048) NOT NULL)"
        )
        conn.execute(
            "INSERT INTO world (id, randomnumber)"
            " SELECT i, 1 + floor(random() * 10000)::integer"
            " FROM generate_series(1, %s) AS i",
            (WORLD_ROWS,),
        )
        with conn.cursor() as cur:
            cur.executemany(
                "INSERT INTO fortune (id, message) VALUES (%s, %s)", FORTUNES
            )
        conn.execute("ANALYZE world")
        conn.execute("ANALYZE fortune")


def drop_schema(url: str, schema: str) -> None:
    """Drop ``schema`` and everything in it, if it exists.

    :param url: the PostgreSQL server's URL.
    :param schema: the schema's name.
    """
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(schema))
        )


def read_numbers(url: str, schema: str, ids: list[int]) -> dict[int, int]:
    """Return the ``randomnumber`` of each row of ``ids``, read now.

    :param url: the PostgreSQL server's URL.
    :param schema: the schema's name.
    :param ids: the rows' ids.
    """
    query = sql.SQL("SELECT id, randomnumber FROM {}.world WHERE id = ANY(%s)")
    with psycopg.connect(url, autocommit=True) as conn:
        rows = conn.execute(query.format(sql.Identifier(schema)), (ids,)).fetchall()
    return {id_: number for id_, number in rows}
