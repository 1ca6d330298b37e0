"""Checking a request's limits, written once for sync and async storage.

:func:`evaluate` decides everything about a check but does no I/O: it
yields each storage operation it needs (``(op, item, args, cost)``) and is
sent the result. :func:`run_sync` feeds it from a sync strategy,
:func:`run_async` from a ``limits.aio`` one; so the rules of a check exist
once, and each kind of code talks to the storage its own way.
"""

from __future__ import annotations

import time
import weakref
from collections.abc import Generator, Iterable
from typing import TYPE_CHECKING, Any

from limits import RateLimitItem, WindowStats

from ..globals import request
from ..response import Response
from .errors import RateLimitExceeded

if TYPE_CHECKING:
    from limits.aio.strategies import RateLimiter as AsyncRateLimiter
    from limits.strategies import RateLimiter

    from ._extension import Limiter
    from ._limits import RuntimeLimit

HIT, TEST, STATS = 0, 1, 2
Op = tuple[int, RateLimitItem, list[str], int]
Check = Generator[Op, Any, None]


class RequestLimit:
    """A limit as applied to the current request.

    :param extension: the limiter.
    :param limit: the rate.
    :param request_args: the key parts the rate is counted under.
    :param breached: whether this request hit it.
    :param shared: whether it is a shared limit.
    """

    def __init__(
        self,
        extension: Limiter,
        limit: RateLimitItem,
        request_args: list[str],
        breached: bool,
        shared: bool,
    ) -> None:
        self.extension = weakref.proxy(extension)
        #: The rate, e.g. ``5 per 1 minute``.
        self.limit = limit
        self.request_args = request_args
        #: Whether the request hit the limit.
        self.breached = breached
        #: Whether the limit is shared between endpoints.
        self.shared = shared
        self._window: WindowStats | None = None

    @property
    def key(self) -> str:
        """The full storage key of the request's bucket."""
        return self.limit.key_for(*self.request_args)

    @property
    def window(self) -> WindowStats:
        """The bucket's reset time and remaining count (read on first use)."""
        if self._window is None:
            self._window = self.extension.limiter.get_window_stats(
                self.limit, *self.request_args
            )
        return self._window

    @property
    def reset_at(self) -> int:
        """When the window resets, as a Unix timestamp."""
        return int(self.window[0] + 1)

    @property
    def remaining(self) -> int:
        """How many requests are left in the window, after this one."""
        return self.window[1]


class LimiterContext:
    """What one request's checks found, for its response's headers."""

    __slots__ = ("view_rate_limit", "view_rate_limits", "deductions", "seen", "plan")

    def __init__(self) -> None:
        #: The endpoint's plan, ``False`` when nothing is limited, or ``None``
        #: until the first check of the request looks it up.
        self.plan: Any = None
        self.view_rate_limit: RequestLimit | None = None
        self.view_rate_limits: list[RequestLimit] = []
        #: The ``deduct_when`` limits, counted once the response exists.
        self.deductions: dict[RuntimeLimit, list[str]] = {}
        #: Limits already counted for this request (the defaults).
        self.seen: set[int] = set()


def evaluate(
    limiter: Limiter, limits: Iterable[RuntimeLimit], endpoint: str, ctx: LimiterContext
) -> Check:
    """Count the request against ``limits``; raise when one is exceeded."""
    failed: list[tuple[RuntimeLimit, RequestLimit]] = []
    view_limits: list[RequestLimit] = []
    method = request.method
    for lim in sorted(limits, key=lambda x: x.limit):
        if lim.is_exempt or lim.method_exempt:
            continue
        args = [lim.key_func(), lim.scope_for(endpoint, method)]
        if not all(args):
            limiter.logger.error(
                "Skipping limit: %s. Empty value found in parameters.", lim.limit
            )
            continue
        if limiter._key_prefix:
            args.insert(0, limiter._key_prefix)
        op = HIT
        if lim.deduct_when is not None:
            ctx.deductions[lim] = args
            op = TEST
        current = RequestLimit(limiter, lim.limit, args, False, lim.shared)
        view_limits.append(current)
        if not (yield (op, lim.limit, args, lim.deduction_amount)):
            limiter.logger.info(
                "ratelimit %s (%s) exceeded at endpoint: %s",
                lim.limit,
                args[-2],
                args[-1],
            )
            current.breached = True
            failed.append((lim, current))
            if limiter._fail_on_first_breach:
                break
    header = _header_limit(failed, view_limits)
    if header is not None:
        if failed or limiter._headers_enabled:
            header._window = yield (STATS, header.limit, header.request_args, 0)
        ctx.view_rate_limit = header
        ctx.view_rate_limits = view_limits
    if failed:
        raise _exceeded(limiter, failed, header)


def _header_limit(
    failed: list[tuple[RuntimeLimit, RequestLimit]], view_limits: list[RequestLimit]
) -> RequestLimit | None:
    """Pick the limit the headers describe: the breached one, else the tightest."""
    if failed:
        return failed[-1][1]
    explicit = [lim for lim in view_limits if not lim.shared]
    return explicit[0] if explicit else (view_limits[0] if view_limits else None)


def _exceeded(
    limiter: Limiter,
    failed: list[tuple[RuntimeLimit, RequestLimit]],
    header: RequestLimit | None,
) -> RateLimitExceeded:
    """Run the breach callbacks; return the 429 to raise."""
    response = None
    for lim, hit in failed:
        for callback in dict.fromkeys([limiter._on_breach, lim.on_breach]):
            if callback is None:
                continue
            try:
                rv = callback(hit)
            except Exception:
                if not limiter._swallow_errors:
                    raise
                limiter.logger.exception("on_breach callback failed")
                continue
            if isinstance(rv, Response):
                response = rv
    first = sorted(failed, key=lambda x: x[0].limit)[0][0]
    retry_after = None
    if header is not None and header._window is not None:
        retry_after = max(0, int(header.reset_at - time.time()))
    return RateLimitExceeded(first, response=response, retry_after=retry_after)


def deduct(limiter: Limiter, response: Response, ctx: LimiterContext) -> Check:
    """Count the ``deduct_when`` limits that the response asks to count."""
    counted = False
    for lim, args in ctx.deductions.items():
        if lim.deduct_when is not None and lim.deduct_when(response):
            yield (HIT, lim.limit, args, lim.deduction_amount)
            counted = True
    header = ctx.view_rate_limit
    if counted and header is not None and limiter._headers_enabled:
        header._window = yield (STATS, header.limit, header.request_args, 0)


def run_sync(strategy: RateLimiter, check: Check) -> None:
    """Run ``check`` against a sync strategy."""
    try:
        op, item, args, cost = next(check)
        while True:
            if op == HIT:
                rv: Any = strategy.hit(item, *args, cost=cost)
            elif op == TEST:
                rv = strategy.test(item, *args, cost=cost)
            else:
                rv = strategy.get_window_stats(item, *args)
            op, item, args, cost = check.send(rv)
    except StopIteration:
        pass


async def run_async(strategy: AsyncRateLimiter, check: Check) -> None:
    """Run ``check`` against a ``limits.aio`` strategy."""
    try:
        op, item, args, cost = next(check)
        while True:
            if op == HIT:
                rv: Any = await strategy.hit(item, *args, cost=cost)
            elif op == TEST:
                rv = await strategy.test(item, *args, cost=cost)
            else:
                rv = await strategy.get_window_stats(item, *args)
            op, item, args, cost = check.send(rv)
    except StopIteration:
        pass
