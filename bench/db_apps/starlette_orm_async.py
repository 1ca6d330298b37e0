"""Starlette with a bare SQLAlchemy ``AsyncSession``: the async reference.

The same queries as :mod:`bench.db_apps.kolben_orm_async` through
SQLAlchemy's asyncio extension on psycopg 3, in a plain Starlette app: an
``async_sessionmaker`` on an async engine with kolben.db's pool settings
(SQLAlchemy's pool, no pre-ping), one session per request opened and closed
by the endpoint. What this app costs over the sync ORM apps is SQLAlchemy's
asyncio adaptation (greenlets, the awaited driver) and the event loop, with
no kolben in the way.
"""

from __future__ import annotations

import os
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.templating import Jinja2Templates

from . import SCHEMA, _orm, connect_args, database_url, query_count, sqlalchemy_url
from .kolben_session import Fortune, World


def create_app(url: str | None = None, schema: str = SCHEMA) -> Starlette:
    """Return the app on ``schema`` of the database at ``url``.

    :param url: the PostgreSQL server; ``KOLBEN_TEST_POSTGRES_URL`` by default.
    :param schema: the schema with ``world`` and ``fortune``.
    """
    engine = create_async_engine(
        sqlalchemy_url(url or database_url()), connect_args=connect_args(schema)
    )
    sessions: async_sessionmaker[AsyncSession] = async_sessionmaker(
        engine, expire_on_commit=False
    )
    templates = Jinja2Templates(
        directory=os.path.join(os.path.dirname(__file__), "templates")
    )

    async def single(request: Request) -> Response:
        async with sessions() as session:
            return JSONResponse(await _orm.aworld(session, World))

    async def queries(request: Request) -> Response:
        count = query_count(request.query_params.get("queries"))
        async with sessions() as session:
            return JSONResponse(await _orm.aworlds(session, World, count))

    async def fortunes(request: Request) -> Response:
        async with sessions() as session:
            rows = await _orm.afortunes(session, Fortune)
        return templates.TemplateResponse(request, "fortunes.html", {"fortunes": rows})

    async def updates(request: Request) -> Response:
        count = query_count(request.query_params.get("queries"))
        async with sessions() as session:
            return JSONResponse(await _orm.aupdate_worlds(session, World, count))

    app = Starlette(
        routes=[
            Route("/db", single),
            Route("/queries", queries),
            Route("/fortunes", fortunes),
            Route("/updates", updates),
        ]
    )
    app.state.engine = engine
    return app


def engine_of(app: Any) -> Any:
    """Return the async engine of an app made by :func:`create_app`."""
    return app.state.engine


app = create_app()
