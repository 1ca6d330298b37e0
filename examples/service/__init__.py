"""A small JSON microservice, ready for production behind gunicorn.

Everything it needs to know comes from the environment (``KOLBEN_*``
variables: ``KOLBEN_SECRET_KEY``, ``KOLBEN_SQLALCHEMY_DATABASE_URI``, ...).
``/healthz`` says the process is up; ``/readyz`` says it can reach its
database, so a load balancer sends it traffic only then. Logs are JSON
lines with the request id of each request. ``gunicorn.conf.py`` serves it;
``Dockerfile`` and ``compose.yaml`` package it. The notes API is typed
(``kolben.api``): bodies are validated from the models below, and its
OpenAPI document is at ``/api/openapi.json``.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Annotated, Any

import sqlalchemy as sa
from pydantic import BaseModel, ConfigDict, StringConstraints
from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from kolben import Kolben
from kolben.api import OpenAPI
from kolben.db import SQLAlchemy
from kolben.logging import JSONFormatter, use_request_ids

db = SQLAlchemy()


class Note(db.Model):  # type: ignore[name-defined,misc]
    id: Mapped[int] = mapped_column(primary_key=True)
    text: Mapped[str] = mapped_column(String(500))


class NoteIn(BaseModel):
    """A new note: 1 to 500 characters, not all blank."""

    model_config = ConfigDict(extra="forbid")
    text: Annotated[str, StringConstraints(min_length=1, max_length=500, pattern=r"\S")]


class NoteOut(BaseModel):
    """A stored note."""

    id: int
    text: str


class NotePage(BaseModel):
    """The newest notes, and how many there are."""

    items: list[NoteOut]
    total: int


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
    OpenAPI(
        app,
        title="Notes",
        version="1.0",
        openapi_url="/api/openapi.json",
        docs_url="/api/docs",
        redoc_url=None,
        assets_url="/api/docs-assets",
    )
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

    @app.get("/api/notes", tags=["notes"])
    def list_notes() -> NotePage:
        """The newest notes, a page at a time."""
        page = db.paginate(db.select(Note).order_by(Note.id.desc()))
        return {"items": list(page), "total": page.total}  # type: ignore[return-value]

    @app.post("/api/notes", status_code=201, tags=["notes"])
    def add_note(new: NoteIn) -> NoteOut:
        """Store a note."""
        note = Note(text=new.text)
        db.session.add(note)
        db.session.commit()
        app.logger.info("note stored", extra={"note_id": note.id})
        return note
