"""The default callbacks of :class:`~kolben.jwt.JWTManager`.

Each loader decorator of the manager replaces one of these. The error
callbacks answer with Flask-JWT-Extended's JSON bodies and status codes:
``{"msg": "..."}`` (the key is ``JWT_ERROR_MESSAGE_KEY``) with 401 for a
missing, expired, revoked or not fresh token, 422 for an invalid one, and 400
when the token verification loader refuses the claims.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from ..json import jsonify
from ..response import Response
from .config import config

#: What an error callback returns: a response and its status.
ErrorResponse = tuple[Response, HTTPStatus]


def default_additional_claims_callback(userdata: Any) -> dict[str, Any]:
    """Add no claims to new tokens."""
    return {}


def default_blocklist_callback(
    jwt_headers: dict[str, Any], jwt_data: dict[str, Any]
) -> bool:
    """Revoke no token."""
    return False


def default_jwt_headers_callback(default_headers: Any) -> dict[str, Any]:
    """Add no headers to new tokens (PyJWT writes ``alg`` and ``typ``)."""
    return {}


def default_user_identity_callback(userdata: Any) -> Any:
    """Use the ``identity`` given to ``create_access_token`` as it is."""
    return userdata


def default_expired_token_callback(
    _expired_jwt_header: dict[str, Any], _expired_jwt_data: dict[str, Any]
) -> ErrorResponse:
    """Answer an expired token with 401 ``Token has expired``."""
    return jsonify({config.error_msg_key: "Token has expired"}), HTTPStatus.UNAUTHORIZED


def default_invalid_token_callback(error_string: str) -> ErrorResponse:
    """Answer an invalid token with 422 and the reason.

    :param error_string: why the token is invalid.
    """
    return (
        jsonify({config.error_msg_key: error_string}),
        HTTPStatus.UNPROCESSABLE_ENTITY,
    )


def default_unauthorized_callback(error_string: str) -> ErrorResponse:
    """Answer a request without a token with 401 and the reason.

    :param error_string: where the token was looked for.
    """
    return jsonify({config.error_msg_key: error_string}), HTTPStatus.UNAUTHORIZED


def default_needs_fresh_token_callback(
    jwt_header: dict[str, Any], jwt_data: dict[str, Any]
) -> ErrorResponse:
    """Answer a token that is not fresh with 401 ``Fresh token required``."""
    return (
        jsonify({config.error_msg_key: "Fresh token required"}),
        HTTPStatus.UNAUTHORIZED,
    )


def default_revoked_token_callback(
    jwt_header: dict[str, Any], jwt_data: dict[str, Any]
) -> ErrorResponse:
    """Answer a revoked token with 401 ``Token has been revoked``."""
    return (
        jsonify({config.error_msg_key: "Token has been revoked"}),
        HTTPStatus.UNAUTHORIZED,
    )


def default_user_lookup_error_callback(
    _jwt_header: dict[str, Any], jwt_data: dict[str, Any]
) -> ErrorResponse:
    """Answer a token whose user was not found with 401."""
    identity = jwt_data[config.identity_claim_key]
    result = {config.error_msg_key: f"Error loading the user {identity}"}
    return jsonify(result), HTTPStatus.UNAUTHORIZED


def default_token_verification_callback(
    _jwt_header: dict[str, Any], _jwt_data: dict[str, Any]
) -> bool:
    """Accept every token's claims."""
    return True


def default_token_verification_failed_callback(
    _jwt_header: dict[str, Any], _jwt_data: dict[str, Any]
) -> ErrorResponse:
    """Answer claims the verification loader refused with 400."""
    return (
        jsonify({config.error_msg_key: "User claims verification failed"}),
        HTTPStatus.BAD_REQUEST,
    )


def default_decode_key_callback(
    jwt_header: dict[str, Any], jwt_data: dict[str, Any]
) -> Any:
    """Check signatures with ``JWT_SECRET_KEY`` or ``JWT_PUBLIC_KEY``."""
    return config.decode_key


def default_encode_key_callback(identity: Any) -> Any:
    """Sign tokens with ``JWT_SECRET_KEY`` or ``JWT_PRIVATE_KEY``."""
    return config.encode_key
