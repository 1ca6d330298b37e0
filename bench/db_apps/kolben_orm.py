"""kolben with ``kolben.db``: sync views on ``db.session``."""

from __future__ import annotations

from sqlalchemy.orm import Mapped, mapped_column

from kolben import Kolben, Response, jsonify, render_template, request
from kolben.db import SQLAlchemy

from . import SCHEMA, _orm, connect_args, database_url, query_count

db = SQLAlchemy()


class World(db.Model):  # type: ignore[name-defined,misc]
    id: Mapped[int] = mapped_column(primary_key=True)
    randomnumber: Mapped[int]


class Fortune(db.Model):  # type: ignore[name-defined,misc]
    id: Mapped[int] = mapped_column(primary_key=True)
    message: Mapped[str]


def create_app(url: str | None = None, schema: str = SCHEMA) -> Kolben:
    """Return the app on ``schema`` of the database at ``url``.

    kolben.db's defaults apply: a bare ``postgresql://`` URL is psycopg 3,
    pooled, connections that sat idle for a second checked before use.

    :param url: the PostgreSQL server; ``KOLBEN_TEST_POSTGRES_URL`` by default.
    :param schema: the schema with ``world`` and ``fortune``.
    """
    app = Kolben(__name__)
    app.config["SQLALCHEMY_DATABASE_URI"] = url or database_url()
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {"connect_args": connect_args(schema)}
    db.init_app(app)

    @app.get("/db")
    def single() -> Response:
        return jsonify(_orm.world(db.session, World))

    @app.get("/queries")
    def queries() -> Response:
        count = query_count(request.args.get("queries"))
        return jsonify(_orm.worlds(db.session, World, count))

    @app.get("/fortunes")
    def fortunes() -> str:
        return render_template(
            "fortunes.html", fortunes=_orm.fortunes(db.session, Fortune)
        )

    @app.get("/updates")
    def updates() -> Response:
        count = query_count(request.args.get("queries"))
        return jsonify(_orm.update_worlds(db.session, World, count))

    return app


app = create_app()
