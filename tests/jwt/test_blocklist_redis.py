"""Revoking tokens through a blocklist in a real Redis server, sync and async.

Set KOLBEN_TEST_REDIS_URL (``.ci/run`` does) to run these.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
import redis
import redis.asyncio

from kolben import Kolben
from kolben._concurrency import run_coroutine_sync
from kolben.jwt import create_access_token, get_jwt, jwt_required
from kolben.testing import KolbenClient

from .conftest import bearer, make_jwt_app

REDIS_URL = os.environ.get("KOLBEN_TEST_REDIS_URL")
pytestmark = pytest.mark.skipif(
    not REDIS_URL, reason="KOLBEN_TEST_REDIS_URL is not set: no Redis server to use"
)
EXPIRES = timedelta(minutes=5)


@pytest.fixture
def prefix() -> Iterator[str]:
    name = f"test:jwt:{uuid.uuid4().hex}:"
    yield name
    client = redis.Redis.from_url(str(REDIS_URL))
    for key in client.scan_iter(f"{name}*"):
        client.delete(key)
    client.close()


@pytest.fixture
def clients() -> Iterator[list[Any]]:
    made: list[Any] = []
    yield made
    for sync_redis, async_redis in made:
        sync_redis.close()
        # The async client's connections live on the loop that served them.
        run_coroutine_sync(async_redis.aclose())


def _app(prefix: str, async_loader: bool, clients: list[Any]) -> Kolben:
    app, jwt = make_jwt_app({"JWT_ACCESS_TOKEN_EXPIRES": EXPIRES})
    sync_redis = redis.Redis.from_url(str(REDIS_URL))
    async_redis = redis.asyncio.Redis.from_url(str(REDIS_URL))
    clients.append((sync_redis, async_redis))

    if async_loader:

        @jwt.token_in_blocklist_loader
        async def revoked_async(
            header: dict[str, Any], payload: dict[str, Any]
        ) -> bool:
            return bool(await async_redis.exists(prefix + payload["jti"]))

    else:

        @jwt.token_in_blocklist_loader
        def revoked_sync(header: dict[str, Any], payload: dict[str, Any]) -> bool:
            return bool(sync_redis.exists(prefix + payload["jti"]))

    @app.delete("/sync/logout")
    @jwt_required()
    def logout() -> Any:
        sync_redis.set(prefix + get_jwt()["jti"], "", ex=EXPIRES)
        return {"msg": "Access token revoked"}

    @app.delete("/async/logout")
    @jwt_required()
    async def alogout() -> Any:
        await async_redis.set(prefix + get_jwt()["jti"], "", ex=EXPIRES)
        return {"msg": "Access token revoked"}

    return app


@pytest.mark.parametrize("async_loader", [False, True], ids=["sync_loader", "async"])
def test_a_revoked_token_is_refused_in_every_worker(
    prefix: str,
    clients: list[Any],
    make_client: Callable[[Kolben], KolbenClient],
    kind: str,
    async_loader: bool,
) -> None:
    app = _app(prefix, async_loader, clients)
    # A second app stands for another worker process: it shares only Redis.
    other = _app(prefix, async_loader, clients)
    client, other_client = make_client(app), make_client(other)
    with app.app_context():
        token = create_access_token("ada")
        kept = create_access_token("ada")
    assert client.get(f"/{kind}/protected", headers=bearer(token)).status_code == 200
    r = other_client.get(f"/{kind}/protected", headers=bearer(token))
    assert r.status_code == 200
    r = client.delete(f"/{kind}/logout", headers=bearer(token))
    assert r.get_json() == {"msg": "Access token revoked"}
    for c in (client, other_client):
        r = c.get(f"/{kind}/protected", headers=bearer(token))
        assert (r.status_code, r.get_json()) == (401, {"msg": "Token has been revoked"})
        assert c.get(f"/{kind}/protected", headers=bearer(kept)).status_code == 200
    # The entry expires with the token, so the blocklist does not grow forever.
    sync_redis = clients[0][0]
    keys = list(sync_redis.scan_iter(f"{prefix}*"))
    assert len(keys) == 1 and 0 < sync_redis.ttl(keys[0]) <= EXPIRES.total_seconds()
