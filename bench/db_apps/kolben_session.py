"""kolben with a hand-written SQLAlchemy session: the battery's baseline.

The same models, queries and views as :mod:`bench.db_apps.kolben_orm`, with
the session made by hand the way SQLAlchemy's documentation shows for a web
app: a ``sessionmaker``, a ``scoped_session`` (one per thread) and a
teardown that removes it. The engine has the pool kolben.db gives its own
(psycopg 3, SQLAlchemy's ``QueuePool`` of 5 + 10, no ``pool_pre_ping``), so
the two apps differ only in kolben.db's own per-request work, which
includes its check of connections that sat idle.
"""

from __future__ import annotations

from sqlalchemy import create_engine
from sqlalchemy.orm import (
    DeclarativeBase,
    Mapped,
    Session,
    mapped_column,
    scoped_session,
    sessionmaker,
)

from kolben import Kolben, Response, jsonify, render_template, request

from . import SCHEMA, _orm, connect_args, database_url, query_count, sqlalchemy_url


class Base(DeclarativeBase):
    """The models' declarative base."""


class World(Base):
    """A row of ``world``."""

    __tablename__ = "world"
    id: Mapped[int] = mapped_column(primary_key=True)
    randomnumber: Mapped[int]


class Fortune(Base):
    """A row of ``fortune``."""

    __tablename__ = "fortune"
    id: Mapped[int] = mapped_column(primary_key=True)
    message: Mapped[str]


def create_app(
    url: str | None = None, schema: str = SCHEMA, pre_ping: bool = False
) -> Kolben:
    """Return the app on ``schema`` of the database at ``url``.

    :param url: the PostgreSQL server; ``KOLBEN_TEST_POSTGRES_URL`` by default.
    :param schema: the schema with ``world`` and ``fortune``.
    :param pre_ping: check each pooled connection on every checkout
        (SQLAlchemy's ``pool_pre_ping``; kolben.db checks only idle ones).
    """
    app = Kolben(__name__)
    engine = create_engine(
        sqlalchemy_url(url or database_url()),
        pool_pre_ping=pre_ping,
        connect_args=connect_args(schema),
    )
    session: scoped_session[Session] = scoped_session(sessionmaker(bind=engine))
    app.extensions["bench_session"] = session

    @app.teardown_appcontext
    def remove_session(exc: BaseException | None) -> None:
        session.remove()

    @app.get("/db")
    def single() -> Response:
        return jsonify(_orm.world(session, World))

    @app.get("/queries")
    def queries() -> Response:
        count = query_count(request.args.get("queries"))
        return jsonify(_orm.worlds(session, World, count))

    @app.get("/fortunes")
    def fortunes() -> str:
        return render_template(
            "fortunes.html", fortunes=_orm.fortunes(session, Fortune)
        )

    @app.get("/updates")
    def updates() -> Response:
        count = query_count(request.args.get("queries"))
        return jsonify(_orm.update_worlds(session, World, count))

    return app


app = create_app()
