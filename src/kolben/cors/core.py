"""What the CORS extension and decorator share: options and the headers they give.

Options are resolved once, when the app (or a view's first request) sets
them up, into :class:`CORSOptions`; a request only matches strings and
compiled patterns against them.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from ..http.headers import Headers

LOG = logging.getLogger("kolben.cors")

# Response headers.
ACL_ORIGIN = "Access-Control-Allow-Origin"
ACL_METHODS = "Access-Control-Allow-Methods"
ACL_ALLOW_HEADERS = "Access-Control-Allow-Headers"
ACL_EXPOSE_HEADERS = "Access-Control-Expose-Headers"
ACL_CREDENTIALS = "Access-Control-Allow-Credentials"
ACL_MAX_AGE = "Access-Control-Max-Age"
ACL_RESPONSE_PRIVATE_NETWORK = "Access-Control-Allow-Private-Network"
# Request headers.
ACL_REQUEST_METHOD = "Access-Control-Request-Method"
ACL_REQUEST_HEADERS = "Access-Control-Request-Headers"
ACL_REQUEST_HEADER_PRIVATE_NETWORK = "Access-Control-Request-Private-Network"

ALL_METHODS = ["GET", "HEAD", "POST", "OPTIONS", "PUT", "PATCH", "DELETE"]
#: The ``CORS_*`` settings, each the upper-case name of an option.
CONFIG_OPTIONS = [
    "CORS_ORIGINS",
    "CORS_METHODS",
    "CORS_ALLOW_HEADERS",
    "CORS_EXPOSE_HEADERS",
    "CORS_SUPPORTS_CREDENTIALS",
    "CORS_MAX_AGE",
    "CORS_SEND_WILDCARD",
    "CORS_AUTOMATIC_OPTIONS",
    "CORS_VARY_HEADER",
    "CORS_RESOURCES",
    "CORS_INTERCEPT_EXCEPTIONS",
    "CORS_ALWAYS_SEND",
    "CORS_ALLOW_PRIVATE_NETWORK",
]
DEFAULT_OPTIONS: dict[str, Any] = {
    "origins": "*",
    "methods": ALL_METHODS,
    "allow_headers": "*",
    "expose_headers": None,
    "supports_credentials": False,
    "max_age": None,
    "send_wildcard": False,
    "automatic_options": True,
    "vary_header": True,
    "resources": r"/*",
    "intercept_exceptions": True,
    "always_send": True,
    "allow_private_network": False,
}
#: Set on a response whose CORS headers a decorated view already set.
FLASK_CORS_EVALUATED = "_FLASK_CORS_EVALUATED"

_REGEX_HINTS = frozenset("*\\]?$^[]()")
Pattern = str | re.Pattern[str]


@dataclass(frozen=True)
class CORSOptions:
    """The resolved options of one resource or view."""

    origins: tuple[Pattern, ...]
    allow_all_origins: bool
    methods: str | None
    allow_headers: tuple[Pattern, ...]
    expose_headers: str | None
    max_age: str | None
    supports_credentials: bool
    send_wildcard: bool
    automatic_options: bool
    vary_header: bool
    intercept_exceptions: bool
    always_send: bool
    allow_private_network: bool
    #: Whether an origin pattern must match the whole Origin (kolben's
    #: default) or only its start, as Flask-CORS matches.
    fullmatch_origins: bool = True

    @property
    def varies(self) -> bool:
        """Whether the answer depends on the request's Origin."""
        return not (self.allow_all_origins and self.send_wildcard)


def probably_regex(value: Pattern) -> bool:
    """Return whether ``value`` is a regular expression rather than a literal."""
    return isinstance(value, re.Pattern) or not _REGEX_HINTS.isdisjoint(value)


def re_fix(value: Pattern) -> Pattern:
    """Turn the friendly ``*`` into the regular expression ``.*``."""
    return r".*" if value == r"*" else value


def compile_pattern(value: Pattern, *, ignore_case: bool) -> Pattern:
    """Compile a pattern that looks like a regex; keep a literal as it is.

    :raises ValueError: the regular expression does not compile.
    """
    if isinstance(value, str) and probably_regex(value):
        try:
            return re.compile(value, re.IGNORECASE if ignore_case else 0)
        except re.error as e:
            raise ValueError(
                f"Invalid regular expression in CORS options: {value!r}"
            ) from e
    return value


