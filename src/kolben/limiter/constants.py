"""The names of the limiter's config keys, headers and exemption scopes."""

from __future__ import annotations

import enum


class ConfigVars:
    """The ``RATELIMIT_*`` config keys, by Flask-Limiter's attribute names."""

    ENABLED = "RATELIMIT_ENABLED"
    KEY_PREFIX = "RATELIMIT_KEY_PREFIX"
    FAIL_ON_FIRST_BREACH = "RATELIMIT_FAIL_ON_FIRST_BREACH"
    ON_BREACH = "RATELIMIT_ON_BREACH_CALLBACK"
    SWALLOW_ERRORS = "RATELIMIT_SWALLOW_ERRORS"
    APPLICATION_LIMITS = "RATELIMIT_APPLICATION"
    APPLICATION_LIMITS_PER_METHOD = "RATELIMIT_APPLICATION_PER_METHOD"
    APPLICATION_LIMITS_EXEMPT_WHEN = "RATELIMIT_APPLICATION_EXEMPT_WHEN"
    APPLICATION_LIMITS_DEDUCT_WHEN = "RATELIMIT_APPLICATION_DEDUCT_WHEN"
    APPLICATION_LIMITS_COST = "RATELIMIT_APPLICATION_COST"
    DEFAULT_LIMITS = "RATELIMIT_DEFAULT"
    DEFAULT_LIMITS_PER_METHOD = "RATELIMIT_DEFAULTS_PER_METHOD"
    DEFAULT_LIMITS_EXEMPT_WHEN = "RATELIMIT_DEFAULTS_EXEMPT_WHEN"
    DEFAULT_LIMITS_DEDUCT_WHEN = "RATELIMIT_DEFAULTS_DEDUCT_WHEN"
    DEFAULT_LIMITS_COST = "RATELIMIT_DEFAULTS_COST"
    REQUEST_IDENTIFIER = "RATELIMIT_REQUEST_IDENTIFIER"
    STRATEGY = "RATELIMIT_STRATEGY"
    STORAGE_URI = "RATELIMIT_STORAGE_URI"
    STORAGE_OPTIONS = "RATELIMIT_STORAGE_OPTIONS"
    HEADERS_ENABLED = "RATELIMIT_HEADERS_ENABLED"
    HEADER_LIMIT = "RATELIMIT_HEADER_LIMIT"
    HEADER_REMAINING = "RATELIMIT_HEADER_REMAINING"
    HEADER_RESET = "RATELIMIT_HEADER_RESET"
    HEADER_RETRY_AFTER = "RATELIMIT_HEADER_RETRY_AFTER"
    HEADER_RETRY_AFTER_VALUE = "RATELIMIT_HEADER_RETRY_AFTER_VALUE"
    IN_MEMORY_FALLBACK = "RATELIMIT_IN_MEMORY_FALLBACK"
    IN_MEMORY_FALLBACK_ENABLED = "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED"


class HeaderNames(enum.Enum):
    """The rate limit headers, to rename with ``header_name_mapping``."""

    #: When the current window resets, as a Unix timestamp.
    RESET = "X-RateLimit-Reset"
    #: How many requests are left in the current window.
    REMAINING = "X-RateLimit-Remaining"
    #: How many requests a window allows.
    LIMIT = "X-RateLimit-Limit"
    #: How long to wait before retrying.
    RETRY_AFTER = "Retry-After"


class ExemptionScope(enum.Flag):
    """What :meth:`Limiter.exempt` exempts a view or blueprint from."""

    NONE = 0
    #: The application-wide limits.
    APPLICATION = enum.auto()
    #: Kept for Flask-Limiter's flag values; kolben has no meta limits.
    META = enum.auto()
    #: The default limits of the extension.
    DEFAULT = enum.auto()
    #: Blueprints nested in an exempt blueprint.
    DESCENDENTS = enum.auto()
    #: Limits inherited from the blueprints a blueprint is nested in.
    ANCESTORS = enum.auto()


#: After this many failed checks of a dead storage, start again from 1 s.
MAX_BACKEND_CHECKS = 5
