"""The ``JWT_*`` settings, read from the app's config, as Flask-JWT-Extended's.

``config`` reads the current app's config on each access, so tests and app
factories may change a key after :class:`~kolben.jwt.JWTManager` is set up.
:class:`JWTManager.init_app <kolben.jwt.JWTManager.init_app>` puts every key's
default in the config with ``setdefault``; see ``docs/jwt.md`` for the list.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from ..globals import current_app
from .typing import ExpiresDelta

LOCATIONS = ("headers", "cookies", "query_string", "json")
#: What a token locations setting or argument may hold.
LocationType = str | Sequence[str] | None

# Flask-JWT-Extended 4's defaults, and kolben's one addition.
DEFAULTS: dict[str, Any] = {
    "JWT_ACCESS_TOKEN_EXPIRES": timedelta(minutes=15),
    "JWT_ACCESS_COOKIE_NAME": "access_token_cookie",
    "JWT_ACCESS_COOKIE_PATH": "/",
    "JWT_ACCESS_CSRF_COOKIE_NAME": "csrf_access_token",
    "JWT_ACCESS_CSRF_COOKIE_PATH": "/",
    "JWT_ACCESS_CSRF_FIELD_NAME": "csrf_token",
    "JWT_ACCESS_CSRF_HEADER_NAME": "X-CSRF-TOKEN",
    "JWT_ALGORITHM": "HS256",
    "JWT_COOKIE_CSRF_PROTECT": True,
    "JWT_COOKIE_DOMAIN": None,
    "JWT_COOKIE_SAMESITE": None,
    "JWT_COOKIE_SECURE": False,
    "JWT_CSRF_CHECK_FORM": False,
    "JWT_CSRF_IN_COOKIES": True,
    "JWT_CSRF_METHODS": ["POST", "PUT", "PATCH", "DELETE"],
    "JWT_DECODE_ALGORITHMS": None,
    "JWT_DECODE_AUDIENCE": None,
    "JWT_DECODE_ISSUER": None,
    "JWT_DECODE_LEEWAY": 0,
    "JWT_ENCODE_AUDIENCE": None,
    "JWT_ENCODE_ISSUER": None,
    "JWT_ENCODE_NBF": True,
    "JWT_ERROR_MESSAGE_KEY": "msg",
    "JWT_HEADER_NAME": "Authorization",
    "JWT_HEADER_TYPE": "Bearer",
    "JWT_IDENTITY_CLAIM": "sub",
    "JWT_JSON_KEY": "access_token",
    "JWT_PRIVATE_KEY": None,
    "JWT_PUBLIC_KEY": None,
    "JWT_QUERY_STRING_NAME": "jwt",
    "JWT_QUERY_STRING_VALUE_PREFIX": "",
    "JWT_REFRESH_COOKIE_NAME": "refresh_token_cookie",
    "JWT_REFRESH_COOKIE_PATH": "/",
    "JWT_REFRESH_CSRF_COOKIE_NAME": "csrf_refresh_token",
    "JWT_REFRESH_CSRF_COOKIE_PATH": "/",
    "JWT_REFRESH_CSRF_FIELD_NAME": "csrf_token",
    "JWT_REFRESH_CSRF_HEADER_NAME": "X-CSRF-TOKEN",
    "JWT_REFRESH_JSON_KEY": "refresh_token",
    "JWT_REFRESH_TOKEN_EXPIRES": timedelta(days=30),
    "JWT_SECRET_KEY": None,
    "JWT_SESSION_COOKIE": True,
    "JWT_TOKEN_LOCATION": ("headers",),
    "JWT_VERIFY_SUB": True,
    # kolben's own. A longer token is refused before it is decoded (None
    # lifts the limit); a token verified once is not verified again while it
    # is valid (False verifies every request's token in full).
    "JWT_MAX_TOKEN_LENGTH": 8192,
    "JWT_DECODE_CACHE": True,
}

_ASYMMETRIC = frozenset(
    {"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES256K"}
    | {"ES384", "ES512", "ES521", "EdDSA"}
)


def normalize_locations(locations: LocationType) -> tuple[str, ...]:
    """Return ``locations`` as a checked tuple.

    :param locations: a location name or a sequence of them.
    :raises RuntimeError: empty, or a name other than ``headers``,
        ``cookies``, ``query_string`` or ``json``.
    """
    if isinstance(locations, str):
        found: tuple[str, ...] = (locations,)
    elif isinstance(locations, Iterable):
        found = tuple(locations)
    else:
        raise RuntimeError("JWT_TOKEN_LOCATION must be a sequence or a set")
    if not found:
        raise RuntimeError(
            "JWT_TOKEN_LOCATION must contain at least one "
            'of "headers", "cookies", "query_string", or "json"'
        )
    for location in found:
        if location not in LOCATIONS:
            raise RuntimeError(
                f"'{location}' is not a valid location: JWT_TOKEN_LOCATION can"
                ' only contain "headers", "cookies", "query_string", or "json"'
            )
    return found


def _expires(value: Any, key: str) -> ExpiresDelta:
    if type(value) is int:
        value = timedelta(seconds=value)
    if value is not False:
        # Anything a datetime can be added to: a timedelta, a relativedelta.
        try:
            value + now()
        except TypeError as e:
            raise RuntimeError(f"must be able to add {key} to datetime.datetime") from e
    return value  # type: ignore[no-any-return]


class _Config:
    """The JWT settings of an app's config, with their checks.

    :param source: the config to read; the current app's when ``None``.
    """

    def __init__(self, source: Mapping[str, Any] | None = None) -> None:
        self._source = source

    def _get(self, key: str) -> Any:
        source = self._source
        if source is None:
            source = current_app.config
        return source[key]

    @property
    def is_asymmetric(self) -> bool:
        """Whether the algorithm signs with a private key."""
        return self.algorithm in _ASYMMETRIC

    @property
    def encode_key(self) -> Any:
        """The key tokens are signed with."""
        return self._private_key if self.is_asymmetric else self._secret_key

    @property
    def decode_key(self) -> Any:
        """The key signatures are checked with."""
        return self._public_key if self.is_asymmetric else self._secret_key

    @property
    def token_location(self) -> tuple[str, ...]:
        """``JWT_TOKEN_LOCATION``, checked."""
        return normalize_locations(self._get("JWT_TOKEN_LOCATION"))

    @property
    def jwt_in_cookies(self) -> bool:
        """Whether tokens are looked for in cookies."""
        return "cookies" in self.token_location

    @property
    def jwt_in_headers(self) -> bool:
        """Whether tokens are looked for in a header."""
        return "headers" in self.token_location

    @property
    def jwt_in_query_string(self) -> bool:
        """Whether tokens are looked for in the query string."""
        return "query_string" in self.token_location

    @property
    def jwt_in_json(self) -> bool:
        """Whether tokens are looked for in a JSON body."""
        return "json" in self.token_location

    @property
    def header_name(self) -> str:
        """``JWT_HEADER_NAME``, which must not be empty."""
        name = self._get("JWT_HEADER_NAME")
        if not name:
            raise RuntimeError("JWT_ACCESS_HEADER_NAME cannot be empty")
        return str(name)

    @property
    def header_type(self) -> str:
        """``JWT_HEADER_TYPE``: the word before the token, or ``""``."""
        return str(self._get("JWT_HEADER_TYPE") or "")

    @property
    def query_string_name(self) -> str:
        """``JWT_QUERY_STRING_NAME``."""
        return str(self._get("JWT_QUERY_STRING_NAME"))

    @property
    def query_string_value_prefix(self) -> str:
        """``JWT_QUERY_STRING_VALUE_PREFIX``."""
        return str(self._get("JWT_QUERY_STRING_VALUE_PREFIX") or "")

    @property
    def access_cookie_name(self) -> str:
        """``JWT_ACCESS_COOKIE_NAME``."""
        return str(self._get("JWT_ACCESS_COOKIE_NAME"))

    @property
    def refresh_cookie_name(self) -> str:
        """``JWT_REFRESH_COOKIE_NAME``."""
        return str(self._get("JWT_REFRESH_COOKIE_NAME"))

    @property
    def access_cookie_path(self) -> str:
        """``JWT_ACCESS_COOKIE_PATH``."""
        return str(self._get("JWT_ACCESS_COOKIE_PATH"))

    @property
    def refresh_cookie_path(self) -> str:
        """``JWT_REFRESH_COOKIE_PATH``."""
        return str(self._get("JWT_REFRESH_COOKIE_PATH"))

    @property
    def cookie_secure(self) -> bool:
        """``JWT_COOKIE_SECURE``."""
        return bool(self._get("JWT_COOKIE_SECURE"))

    @property
    def cookie_domain(self) -> str | None:
        """``JWT_COOKIE_DOMAIN``."""
        return self._get("JWT_COOKIE_DOMAIN")  # type: ignore[no-any-return]

    @property
    def session_cookie(self) -> bool:
        """``JWT_SESSION_COOKIE``: cookies end with the browser session."""
        return bool(self._get("JWT_SESSION_COOKIE"))

    @property
    def cookie_samesite(self) -> str | None:
        """``JWT_COOKIE_SAMESITE``."""
        return self._get("JWT_COOKIE_SAMESITE")  # type: ignore[no-any-return]

    @property
    def json_key(self) -> str:
        """``JWT_JSON_KEY``."""
        return str(self._get("JWT_JSON_KEY"))

    @property
    def refresh_json_key(self) -> str:
        """``JWT_REFRESH_JSON_KEY``."""
        return str(self._get("JWT_REFRESH_JSON_KEY"))

    @property
    def cookie_csrf_protect(self) -> bool:
        """``JWT_COOKIE_CSRF_PROTECT``."""
        return bool(self._get("JWT_COOKIE_CSRF_PROTECT"))

    @property
    def csrf_request_methods(self) -> Iterable[str]:
        """``JWT_CSRF_METHODS``."""
        return self._get("JWT_CSRF_METHODS")  # type: ignore[no-any-return]

    @property
    def csrf_in_cookies(self) -> bool:
        """``JWT_CSRF_IN_COOKIES``."""
        return bool(self._get("JWT_CSRF_IN_COOKIES"))

    @property
    def access_csrf_cookie_name(self) -> str:
        """``JWT_ACCESS_CSRF_COOKIE_NAME``."""
        return str(self._get("JWT_ACCESS_CSRF_COOKIE_NAME"))

    @property
    def refresh_csrf_cookie_name(self) -> str:
        """``JWT_REFRESH_CSRF_COOKIE_NAME``."""
        return str(self._get("JWT_REFRESH_CSRF_COOKIE_NAME"))

    @property
    def access_csrf_cookie_path(self) -> str:
        """``JWT_ACCESS_CSRF_COOKIE_PATH``."""
        return str(self._get("JWT_ACCESS_CSRF_COOKIE_PATH"))

    @property
    def refresh_csrf_cookie_path(self) -> str:
        """``JWT_REFRESH_CSRF_COOKIE_PATH``."""
        return str(self._get("JWT_REFRESH_CSRF_COOKIE_PATH"))

    @property
    def access_csrf_header_name(self) -> str:
        """``JWT_ACCESS_CSRF_HEADER_NAME``."""
        return str(self._get("JWT_ACCESS_CSRF_HEADER_NAME"))

    @property
    def refresh_csrf_header_name(self) -> str:
        """``JWT_REFRESH_CSRF_HEADER_NAME``."""
        return str(self._get("JWT_REFRESH_CSRF_HEADER_NAME"))

    @property
    def csrf_check_form(self) -> bool:
        """``JWT_CSRF_CHECK_FORM``."""
        return bool(self._get("JWT_CSRF_CHECK_FORM"))

    @property
    def access_csrf_field_name(self) -> str:
        """``JWT_ACCESS_CSRF_FIELD_NAME``."""
        return str(self._get("JWT_ACCESS_CSRF_FIELD_NAME"))

    @property
    def refresh_csrf_field_name(self) -> str:
        """``JWT_REFRESH_CSRF_FIELD_NAME``."""
        return str(self._get("JWT_REFRESH_CSRF_FIELD_NAME"))

    @property
    def access_expires(self) -> ExpiresDelta:
        """``JWT_ACCESS_TOKEN_EXPIRES`` as a timedelta, or ``False``."""
        key = "JWT_ACCESS_TOKEN_EXPIRES"
        return _expires(self._get(key), key)

    @property
    def refresh_expires(self) -> ExpiresDelta:
        """``JWT_REFRESH_TOKEN_EXPIRES`` as a timedelta, or ``False``."""
        key = "JWT_REFRESH_TOKEN_EXPIRES"
        return _expires(self._get(key), key)

    @property
    def algorithm(self) -> str:
        """``JWT_ALGORITHM``, what new tokens are signed with."""
        return str(self._get("JWT_ALGORITHM"))

    @property
    def decode_algorithms(self) -> list[str]:
        """The algorithms accepted: ``JWT_DECODE_ALGORITHMS`` and the signer's."""
        algorithms = self._get("JWT_DECODE_ALGORITHMS")
        if not algorithms:
            return [self.algorithm]
        algorithms = list(algorithms)
        if self.algorithm not in algorithms:
            algorithms.append(self.algorithm)
        return algorithms

    @property
    def _secret_key(self) -> Any:
        key = self._get("JWT_SECRET_KEY")
        if not key:
            source = self._source if self._source is not None else current_app.config
            key = source.get("SECRET_KEY")
            if not key:
                raise RuntimeError(
                    "JWT_SECRET_KEY or the app's SECRET_KEY must be set when"
                    f' using the symmetric algorithm "{self.algorithm}"'
                )
        return key

    @property
    def _public_key(self) -> Any:
        key = self._get("JWT_PUBLIC_KEY")
        if not key:
            raise RuntimeError(
                "JWT_PUBLIC_KEY must be set to use the asymmetric"
                f' algorithm "{self.algorithm}"'
            )
        return key

    @property
    def _private_key(self) -> Any:
        key = self._get("JWT_PRIVATE_KEY")
        if not key:
            raise RuntimeError(
                "JWT_PRIVATE_KEY must be set to use the asymmetric"
                f' algorithm "{self.algorithm}"'
            )
        return key

    @property
    def cookie_max_age(self) -> int | None:
        """The cookies' Max-Age: none for session cookies, else a year."""
        return None if self.session_cookie else 31540000

    @property
    def identity_claim_key(self) -> str:
        """``JWT_IDENTITY_CLAIM``."""
        return str(self._get("JWT_IDENTITY_CLAIM"))

    @property
    def exempt_methods(self) -> Iterable[str]:
        """The methods no token is asked of: ``OPTIONS`` (CORS preflights)."""
        return {"OPTIONS"}

    @property
    def error_msg_key(self) -> str:
        """``JWT_ERROR_MESSAGE_KEY``, the key of the error bodies' message."""
        return str(self._get("JWT_ERROR_MESSAGE_KEY"))

    @property
    def json_encoder(self) -> type[json.JSONEncoder]:
        """The encoder of claims: the app's JSON provider's ``default``."""
        from .internal_utils import JSONEncoder

        return JSONEncoder

    @property
    def decode_audience(self) -> str | Iterable[str] | None:
        """``JWT_DECODE_AUDIENCE``."""
        return self._get("JWT_DECODE_AUDIENCE")  # type: ignore[no-any-return]

    @property
    def encode_audience(self) -> str | Iterable[str] | None:
        """``JWT_ENCODE_AUDIENCE``."""
        return self._get("JWT_ENCODE_AUDIENCE")  # type: ignore[no-any-return]

    @property
    def encode_issuer(self) -> str | None:
        """``JWT_ENCODE_ISSUER``."""
        return self._get("JWT_ENCODE_ISSUER")  # type: ignore[no-any-return]

    @property
    def decode_issuer(self) -> str | None:
        """``JWT_DECODE_ISSUER``."""
        return self._get("JWT_DECODE_ISSUER")  # type: ignore[no-any-return]

    @property
    def leeway(self) -> float | timedelta:
        """``JWT_DECODE_LEEWAY``, seconds of clock skew allowed."""
        return self._get("JWT_DECODE_LEEWAY")  # type: ignore[no-any-return]

    @property
    def verify_sub(self) -> bool:
        """``JWT_VERIFY_SUB``: the ``sub`` claim must be a string."""
        return bool(self._get("JWT_VERIFY_SUB"))

    @property
    def encode_nbf(self) -> bool:
        """``JWT_ENCODE_NBF``: new tokens carry a not-before claim."""
        return bool(self._get("JWT_ENCODE_NBF"))

    @property
    def decode_cache(self) -> bool:
        """``JWT_DECODE_CACHE``: reuse the verification of a repeated token."""
        source = self._source if self._source is not None else current_app.config
        return bool(source.get("JWT_DECODE_CACHE", True))

    @property
    def max_token_length(self) -> int | None:
        """``JWT_MAX_TOKEN_LENGTH``; longer tokens are refused undecoded."""
        source = self._source if self._source is not None else current_app.config
        return source.get("JWT_MAX_TOKEN_LENGTH")


def now() -> datetime:
    """Return the current time in UTC (one place, for the token clock)."""
    return datetime.now(UTC)


#: The settings of the current app.
config = _Config()
