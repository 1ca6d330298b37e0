"""Flask with raw psycopg 3: sync views on one connection per worker."""

from __future__ import annotations

from flask import Flask, Response, jsonify, render_template, request

from . import SCHEMA, database_url, query_count
from ._raw import RawDatabase


def create_app(url: str | None = None, schema: str = SCHEMA) -> Flask:
    """Return the app on ``schema`` of the database at ``url``.

    :param url: the PostgreSQL server; ``KOLBEN_TEST_POSTGRES_URL`` by default.
    :param schema: the schema with ``world`` and ``fortune``.
    """
    app = Flask(__name__)
    raw = app.extensions["bench_raw"] = RawDatabase(url or database_url(), schema)

    @app.get("/db")
    def single() -> Response:
        return jsonify(raw.world())

    @app.get("/queries")
    def queries() -> Response:
        return jsonify(raw.worlds(query_count(request.args.get("queries"))))

    @app.get("/fortunes")
    def fortunes() -> str:
        return render_template("fortunes.html", fortunes=raw.fortunes())

    @app.get("/updates")
    def updates() -> Response:
        return jsonify(raw.update_worlds(query_count(request.args.get("queries"))))

    return app


app = create_app()
