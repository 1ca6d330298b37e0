"""How the limiter survives its storage: fallback, swallowed errors, headers.

A mixin of :class:`~kolben.limiter.Limiter`: running a check against the
sync or async storage, what a storage failure does, and the
``after_request`` work (``deduct_when`` counts and the headers).
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any, cast

from ..globals import g
from ..http.dates import http_date
from . import _check
from ._limits import RuntimeLimit
from .constants import HeaderNames
from .errors import RateLimitExceeded

if TYPE_CHECKING:
    import logging

    from limits.strategies import RateLimiter

    from ..response import Response
    from ._extension import Limiter
    from ._limits import Limit
    from ._resolve import Plan
    from ._storage import Storages


def _on_loop() -> bool:
    """Whether this code runs on an event loop (and so must not block)."""
    import asyncio

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


class Guard:
    """The storage-facing part of ``Limiter``."""

    def _me(self) -> Limiter:
        return cast("Limiter", self)

    if TYPE_CHECKING:
        logger: logging.Logger
        _storages: Storages | None
        _fallback_limits: list[Limit]
        _swallow_errors: bool
        _headers_enabled: bool
        _header_mapping: dict[HeaderNames, str]
        _retry_after: str | None
        _ctx_key: str

        @property
        def limiter(self) -> RateLimiter: ...

        @property
        def context(self) -> _check.LimiterContext: ...

        def identify_request(self) -> str: ...

        def _plan(self) -> Plan | None: ...

    def _retry_limits(
        self, limits: list[RuntimeLimit], hook: bool
    ) -> list[RuntimeLimit]:
        """Return the limits to count in memory once the storage failed."""
        if not self._fallback_limits:
            return limits
        # Where the view's own limits would be checked, as in Flask-Limiter.
        plan = self._plan()
        if plan is None or hook == plan.in_view:
            return []
        return [lim for group in self._fallback_limits for lim in group]

    def _guarded_sync(self, limits: list[RuntimeLimit], hook: bool = False) -> None:
        """Check ``limits`` with the sync storage, handling its failures."""
        storages = self._storages
        assert storages is not None
        if storages.dead and storages.should_check() and storages.storage.check():
            self.logger.info("Rate limit storage recovered")
            storages.recovered()
        endpoint = self.identify_request()
        try:
            _check.run_sync(
                self.limiter,
                _check.evaluate(self._me(), limits, endpoint, self.context),
            )
        except RateLimitExceeded:
            raise
        except Exception as e:
            if not self._storage_failed(e):
                raise
            if storages.dead and storages.fallback is not None:
                self._guarded_sync(self._retry_limits(limits, hook), hook)

    async def _guarded_async(
        self, limits: list[RuntimeLimit], hook: bool = False
    ) -> None:
        """Check ``limits`` with the async storage, handling its failures."""
        storages = self._storages
        assert storages is not None
        if storages.dead and storages.should_check():
            if await storages.async_storage().check():
                self.logger.info("Rate limit storage recovered")
                storages.recovered()
        endpoint = self.identify_request()
        check = _check.evaluate(self._me(), limits, endpoint, self.context)
        try:
            if storages.dead and storages.fallback is not None:
                _check.run_sync(storages.fallback, check)
            else:
                await _check.run_async(storages.async_limiter(), check)
        except RateLimitExceeded:
            raise
        except Exception as e:
            if not self._storage_failed(e):
                raise
            if storages.dead and storages.fallback is not None:
                self._guarded_sync(self._retry_limits(limits, hook), hook)

    def _storage_failed(self, error: Exception) -> bool:
        """Deal with a storage error: return whether it is handled."""
        storages = self._storages
        assert storages is not None
        if storages.fallback is not None and not storages.dead:
            self.logger.warning(
                "Rate limit storage unreachable (%s): counting in memory instead",
                error,
            )
            storages.dead = True
            self.context.seen.clear()
            return True
        if self._swallow_errors:
            self.logger.warning("Failed to rate limit (%s): request let through", error)
            return True
        return False

    # -- after the view ------------------------------------------------------------

    def _after_request(self, response: Response) -> Any:
        """Count ``deduct_when`` limits, then add the headers (after_request).

        PERF: marked nonblocking, like :meth:`_check_request_limit`.
        """
        ctx: _check.LimiterContext | None = g.get(self._ctx_key)
        if ctx is None:
            return response
        if ctx.deductions:
            check = _check.deduct(self._me(), response, ctx)
            storages = self._storages
            assert storages is not None
            if storages.does_io and not storages.dead and _on_loop():
                return self._deduct_async(response, check)
            self._deduct_sync(check)
        return self._inject_headers(response, ctx)

    def _deduct_sync(self, check: _check.Check) -> None:
        try:
            _check.run_sync(self.limiter, check)
        except Exception as e:
            if not self._storage_failed(e):
                raise

    async def _deduct_async(self, response: Response, check: _check.Check) -> Response:
        assert self._storages is not None
        try:
            await _check.run_async(self._storages.async_limiter(), check)
        except Exception as e:
            if not self._storage_failed(e):
                raise
        return self._inject_headers(response, self.context)

    def _inject_headers(
        self, response: Response, ctx: _check.LimiterContext
    ) -> Response:
        current = ctx.view_rate_limit
        if not (self._headers_enabled and current and current._window):
            return response
        names = self._header_mapping
        reset_at = current.reset_at
        headers = response.headers
        headers.add(names[HeaderNames.LIMIT], str(current.limit.amount))
        headers.add(names[HeaderNames.REMAINING], str(current.remaining))
        headers.add(names[HeaderNames.RESET], str(reset_at))
        if self._retry_after == "http-date":
            retry_after = http_date(reset_at)
        else:
            retry_after = str(max(0, int(reset_at - time.time())))
        headers[names[HeaderNames.RETRY_AFTER]] = retry_after
        return response
