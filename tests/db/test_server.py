"""Concurrent writes through real servers: every row committed, no leak.

200 requests at once, each inserting a row, against uvicorn (async views on
the loop, sync views in kolben's thread pool) and gunicorn's threaded worker
(sync views), on the real PostgreSQL server.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from tests.e2e._live import LiveServer, fetch, start_server, stop_server

from .conftest import postgres_url

pytestmark = pytest.mark.e2e

CONCURRENCY = 200


@pytest.fixture
def schema_name(pg_schema: dict[str, Any]) -> str:
    options: str = pg_schema["connect_args"]["options"]
    name = options.removeprefix("-csearch_path=")
    engine = sa.create_engine(
        postgres_url().replace("postgresql:", "postgresql+psycopg:")
    )
    with engine.begin() as conn:
        conn.execute(sa.text(f'SET search_path TO "{name}"'))
        conn.execute(
            sa.text(
                "CREATE TABLE row (id SERIAL PRIMARY KEY, label VARCHAR(40) UNIQUE)"
            )
        )
    engine.dispose()
    return name


def _serve(name: str, tmp_path: Path, schema: str) -> Iterator[LiveServer]:
    env = {"KOLBEN_DB_LIVE_URL": postgres_url(), "KOLBEN_DB_LIVE_SCHEMA": schema}
    server = start_server(name, tmp_path, env, app="tests.db.live_app:app", threads=32)
    try:
        yield server
    finally:
        stop_server(server)


def _insert_all(server: LiveServer, path: str, wave: str) -> list[int]:
    def one(i: int) -> int:
        body = json.dumps({"label": f"{wave}-{i}"}).encode()
        reply = fetch(
            server.url, "POST", path, body, {"Content-Type": "application/json"}, 60
        )
        assert reply.status == 201, reply.text
        return int(reply.json()["id"])

    with ThreadPoolExecutor(CONCURRENCY) as pool:
        return list(pool.map(one, range(CONCURRENCY)))


def _settled_pools(server: LiveServer) -> dict[str, dict[str, int]]:
    """The pools once every connection is back (closing can trail a reply)."""
    deadline = time.monotonic() + 10
    while True:
        pools: dict[str, dict[str, int]] = fetch(server.url, "GET", "/pools").json()
        if all(p["out"] == 0 for p in pools.values()) or time.monotonic() > deadline:
            return pools
        time.sleep(0.05)


@pytest.mark.parametrize(
    ("name", "path"),
    [
        ("uvicorn", "/async/rows"),
        ("uvicorn", "/sync/rows"),
        ("gunicorn-gthread", "/sync/rows"),
    ],
)
def test_concurrent_inserts_all_commit_and_no_connection_leaks(
    name: str, path: str, tmp_path: Path, schema_name: str
) -> None:
    for server in _serve(name, tmp_path, schema_name):
        # A first wave fills the pool up to what it keeps.
        _insert_all(server, path, "warm")
        before = _settled_pools(server)
        ids = _insert_all(server, path, "wave")
        after = _settled_pools(server)
        assert after == before
        assert all(p["out"] == 0 for p in after.values())
    assert len(set(ids)) == CONCURRENCY
    engine = sa.create_engine(
        postgres_url().replace("postgresql:", "postgresql+psycopg:"),
        connect_args={"options": f"-csearch_path={schema_name}"},
    )
    with engine.connect() as conn:
        stored = conn.execute(sa.text("SELECT id, label FROM row")).all()
    engine.dispose()
    waved = {row_id for row_id, label in stored if label.startswith("wave-")}
    assert waved == set(ids)
    assert len(stored) == 2 * CONCURRENCY
