"""Rate limits for kolben apps: Flask-Limiter's API on the ``limits`` library.

``pip install kolben[limiter]`` (and ``kolben[redis]`` for Redis), then::

    from kolben.limiter import Limiter
    from kolben.limiter.util import get_remote_address

    limiter = Limiter(get_remote_address, app=app, default_limits=["100/hour"],
                      storage_uri="redis://localhost:6379")

    @app.route("/login", methods=["POST"])
    @limiter.limit("5/minute")
    def login(): ...

How a check runs, and why it never waits for a thread hop:

- Application, blueprint and default limits are checked by a
  ``before_request`` hook; a view's decorated limits by the wrapper
  :meth:`Limiter.limit` puts around it, which is sync for a sync view and
  async for an async view. ``deduct_when`` limits are counted, and the
  ``X-RateLimit-*`` headers written, by an ``after_request`` hook.
- With ``memory://`` nothing does I/O, so the hooks are ``nonblocking``:
  under ASGI they run on the event loop without a hop to the thread pool,
  and an async endpoint's request never leaves the loop.
- With a storage that does I/O (Redis), where the code runs decides how it
  talks to the storage: in a thread (WSGI, or an all-sync endpoint under
  ASGI, whose whole request runs in one pool thread) it uses the sync
  client in place; on an event loop (an endpoint with async code under
  ASGI, or an async view) it awaits ``limits.aio`` on ``redis.asyncio``.
  The hooks are still ``nonblocking``: on the loop they hand the core a
  coroutine to await there instead of blocking (see
  :func:`kolben.helpers.nonblocking`). So a sync endpoint pays no hop to
  the loop and an async one no hop to a thread; both count into the same
  Redis keys.
- The rules of a check (which limits, which buckets, what a breach
  answers) are written once (:mod:`kolben.limiter._check`), as a generator
  of storage operations that a sync and an async runner feed.
- When the storage fails: ``RATELIMIT_IN_MEMORY_FALLBACK_ENABLED`` (or
  ``RATELIMIT_IN_MEMORY_FALLBACK`` limits) counts in memory until the
  storage answers again (probed 1, 2, 4 ... 32 s apart);
  ``RATELIMIT_SWALLOW_ERRORS`` lets requests through with a logged warning;
  with neither, the error propagates (a 500), as in Flask-Limiter.
"""

from __future__ import annotations

import importlib.util

if importlib.util.find_spec("limits") is None:
    raise ImportError(
        "kolben.limiter needs the 'limits' package: install it with"
        " 'pip install kolben[limiter]' (and kolben[redis] for Redis storage)."
    )

from ._check import RequestLimit as RequestLimit  # noqa: E402
from ._extension import Limiter as Limiter  # noqa: E402
from ._limits import ApplicationLimit as ApplicationLimit  # noqa: E402
from ._limits import Limit as Limit  # noqa: E402
from ._limits import RouteLimit as RouteLimit  # noqa: E402
from .constants import ExemptionScope as ExemptionScope  # noqa: E402
from .constants import HeaderNames as HeaderNames  # noqa: E402
from .errors import RateLimitExceeded as RateLimitExceeded  # noqa: E402

__all__ = [
    "ApplicationLimit",
    "ExemptionScope",
    "HeaderNames",
    "Limit",
    "Limiter",
    "RateLimitExceeded",
    "RequestLimit",
    "RouteLimit",
]
