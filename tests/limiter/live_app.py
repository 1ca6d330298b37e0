"""The app two real servers serve in ``test_live.py``, sharing one Redis.

``KOLBEN_TEST_REDIS_URL`` names the server, ``LIVE_KEY_PREFIX`` the test's
own key prefix.
"""

from __future__ import annotations

import os
import uuid

from kolben import Kolben
from kolben.caching import Cache
from kolben.limiter import Limiter

REDIS_URL = os.environ["KOLBEN_TEST_REDIS_URL"]
PREFIX = os.environ["LIVE_KEY_PREFIX"]
#: This process, as the answers name it.
PROCESS = uuid.uuid4().hex

app = Kolben(__name__)
limiter = Limiter(
    lambda: "every client",
    app=app,
    storage_uri=REDIS_URL,
    storage_options={"key_prefix": PREFIX},
)
cache = Cache(
    app,
    config={
        "CACHE_TYPE": "RedisCache",
        "CACHE_REDIS_URL": REDIS_URL,
        "CACHE_KEY_PREFIX": PREFIX,
    },
)


@app.get("/ping")
def ping() -> str:
    return "pong"


@app.get("/limited")
@limiter.limit("5/minute")
async def limited() -> str:
    return PROCESS


@app.get("/cached")
@cache.cached(timeout=60)
def cached() -> dict[str, str]:
    return {"process": PROCESS}
