"""The database benchmark's contract: data, endpoints, answers, app targets.

Every app in this package serves TechEmpower's four database tests on the
same PostgreSQL schema (``world`` with 10,000 rows, ``fortune`` with
TechEmpower's 12 fortunes):

- ``/db``: one random row of ``world`` as ``{"id": .., "randomNumber": ..}``;
- ``/queries?queries=N``: N rows, one query each, as a JSON list;
- ``/fortunes``: every fortune plus one added at request time, sorted by
  message, rendered by ``templates/fortunes.html`` (Jinja2, autoescaped);
- ``/updates?queries=N``: N rows read one by one, each given a new random
  number, written back, and answered as ``/queries`` does.

``N`` below 1 or not a number is 1, above 500 is 500, as TechEmpower's
rules say. This module imports no framework, so a server process that loads
one app does not import the others. ``_schema`` creates the data and
``_check`` checks the answers.
"""

from __future__ import annotations

import importlib
import os
from dataclasses import dataclass
from typing import Any, NamedTuple

#: The database when ``KOLBEN_TEST_POSTGRES_URL`` is not set.
DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/test"
#: The schema the benchmark creates, fills and drops.
SCHEMA = "kolben_bench"
WORLD_ROWS = 10_000
#: The largest ``queries`` a request may ask for.
MAX_QUERIES = 500
#: The ``queries`` of the measured ``/queries`` and ``/updates`` requests.
QUERIES = 20


class Fortune(NamedTuple):
    """A row of ``fortune``, as the raw apps hand it to the template."""

    id: int
    message: str


FORTUNES = (
    Fortune(1, "fortune: No such file or directory"),
    Fortune(2, "A computer scientist is someone who fixes things that aren't broken."),
    Fortune(3, "After enough decimal places, nobody gives a damn."),
    Fortune(4, "A bad random number generator: 1, 1, 1, 1, 1, 4.33e+67, 1, 1, 1"),
    Fortune(
        5, "A computer program does what you tell it to do, not what you want it to do."
    ),
    Fortune(
        6, "Emacs is a nice operating system, but I prefer UNIX. — Tom Christaensen"
    ),
    Fortune(7, "Any program that runs right is obsolete."),
    Fortune(8, "A list is only as strong as its weakest link. — Donald Knuth"),
    Fortune(9, "Feature: A bug with seniority."),
    Fortune(10, "Computers make very fast, very accurate mistakes."),
    Fortune(
        11,
        '<script>alert("This should not be displayed in a browser alert box.");'
        "</script>",
    ),
    Fortune(12, "フレームワークのベンチマーク"),
)
#: The fortune every ``/fortunes`` request adds before sorting.
ADDED = Fortune(0, "Additional fortune added at request time.")


def database_url() -> str:
    """Return the PostgreSQL URL: ``KOLBEN_TEST_POSTGRES_URL`` or the local one."""
    return os.environ.get("KOLBEN_TEST_POSTGRES_URL") or DEFAULT_URL


def connect_args(schema: str) -> dict[str, str]:
    """Return the libpq parameters of an app's connections to ``schema``.

    ``schema`` is the search path and the connections' ``application_name``,
    by which ``bench.db`` sees when the apps' queries are done.
    """
    return {"options": f"-csearch_path={schema}", "application_name": schema}


def sqlalchemy_url(url: str) -> str:
    """Return ``url`` naming psycopg 3 for SQLAlchemy, as kolben.db reads it."""
    scheme, sep, rest = url.partition("://")
    return f"postgresql+psycopg://{rest}" if scheme == "postgresql" and sep else url


def query_count(value: str | None) -> int:
    """Return how many rows ``?queries=`` asks for, by TechEmpower's rules.

    :param value: the parameter as sent, or ``None`` when absent.
    """
    try:
        count = int(value) if value is not None else 1
    except ValueError:
        return 1
    return min(max(count, 1), MAX_QUERIES)


def sorted_fortunes(rows: list[Any], added: Any) -> list[Any]:
    """Return ``rows`` with ``added`` appended, sorted by message.

    :param rows: the fortunes read from the database.
    :param added: the fortune added at request time, of the same kind.
    """
    rows.append(added)
    rows.sort(key=lambda row: row.message)
    return rows


@dataclass(frozen=True)
class Endpoint:
    """One measured request.

    :param name: the short name printed in tables.
    :param path: the path with its query string.
    """

    name: str
    path: str


ENDPOINTS = (
    Endpoint("db", "/db"),
    Endpoint("queries", f"/queries?queries={QUERIES}"),
    Endpoint("fortunes", "/fortunes"),
    Endpoint("updates", f"/updates?queries={QUERIES}"),
)


@dataclass(frozen=True)
class DBApp:
    """One app of the benchmark and the server that serves it.

    :param name: the name printed in tables.
    :param module: the module under ``bench.db_apps``; its ``app`` is served.
    :param server: ``"gunicorn"`` (sync worker) or ``"uvicorn"``.
    """

    name: str
    module: str
    server: str

    @property
    def target(self) -> str:
        """The app as servers take it, ``module:attribute``."""
        return f"bench.db_apps.{self.module}:app"

    def load(self) -> Any:
        """Import the module and return it (its ``create_app`` and ``app``)."""
        return importlib.import_module(f"bench.db_apps.{self.module}")


KOLBEN_RAW = DBApp("kolben-raw", "kolben_raw", "gunicorn")
FLASK_RAW = DBApp("flask-raw", "flask_raw", "gunicorn")
KOLBEN_ORM = DBApp("kolben.db", "kolben_orm", "gunicorn")
KOLBEN_SESSION = DBApp("hand-written", "kolben_session", "gunicorn")
FLASK_ORM = DBApp("flask-sqlalchemy", "flask_orm", "gunicorn")
KOLBEN_ASYNC = DBApp("kolben.db-async", "kolben_orm_async", "uvicorn")
STARLETTE_ASYNC = DBApp("starlette-async", "starlette_orm_async", "uvicorn")
#: Every app, in table order.
APPS = (
    KOLBEN_RAW,
    FLASK_RAW,
    KOLBEN_ORM,
    FLASK_ORM,
    KOLBEN_SESSION,
    KOLBEN_ASYNC,
    STARLETTE_ASYNC,
)
