"""The ORM apps' queries: the same SQLAlchemy calls, whoever made the session.

kolben.db, Flask-SQLAlchemy and the hand-written session all call these with
their own session and models, so the ORM apps differ only in the framework
and in how the session is made and removed. Each model has ``World`` and
``Fortune``'s columns: ``id`` and ``randomnumber``, ``id`` and ``message``.
"""

from __future__ import annotations

import random
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session, scoped_session

from . import ADDED, WORLD_ROWS, sorted_fortunes

#: A session, or the scoped session that stands for the current one.
AnySession = Session | scoped_session[Any]


def _as_json(world: Any) -> dict[str, int]:
    return {"id": world.id, "randomNumber": world.randomnumber}


def world(session: AnySession, model: type[Any]) -> dict[str, int]:
    """Return one random row of ``world``, by primary key."""
    return _as_json(session.get(model, random.randint(1, WORLD_ROWS)))


def worlds(session: AnySession, model: type[Any], count: int) -> list[dict[str, int]]:
    """Return ``count`` random rows of ``world``, one query each."""
    get = session.get
    return [_as_json(get(model, random.randint(1, WORLD_ROWS))) for _ in range(count)]


def fortunes(session: AnySession, model: type[Any]) -> list[Any]:
    """Return every fortune and one made now (not added), sorted by message."""
    rows = list(session.scalars(select(model)))
    return sorted_fortunes(rows, model(id=ADDED.id, message=ADDED.message))


def update_worlds(
    session: AnySession, model: type[Any], count: int
) -> list[dict[str, int]]:
    """Give ``count`` random rows new random numbers, then commit."""
    # Ascending ids, so concurrent requests lock rows in the same order.
    ids = sorted(random.randint(1, WORLD_ROWS) for _ in range(count))
    found = []
    for id_ in ids:
        row = session.get(model, id_)
        assert row is not None, f"no row {id_} in world"
        row.randomnumber = random.randint(1, WORLD_ROWS)
        found.append(_as_json(row))
    session.commit()
    return found


async def aworld(session: AsyncSession, model: type[Any]) -> dict[str, int]:
    """Return one random row of ``world``, awaited."""
    return _as_json(await session.get(model, random.randint(1, WORLD_ROWS)))


async def aworlds(
    session: AsyncSession, model: type[Any], count: int
) -> list[dict[str, int]]:
    """Return ``count`` random rows of ``world``, one awaited query each."""
    get = session.get
    return [
        _as_json(await get(model, random.randint(1, WORLD_ROWS))) for _ in range(count)
    ]


async def afortunes(session: AsyncSession, model: type[Any]) -> list[Any]:
    """Return every fortune and one made now, sorted by message, awaited."""
    rows = list(await session.scalars(select(model)))
    return sorted_fortunes(rows, model(id=ADDED.id, message=ADDED.message))


async def aupdate_worlds(
    session: AsyncSession, model: type[Any], count: int
) -> list[dict[str, int]]:
    """Give ``count`` random rows new random numbers, then commit, awaited."""
    ids = sorted(random.randint(1, WORLD_ROWS) for _ in range(count))
    found = []
    for id_ in ids:
        row = await session.get(model, id_)
        assert row is not None, f"no row {id_} in world"
        row.randomnumber = random.randint(1, WORLD_ROWS)
        found.append(_as_json(row))
    await session.commit()
    return found
