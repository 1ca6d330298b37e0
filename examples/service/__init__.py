"""A small JSON microservice, ready for production behind gunicorn.

Everything it needs to know comes from the environment (``KOLBEN_*``
variables: ``KOLBEN_SECRET_KEY``, ``KOLBEN_SQLALCHEMY_DATABASE_URI``, ...).
``/healthz`` says the process is up; ``/readyz`` says it can reach its
database, so a load balancer sends it traffic only then. Logs are JSON
lines with the request id of each request. ``gunicorn.conf.py`` serves it;
``Dockerfile`` and ``compose.yaml`` package it.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from kolben import Kolben, abort, request
from kolben.db import SQLAlchemy
from kolben.logging import JSONFormatter, use_request_ids

db = SQLAlchemy()


class Note(db.Model):  # type: ignore[name-defined,misc]
    id: Mapped[int] = mapped_column(primary_key=True)
    text: Mapped[str] = mapped_column(String(500))


def create_app(test_config: Mapping[str, Any] | None = None) -> Kolben:
    """Create the service.

    :param test_config: settings that replace the environment's.
    """
    app = Kolben(__name__)
    app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///service.sqlite"
    if test_config is None:
        app.config.from_prefixed_env()
    else:
        app.config.from_mapping(test_config)
    if not app.config.get("SECRET_KEY") and not app.testing:
        # SECURITY: no default secret: a deployment that forgot it stops here.
        raise RuntimeError("Set KOLBEN_SECRET_KEY in the environment.")
    _log_as_json(app)
    db.init_app(app)
    _routes(app)

    @app.cli.command("create-tables")
    def create_tables() -> None:
        """Create the tables that do not exist (the release step)."""
        db.create_all()

    return app


def _log_as_json(app: Kolben) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(JSONFormatter())
    app.logger.handlers[:] = [handler]
    app.logger.setLevel(app.config.get("LOG_LEVEL", "INFO"))
    use_request_ids(app)


def _redis(app: Kolben) -> Any:
    """The app's Redis client, made on first use."""
    client = app.extensions.get("service.redis")
    if client is None:
        import redis

        client = redis.Redis.from_url(
            app.config["REDIS_URL"], socket_connect_timeout=1, socket_timeout=1
        )
        app.extensions["service.redis"] = client
    return client


def _routes(app: Kolben) -> None:
    @app.get("/healthz")
    def healthz() -> Any:
        """The process is up and serving."""
        return {"status": "ok"}

    @app.get("/readyz")
    def readyz() -> Any:
        """The service can reach its database: send it traffic."""
        problems = {}
        try:
            db.session.execute(sa.text("SELECT 1"))
        except sa.exc.SQLAlchemyError as e:
            problems["database"] = type(e).__name__
        if app.config.get("REDIS_URL"):
            import redis

            try:
                _redis(app).ping()
            except redis.RedisError as e:
                problems["redis"] = type(e).__name__
        if problems:
            app.logger.warning("not ready", extra={"problems": problems})
            return {"status": "unavailable", **problems}, 503
        return {"status": "ready"}

    @app.get("/api/notes")
    def list_notes() -> Any:
        """The newest notes, a page at a time."""
        page = db.paginate(db.select(Note).order_by(Note.id.desc()))
        return {
            "items": [{"id": n.id, "text": n.text} for n in page],
            "total": page.total,
        }

    @app.post("/api/notes")
    def add_note() -> Any:
        """Store a note."""
        data = request.get_json()
        text = data.get("text") if isinstance(data, dict) else None
        if not isinstance(text, str) or not text.strip() or len(text) > 500:
            abort(422, description="text must be 1 to 500 characters.")
        note = Note(text=text)
        db.session.add(note)
        db.session.commit()
        app.logger.info("note stored", extra={"note_id": note.id})
        return {"id": note.id, "text": note.text}, 201
