"""kolben with ``kolben.db``: async views on ``db.async_session``, for ASGI."""

from __future__ import annotations

from kolben import Kolben, Response, jsonify, render_template, request

from . import SCHEMA, _orm, connect_args, database_url, query_count
from .kolben_orm import Fortune, World, db


def create_app(url: str | None = None, schema: str = SCHEMA) -> Kolben:
    """Return the app on ``schema`` of the database at ``url``.

    The same models and ``db`` as :mod:`bench.db_apps.kolben_orm`, with
    ``async def`` views: served by uvicorn, they await the database on the
    event loop through psycopg 3's async connections.

    :param url: the PostgreSQL server; ``KOLBEN_TEST_POSTGRES_URL`` by default.
    :param schema: the schema with ``world`` and ``fortune``.
    """
    app = Kolben(__name__)
    app.config["SQLALCHEMY_DATABASE_URI"] = url or database_url()
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {"connect_args": connect_args(schema)}
    db.init_app(app)

    @app.get("/db")
    async def single() -> Response:
        return jsonify(await _orm.aworld(db.async_session, World))

    @app.get("/queries")
    async def queries() -> Response:
        count = query_count(request.args.get("queries"))
        return jsonify(await _orm.aworlds(db.async_session, World, count))

    @app.get("/fortunes")
    async def fortunes() -> str:
        rows = await _orm.afortunes(db.async_session, Fortune)
        return render_template("fortunes.html", fortunes=rows)

    @app.get("/updates")
    async def updates() -> Response:
        count = query_count(request.args.get("queries"))
        return jsonify(await _orm.aupdate_worlds(db.async_session, World, count))

    return app


app = create_app()