def _iterable(value: Any) -> list[Any]:
    if isinstance(value, (str, re.Pattern)) or not isinstance(value, Iterable):
        return [value]
    return list(value)


def _joined(value: Any) -> str | None:
    """Join an iterable sorted, as Flask-CORS writes lists into headers."""
    if value is None:
        return None
    if isinstance(value, str) or not isinstance(value, Iterable):
        return str(value)
    return ", ".join(str(item) for item in sorted(value))


def config_options(config: Mapping[str, Any]) -> dict[str, Any]:
    """Return the options the ``CORS_*`` settings give (those not ``None``)."""
    return {
        key[5:].lower(): config[key]
        for key in CONFIG_OPTIONS
        if config.get(key) is not None
    }


def merge_options(
    config: Mapping[str, Any], *dicts: Mapping[str, Any]
) -> dict[str, Any]:
    """Merge the defaults, the ``CORS_*`` settings and ``dicts``; the last wins."""
    options = dict(DEFAULT_OPTIONS)
    options.update(config_options(config))
    for d in dicts:
        options.update(d)
    return options


def serialize_options(
    opts: Mapping[str, Any], config: Mapping[str, Any]
) -> CORSOptions:
    """Resolve raw options into :class:`CORSOptions`.

    :param opts: the merged options.
    :param config: the app's config, for ``CORS_ORIGIN_FULLMATCH``.
    :raises ValueError: credentials with a wildcard ``*`` sent, or a bad regex.
    """
    for key in opts:
        if key not in DEFAULT_OPTIONS:
            LOG.warning("Unknown option passed to kolben.cors: %s", key)
    origins = [re_fix(o) for o in _iterable(opts.get("origins"))]
    allow_all = r".*" in origins
    credentials = bool(opts.get("supports_credentials"))
    send_wildcard = bool(opts.get("send_wildcard"))
    if allow_all and credentials and send_wildcard:
        raise ValueError(
            "Cannot use supports_credentials with send_wildcard and the origin"
            " '*': browsers refuse credentialed answers to '*'. List the origins."
        )
    methods = _joined(opts.get("methods"))
    max_age = opts.get("max_age")
    if isinstance(max_age, timedelta):
        max_age = int(max_age.total_seconds())
    return CORSOptions(
        origins=tuple(compile_pattern(o, ignore_case=True) for o in origins),
        allow_all_origins=allow_all,
        methods=methods.upper() if methods is not None else None,
        allow_headers=tuple(
            compile_pattern(re_fix(h), ignore_case=True)
            for h in _iterable(opts.get("allow_headers"))
        ),
        expose_headers=_joined(opts.get("expose_headers")),
        max_age=str(max_age) if max_age is not None else None,
        supports_credentials=credentials,
        send_wildcard=send_wildcard,
        automatic_options=bool(opts.get("automatic_options")),
        vary_header=bool(opts.get("vary_header")),
        intercept_exceptions=bool(opts.get("intercept_exceptions")),
        always_send=bool(opts.get("always_send")),
        allow_private_network=bool(opts.get("allow_private_network")),
        fullmatch_origins=bool(config.get("CORS_ORIGIN_FULLMATCH", True)),
    )


def matches(value: str, patterns: Iterable[Pattern], *, full: bool = False) -> bool:
    """Return whether ``value`` matches a literal (any case) or a pattern."""
    folded = value.casefold()
    for pattern in patterns:
        if isinstance(pattern, re.Pattern):
            found = pattern.fullmatch(value) if full else pattern.match(value)
            if found:
                return True
        elif folded == pattern.casefold():
            return True
    return False


