"""The app the data battery's server tests serve: rows inserted concurrently.

Its database URL comes from ``KOLBEN_DB_LIVE_URL`` and its PostgreSQL schema
from ``KOLBEN_DB_LIVE_SCHEMA``.
"""

from __future__ import annotations

import os
from typing import Any

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from kolben import Kolben, request
from kolben.db import SQLAlchemy

db = SQLAlchemy()


class Row(db.Model):  # type: ignore[name-defined,misc]
    id: Mapped[int] = mapped_column(primary_key=True)
    label: Mapped[str] = mapped_column(String(40), unique=True)


app = Kolben(__name__)
app.config["SQLALCHEMY_DATABASE_URI"] = os.environ["KOLBEN_DB_LIVE_URL"]
schema = os.environ.get("KOLBEN_DB_LIVE_SCHEMA")
if schema:
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {
        "connect_args": {"options": f"-csearch_path={schema}"}
    }
db.init_app(app)


@app.get("/ping")
def ping() -> str:
    return "pong"


@app.post("/sync/rows")
def insert_sync() -> Any:
    row = Row(label=request.get_json()["label"])
    db.session.add(row)
    db.session.commit()
    return {"id": row.id}, 201


@app.post("/async/rows")
async def insert_async() -> Any:
    row = Row(label=request.get_json()["label"])
    db.async_session.add(row)
    await db.async_session.commit()
    return {"id": row.id}, 201


@app.get("/pools")
async def pools() -> Any:
    engines = {"sync": db.engine, "async": db._async_engines()[None].sync_engine}
    return {
        name: {"in": e.pool.checkedin(), "out": e.pool.checkedout()}  # type: ignore[attr-defined]
        for name, e in engines.items()
    }
