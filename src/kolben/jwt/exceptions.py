"""The exceptions kolben.jwt raises, as ``flask_jwt_extended.exceptions``.

:class:`~kolben.jwt.JWTManager` answers each with its error callback, so a
view never sees them unless it calls :func:`~kolben.jwt.verify_jwt_in_request`
inside a ``try``. PyJWT's own errors (``jwt.ExpiredSignatureError``,
``jwt.InvalidTokenError``, ...) are answered too.
"""

from __future__ import annotations

from typing import Any


class JWTExtendedException(Exception):
    """The base class of every kolben.jwt error."""


class JWTDecodeError(JWTExtendedException):
    """A token decoded but lacks a claim kolben.jwt needs."""


class InvalidHeaderError(JWTExtendedException):
    """The header that should carry the token is malformed."""


class InvalidQueryParamError(JWTExtendedException):
    """The query string parameter lacks its configured prefix."""


class NoAuthorizationError(JWTExtendedException):
    """No token was found in any of the locations looked at."""


class CSRFError(JWTExtendedException):
    """The double-submit CSRF value is missing or does not match."""


class WrongTokenError(JWTExtendedException):
    """A refresh token was used where an access token is needed, or back."""


class _WithToken(JWTExtendedException):
    def __init__(
        self, message: str, jwt_header: dict[str, Any], jwt_data: dict[str, Any]
    ) -> None:
        super().__init__(message)
        #: The token's header.
        self.jwt_header = jwt_header
        #: The token's claims.
        self.jwt_data = jwt_data


class RevokedTokenError(_WithToken):
    """The blocklist loader said the token is revoked."""

    def __init__(self, jwt_header: dict[str, Any], jwt_data: dict[str, Any]) -> None:
        """Take the revoked token's header and claims."""
        super().__init__("Token has been revoked", jwt_header, jwt_data)


class FreshTokenRequired(_WithToken):
    """A view needs a fresh token and the token is not (or no longer) fresh."""


class UserLookupError(_WithToken):
    """The user lookup loader returned ``None`` for the token's identity."""


class UserClaimsVerificationError(_WithToken):
    """The token verification loader returned a false value."""