def allowed_origins(options: CORSOptions, origin: str | None) -> list[str] | None:
    """Return the ``Access-Control-Allow-Origin`` values to send, or ``None``."""
    if origin:
        if options.allow_all_origins and options.send_wildcard:
            return ["*"]
        # SECURITY: a pattern must match the whole Origin, unless the app
        # asked for Flask-CORS's prefix match: r"https://.*\.example\.com"
        # would otherwise allow https://a.example.com.evil.net.
        full = options.fullmatch_origins
        if matches(origin, options.origins, full=full):
            return [origin]
        return None
    if not options.always_send:
        return None
    if options.allow_all_origins:
        # Never '*' with credentials, which the specification forbids.
        return None if options.supports_credentials else ["*"]
    return sorted(o for o in options.origins if isinstance(o, str))


def cors_headers(
    options: CORSOptions, request_headers: Headers, method: str
) -> list[tuple[str, str]]:
    """Return the CORS header fields for a request, in Flask-CORS's order."""
    origins = allowed_origins(options, request_headers.get("Origin"))
    if not origins:
        return []
    fields = [(ACL_ORIGIN, origin) for origin in origins]
    if options.expose_headers:
        fields.append((ACL_EXPOSE_HEADERS, options.expose_headers))
    if options.supports_credentials:
        fields.append((ACL_CREDENTIALS, "true"))
    if request_headers.get(ACL_REQUEST_HEADER_PRIVATE_NETWORK) == "true":
        allow = "true" if options.allow_private_network else "false"
        fields.append((ACL_RESPONSE_PRIVATE_NETWORK, allow))
    if method == "OPTIONS":
        fields.extend(_preflight_fields(options, request_headers))
    return fields


def _preflight_fields(options: CORSOptions, headers: Headers) -> list[tuple[str, str]]:
    asked = headers.get(ACL_REQUEST_METHOD, "").upper()
    methods = options.methods
    if not (asked and methods and asked in methods):
        LOG.info("The preflight's Access-Control-Request-Method is not allowed.")
        return []
    fields = []
    requested = headers.get(ACL_REQUEST_HEADERS)
    if requested:
        names = [h.strip() for h in requested.split(",")]
        allowed = sorted(h for h in names if matches(h, options.allow_headers))
        if allowed:
            fields.append((ACL_ALLOW_HEADERS, ", ".join(allowed)))
    if options.max_age:
        fields.append((ACL_MAX_AGE, options.max_age))
    fields.append((ACL_METHODS, methods))
    return fields


def add_vary_origin(headers: Headers) -> None:
    """Add ``Origin`` to the response's ``Vary``, once."""
    vary = headers.get("Vary")
    if not vary:
        headers["Vary"] = "Origin"
    elif "origin" not in {v.strip().lower() for v in vary.split(",")}:
        headers["Vary"] = f"{vary}, Origin"


def set_cors_headers(response: Any, options: CORSOptions, request: Any) -> Any:
    """Add the CORS headers for ``request`` to ``response``; return it.

    A response a decorated view already answered for is left as it is.
    """
    if getattr(response, FLASK_CORS_EVALUATED, False):
        return response
    headers = response.headers
    for name, value in cors_headers(options, request.headers, request.method):
        headers.add(name, value)
    if options.vary_header and options.varies:
        add_vary_origin(headers)
    return response


def is_preflight(request: Any) -> bool:
    """Return whether ``request`` is a CORS preflight."""
    if request.method != "OPTIONS":
        return False
    headers = request.headers
    return ACL_REQUEST_METHOD in headers and "Origin" in headers


def check_credentials(
    options: CORSOptions, config: Mapping[str, Any], where: str
) -> None:
    """Warn, or with ``CORS_STRICT_CREDENTIALS`` refuse, credentials for any origin.

    :raises ValueError: ``CORS_STRICT_CREDENTIALS`` is set.
    """
    if not (options.supports_credentials and options.allow_all_origins):
        return
    # SECURITY: the Origin is reflected, so every site on the web can make
    # requests that carry the user's cookies and read the answers.
    message = (
        f"CORS for {where}: supports_credentials=True with every origin allowed"
        " reflects the request's Origin, so any site can make credentialed"
        " requests and read the answers. List the origins that may."
    )
    if config.get("CORS_STRICT_CREDENTIALS"):
        raise ValueError(message + " (CORS_STRICT_CREDENTIALS is set.)")
    LOG.warning(message)
