"""JWTManager: the settings and callbacks of kolben.jwt for an app."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

from . import default_callbacks as dc
from ._pyjwt import pyjwt
from .config import DEFAULTS, _Config, config, normalize_locations
from .exceptions import (
    CSRFError,
    FreshTokenRequired,
    InvalidHeaderError,
    InvalidQueryParamError,
    JWTDecodeError,
    NoAuthorizationError,
    RevokedTokenError,
    UserClaimsVerificationError,
    UserLookupError,
    WrongTokenError,
)
from .tokens import _decode_complete, _encode_jwt
from .typing import ExpiresDelta, Fresh

if TYPE_CHECKING:
    from ..app import Kolben

C = TypeVar("C", bound=Callable[..., Any])

# Errors answered by the invalid token callback with their message (422).
_INVALID: tuple[type[Exception], ...] = (
    pyjwt.DecodeError,
    pyjwt.MissingRequiredClaimError,
    pyjwt.InvalidAudienceError,
    pyjwt.InvalidIssuerError,
    pyjwt.InvalidTokenError,
    InvalidHeaderError,
    JWTDecodeError,
    InvalidQueryParamError,
    WrongTokenError,
)


class HeaderScheme(NamedTuple):
    """How a token travels in a header: its name and the word before it."""

    #: ``JWT_HEADER_NAME``, ``"Authorization"`` by default.
    name: str
    #: ``JWT_HEADER_TYPE``, ``"Bearer"`` by default; ``""`` for a bare token.
    type: str

    @property
    def is_bearer(self) -> bool:
        """Whether this is HTTP bearer authentication (RFC 6750)."""
        return self.name.lower() == "authorization" and self.type.lower() == "bearer"


class JWTManager:
    """Hold kolben.jwt's settings and callbacks for one or more apps.

    Example::

        jwt = JWTManager(app)  # or JWTManager() and later jwt.init_app(app)

        @jwt.token_in_blocklist_loader
        async def is_revoked(jwt_header, jwt_payload):
            return await redis.exists(f"revoked:{jwt_payload['jti']}")

    :param app: the app to set up now; or call :meth:`init_app` later.
    :param add_context_processor: make ``current_user`` a template global.
    """

    def __init__(
        self, app: Kolben | None = None, add_context_processor: bool = False
    ) -> None:
        """Take the app (or call :meth:`init_app` later)."""
        self._decode_key_callback: Callable[..., Any] = dc.default_decode_key_callback
        self._encode_key_callback: Callable[..., Any] = dc.default_encode_key_callback
        self._expired_token_callback: Callable[..., Any] = (
            dc.default_expired_token_callback
        )
        self._invalid_token_callback: Callable[..., Any] = (
            dc.default_invalid_token_callback
        )
        self._jwt_additional_header_callback: Callable[..., Any] = (
            dc.default_jwt_headers_callback
        )
        self._needs_fresh_token_callback: Callable[..., Any] = (
            dc.default_needs_fresh_token_callback
        )
        self._revoked_token_callback: Callable[..., Any] = (
            dc.default_revoked_token_callback
        )
        self._token_in_blocklist_callback: Callable[..., Any] = (
            dc.default_blocklist_callback
        )
        self._token_verification_callback: Callable[..., Any] = (
            dc.default_token_verification_callback
        )
        self._unauthorized_callback: Callable[..., Any] = (
            dc.default_unauthorized_callback
        )
        self._user_claims_callback: Callable[..., Any] = (
            dc.default_additional_claims_callback
        )
        self._user_identity_callback: Callable[..., Any] = (
            dc.default_user_identity_callback
        )
        self._user_lookup_callback: Callable[..., Any] | None = None
        self._user_lookup_error_callback: Callable[..., Any] = (
            dc.default_user_lookup_error_callback
        )
        self._token_verification_failed_callback: Callable[..., Any] = (
            dc.default_token_verification_failed_callback
        )
        if app is not None:
            self.init_app(app, add_context_processor)

    def init_app(self, app: Kolben, add_context_processor: bool = False) -> None:
        """Set up ``app``: config defaults, and an error handler per error.

        The manager is ``app.extensions["flask-jwt-extended"]``, where
        Flask-JWT-Extended keeps it, so code that looks it up there works.

        :param app: the application.
        :param add_context_processor: make ``current_user`` a template global.
        """
        app.extensions["flask-jwt-extended"] = self
        if add_context_processor:
            from .utils import current_user_context_processor

            app.context_processor(current_user_context_processor)
        for key, value in DEFAULTS.items():
            app.config.setdefault(key, list(value) if type(value) is list else value)
        self._set_error_handler_callbacks(app)

    def _set_error_handler_callbacks(self, app: Kolben) -> None:
        def invalid(e: Exception) -> Any:
            return self._invalid_token_callback(str(e))

        def unauthorized(e: Exception) -> Any:
            return self._unauthorized_callback(str(e))

        def with_token(callback: str) -> Callable[[Exception], Any]:
            def handle(e: Exception) -> Any:
                header = getattr(e, "jwt_header", {})
                data = getattr(e, "jwt_data", {})
                return getattr(self, callback)(header, data)

            return handle

        for error in _INVALID:
            app.register_error_handler(error, invalid)
        app.register_error_handler(NoAuthorizationError, unauthorized)
        app.register_error_handler(CSRFError, unauthorized)
        handlers: dict[type[Exception], str] = {
            pyjwt.ExpiredSignatureError: "_expired_token_callback",
            FreshTokenRequired: "_needs_fresh_token_callback",
            RevokedTokenError: "_revoked_token_callback",
            UserClaimsVerificationError: "_token_verification_failed_callback",
            UserLookupError: "_user_lookup_error_callback",
        }
        for error, callback in handlers.items():
            app.register_error_handler(error, with_token(callback))

    # -- loaders ------------------------------------------------------------------

    def additional_claims_loader(self, callback: C) -> C:
        """Set the function that adds claims to new tokens.

        It takes the identity given to ``create_access_token`` (or
        ``create_refresh_token``) and returns a dict of claims; the
        ``additional_claims`` argument wins on conflict.
        """
        self._user_claims_callback = callback
        return callback

    def additional_headers_loader(self, callback: C) -> C:
        """Set the function that adds JOSE headers to new tokens.

        It takes the identity and returns a dict of headers; the
        ``additional_headers`` argument wins on conflict.
        """
        self._jwt_additional_header_callback = callback
        return callback

    def decode_key_loader(self, callback: C) -> C:
        """Set the function that picks the key a token is verified with.

        It takes the token's *unverified* header and claims and returns the
        key. Most apps need none: the configured key is used.
        """
        self._decode_key_callback = callback
        return callback

    def encode_key_loader(self, callback: C) -> C:
        """Set the function that picks the key a new token is signed with.

        It takes the identity and returns the key.
        """
        self._encode_key_callback = callback
        return callback

    def expired_token_loader(self, callback: C) -> C:
        """Set the response to an expired token (default: 401).

        It takes the token's header and claims.
        """
        self._expired_token_callback = callback
        return callback

    def invalid_token_loader(self, callback: C) -> C:
        """Set the response to an invalid token (default: 422).

        It takes a string saying why the token is invalid.
        """
        self._invalid_token_callback = callback
        return callback

    def needs_fresh_token_loader(self, callback: C) -> C:
        """Set the response to a token that is not fresh (default: 401).

        It takes the token's header and claims.
        """
        self._needs_fresh_token_callback = callback
        return callback

    def revoked_token_loader(self, callback: C) -> C:
        """Set the response to a revoked token (default: 401).

        It takes the token's header and claims.
        """
        self._revoked_token_callback = callback
        return callback

    def token_in_blocklist_loader(self, callback: C) -> C:
        """Set the function that says whether a token is revoked.

        It takes the token's header and claims and returns ``True`` for a
        revoked token. It may be ``async def`` (a blocklist in Redis is I/O):
        async views await it, sync views run it on the event loop.

        Example::

            @jwt.token_in_blocklist_loader
            def is_revoked(jwt_header, jwt_payload):
                return redis.exists(f"revoked:{jwt_payload['jti']}") > 0
        """
        self._token_in_blocklist_callback = callback
        return callback

    def token_verification_failed_loader(self, callback: C) -> C:
        """Set the response when the verification loader refuses (default 400).

        It takes the token's header and claims.
        """
        self._token_verification_failed_callback = callback
        return callback

    def token_verification_loader(self, callback: C) -> C:
        """Set the function that checks a valid token's claims further.

        It takes the token's header and claims and returns ``True`` to accept
        them. It may be ``async def``.
        """
        self._token_verification_callback = callback
        return callback

    def unauthorized_loader(self, callback: C) -> C:
        """Set the response to a request without a token (default: 401).

        It takes a string saying where the token was looked for.
        """
        self._unauthorized_callback = callback
        return callback

    def user_identity_loader(self, callback: C) -> C:
        """Set the function that turns an identity into the token's subject.

        It takes what was given as ``identity`` (a user object, say) and
        returns a string.
        """
        self._user_identity_callback = callback
        return callback

    def user_lookup_loader(self, callback: C) -> C:
        """Set the function that loads the user of a token: ``current_user``.

        It takes the token's header and claims and returns the user, or
        ``None`` when there is none (the request then gets a 401). It may be
        ``async def``.
        """
        self._user_lookup_callback = callback
        return callback

    def user_lookup_error_loader(self, callback: C) -> C:
        """Set the response when the user lookup finds nobody (default 401).

        It takes the token's header and claims.
        """
        self._user_lookup_error_callback = callback
        return callback

    # -- what the API docs read ---------------------------------------------------

    def header_scheme(self, app: Kolben | None = None) -> HeaderScheme:
        """Return the header name and type tokens are sent with.

        ``("Authorization", "Bearer")`` is HTTP bearer authentication; any
        other pair is an API key in that header (RealWorld's
        ``Authorization: Token <jwt>``, say).

        :param app: the app whose settings to read; the current app if
            ``None``.
        """
        conf = config if app is None else _Config(app.config)
        return HeaderScheme(conf.header_name, conf.header_type)

    def token_locations(
        self, requirement: dict[str, Any] | None = None, app: Kolben | None = None
    ) -> tuple[str, ...]:
        """Return where a view's token is looked for.

        :param requirement: one entry of a view's ``__kolben_auth__``; its
            ``locations`` are empty when the view follows the app's
            ``JWT_TOKEN_LOCATION``. ``None`` for the app's setting.
        :param app: the app whose settings to read; the current app if
            ``None``.
        """
        if requirement and requirement.get("locations"):
            return normalize_locations(requirement["locations"])
        conf = config if app is None else _Config(app.config)
        return conf.token_location

    # -- encoding and decoding ----------------------------------------------------

    def _encode_jwt_from_config(
        self,
        identity: Any,
        token_type: str,
        claims: dict[str, Any] | None = None,
        fresh: Fresh = False,
        expires_delta: ExpiresDelta | None = None,
        headers: dict[str, Any] | None = None,
    ) -> str:
        header_overrides = dict(self._jwt_additional_header_callback(identity))
        if headers is not None:
            header_overrides.update(headers)
        claim_overrides = dict(self._user_claims_callback(identity))
        if claims is not None:
            claim_overrides.update(claims)
        if expires_delta is None:
            if token_type == "access":
                expires_delta = config.access_expires
            else:
                expires_delta = config.refresh_expires
        return _encode_jwt(
            algorithm=config.algorithm,
            audience=config.encode_audience,
            claim_overrides=claim_overrides,
            csrf=config.cookie_csrf_protect,
            expires_delta=expires_delta,
            fresh=fresh,
            header_overrides=header_overrides,
            identity=self._user_identity_callback(identity),
            identity_claim_key=config.identity_claim_key,
            issuer=config.encode_issuer,
            json_encoder=config.json_encoder,
            secret=self._encode_key_callback(identity),
            token_type=token_type,
            nbf=config.encode_nbf,
        )

    def _decode_jwt_from_config(
        self,
        encoded_token: str,
        csrf_value: str | None = None,
        allow_expired: bool = False,
    ) -> dict[str, Any]:
        return self._decode_complete(encoded_token, csrf_value, allow_expired)[1]

    def _decode_complete(
        self,
        encoded_token: Any,
        csrf_value: str | None = None,
        allow_expired: bool = False,
        conf: _Config = config,
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        """Verify a token with the app's settings; return header and claims."""
        if not isinstance(encoded_token, str | bytes):
            raise pyjwt.DecodeError("Invalid token type. Token must be a string")
        limit = conf.max_token_length
        if limit is not None and len(encoded_token) > limit:
            # SECURITY: before any base64 or JSON work on it.
            raise pyjwt.DecodeError(f"Token is too long (over {limit} characters)")
        algorithms = conf.decode_algorithms
        if self._decode_key_callback is dc.default_decode_key_callback:
            secret = conf.decode_key
        else:
            unverified_claims = pyjwt.decode(
                encoded_token,
                algorithms=algorithms,
                options={"verify_signature": False},
            )
            unverified_headers = pyjwt.get_unverified_header(encoded_token)
            secret = self._decode_key_callback(unverified_headers, unverified_claims)
        audience = conf.decode_audience
        kwargs: dict[str, Any] = {
            "audience": audience,
            "csrf_value": csrf_value,
            "identity_claim_key": conf.identity_claim_key,
            "issuer": conf.decode_issuer,
            "leeway": conf.leeway,
            "verify_aud": audience is not None,
            "verify_sub": conf.verify_sub,
            "cache": conf.decode_cache,
        }
        try:
            return _decode_complete(
                encoded_token, secret, algorithms, allow_expired=allow_expired, **kwargs
            )
        except pyjwt.ExpiredSignatureError as e:
            header, data = _decode_complete(
                encoded_token, secret, algorithms, allow_expired=True, **kwargs
            )
            e.jwt_header = header  # type: ignore[attr-defined]
            e.jwt_data = data  # type: ignore[attr-defined]
            raise
