"""The limiter's settings: constructor arguments, else ``RATELIMIT_*`` config.

Each setting is a keyword argument of :class:`~kolben.limiter.Limiter` and a
config key, with Flask-Limiter's defaults; an argument wins over the config.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..globals import request
from ._limits import ApplicationLimit, Limit
from .constants import ConfigVars as C
from .constants import HeaderNames

if TYPE_CHECKING:
    from ..app import Kolben

#: The keyword arguments of ``Limiter`` besides ``key_func``, ``app``,
#: ``default_limits``, ``application_limits`` and ``enabled``: each with
#: its config key and default.
OPTIONS: dict[str, tuple[str, Any]] = {
    "default_limits_per_method": (C.DEFAULT_LIMITS_PER_METHOD, False),
    "default_limits_exempt_when": (C.DEFAULT_LIMITS_EXEMPT_WHEN, None),
    "default_limits_deduct_when": (C.DEFAULT_LIMITS_DEDUCT_WHEN, None),
    "default_limits_cost": (C.DEFAULT_LIMITS_COST, 1),
    "application_limits_per_method": (C.APPLICATION_LIMITS_PER_METHOD, False),
    "application_limits_exempt_when": (C.APPLICATION_LIMITS_EXEMPT_WHEN, None),
    "application_limits_deduct_when": (C.APPLICATION_LIMITS_DEDUCT_WHEN, None),
    "application_limits_cost": (C.APPLICATION_LIMITS_COST, 1),
    "headers_enabled": (C.HEADERS_ENABLED, False),
    "strategy": (C.STRATEGY, "fixed-window"),
    "storage_uri": (C.STORAGE_URI, None),
    "storage_options": (C.STORAGE_OPTIONS, None),
    "swallow_errors": (C.SWALLOW_ERRORS, False),
    "fail_on_first_breach": (C.FAIL_ON_FIRST_BREACH, True),
    "on_breach": (C.ON_BREACH, None),
    "in_memory_fallback": (C.IN_MEMORY_FALLBACK, None),
    "in_memory_fallback_enabled": (C.IN_MEMORY_FALLBACK_ENABLED, False),
    "retry_after": (C.HEADER_RETRY_AFTER_VALUE, None),
    "key_prefix": (C.KEY_PREFIX, ""),
    "request_identifier": (C.REQUEST_IDENTIFIER, None),
    "header_name_mapping": ("", None),
}

_HEADER_KEYS = {
    HeaderNames.RESET: C.HEADER_RESET,
    HeaderNames.REMAINING: C.HEADER_REMAINING,
    HeaderNames.LIMIT: C.HEADER_LIMIT,
    HeaderNames.RETRY_AFTER: C.HEADER_RETRY_AFTER,
}

log = logging.getLogger("kolben.limiter")


def _endpoint() -> str:
    return request.endpoint or ""


class Settings:
    """The settings part of ``Limiter``: resolved from options and config."""

    logger: logging.Logger
    _key_func: Callable[[], str]
    _options: dict[str, Any]
    _default_limits: list[Limit]
    _application_limits: list[Limit]
    _fallback_limits: list[Limit]
    _headers_enabled: bool
    _header_mapping: dict[HeaderNames, str]
    _strategy: str
    _storage_uri: str
    _storage_options: dict[str, Any]
    _swallow_errors: bool
    _fail_on_first_breach: bool
    _on_breach: Callable[..., Any] | None
    _in_memory_fallback_enabled: bool
    _retry_after: str | None
    _key_prefix: str
    _request_identifier: Callable[[], str]

    def _check_options(self) -> None:
        unknown = set(self._options) - set(OPTIONS)
        if unknown:
            names = ", ".join(sorted(unknown))
            raise TypeError(f"Limiter() got unexpected keyword arguments: {names}")

    def _bind(self, lim: Limit) -> Limit:
        return lim.bind(self)  # type: ignore[arg-type]

    def _setting(self, app: Kolben, name: str) -> Any:
        key, default = OPTIONS[name]
        value = self._options.get(name)
        if value is None:
            value = app.config.setdefault(key, default)
        return default if value is None else value

    def _configure(self, app: Kolben) -> None:
        """Resolve every setting for ``app``."""
        self._check_options()
        s: Callable[[str], Any] = functools.partial(self._setting, app)
        self._headers_enabled = bool(s("headers_enabled"))
        self._strategy = s("strategy")
        uri = s("storage_uri")
        if not uri:
            log.warning(
                "Using the in-memory storage for tracking rate limits as no storage"
                " was explicitly specified. Every worker process counts on its own:"
                " set RATELIMIT_STORAGE_URI to a redis:// URL in production."
            )
            uri = "memory://"
        self._storage_uri = uri
        self._storage_options = dict(s("storage_options") or {})
        self._swallow_errors = bool(s("swallow_errors"))
        self._fail_on_first_breach = bool(s("fail_on_first_breach"))
        self._on_breach = s("on_breach")
        self._retry_after = s("retry_after")
        self._key_prefix = s("key_prefix")
        self._request_identifier = s("request_identifier") or _endpoint
        mapping = self._options.get("header_name_mapping") or {}
        self._header_mapping = {
            name: mapping.get(name) or app.config.setdefault(key, name.value)
            for name, key in _HEADER_KEYS.items()
        }
        self._configure_limits(app, s)
        fallback = s("in_memory_fallback")
        if isinstance(fallback, str) or callable(fallback):
            fallback = [fallback]
        self._fallback_limits = [
            self._bind(lim if isinstance(lim, Limit) else Limit(lim))
            for lim in fallback or ()
        ]
        self._in_memory_fallback_enabled = bool(
            s("in_memory_fallback_enabled") or self._fallback_limits
        )

    def _configure_limits(self, app: Kolben, s: Callable[[str], Any]) -> None:
        """Fill in the default and application limits from the config."""
        for kind, cls, key in (
            ("default", Limit, C.DEFAULT_LIMITS),
            ("application", ApplicationLimit, C.APPLICATION_LIMITS),
        ):
            current: list[Limit] = getattr(self, f"_{kind}_limits")
            configured = app.config.setdefault(key, None)
            if not current and configured:
                current.append(cls(configured, finalized=False).bind(self))  # type: ignore[arg-type]
            for group in current:
                if not group.finalized:
                    group.per_method = bool(s(f"{kind}_limits_per_method"))
                    group.exempt_when = s(f"{kind}_limits_exempt_when")
                    group.deduct_when = s(f"{kind}_limits_deduct_when")
                    group.cost = s(f"{kind}_limits_cost")
                    group.finalized = True
                    self._bind(group)
