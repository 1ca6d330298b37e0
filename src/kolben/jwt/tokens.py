"""Encoding and decoding tokens with PyJWT, as ``flask_jwt_extended.tokens``."""

from __future__ import annotations

import functools
import json
import uuid
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from ..security import safe_str_cmp
from ._pyjwt import pyjwt
from .config import now
from .exceptions import CSRFError, JWTDecodeError
from .typing import ExpiresDelta, Fresh


def _encode_jwt(
    algorithm: str,
    audience: str | Iterable[str] | None,
    claim_overrides: dict[str, Any],
    csrf: bool,
    expires_delta: ExpiresDelta,
    fresh: Fresh,
    header_overrides: dict[str, Any],
    identity: Any,
    identity_claim_key: str,
    issuer: str | None,
    json_encoder: type[json.JSONEncoder],
    secret: Any,
    token_type: str,
    nbf: bool,
) -> str:
    """Sign a token with the claims Flask-JWT-Extended puts in every token."""
    issued = now()
    if isinstance(fresh, timedelta):
        fresh = (issued + fresh).timestamp()
    token_data: dict[str, Any] = {
        "fresh": fresh,
        "iat": issued,
        "jti": str(uuid.uuid4()),
        "type": token_type,
        identity_claim_key: identity,
    }
    if nbf:
        token_data["nbf"] = issued
    if csrf:
        token_data["csrf"] = str(uuid.uuid4())
    if audience:
        token_data["aud"] = audience
    if issuer:
        token_data["iss"] = issuer
    if expires_delta:
        token_data["exp"] = issued + expires_delta
    if claim_overrides:
        token_data.update(claim_overrides)
    return pyjwt.encode(
        token_data,
        secret,
        algorithm,
        json_encoder=json_encoder,
        headers=header_overrides or None,
    )


@functools.lru_cache(maxsize=1024)
def _verified(
    encoded_token: str | bytes,
    secret: str | bytes,
    algorithms: tuple[str, ...],
    audience: str | tuple[str, ...] | None,
    issuer: str | tuple[str, ...] | None,
    leeway: float | timedelta,
    verify_aud: bool,
    verify_sub: bool,
) -> tuple[str, str, int | None]:
    """Verify a token with PyJWT; return its header and claims as JSON.

    PERF: a client sends the same token with every request until it
    expires, and PyJWT takes ~100 us to verify one; a token verified with
    exactly these settings is not verified again. SECURITY: only tokens that
    passed are kept (an error is never cached), the key and every setting
    that bears on the result are part of the cache key, the expiry is checked
    again on every use (``nbf`` and ``iat`` only become more valid as time
    passes), and each use parses fresh copies of the claims, so a view that
    changes ``get_jwt()`` changes nothing for the next request.
    """
    decoded = pyjwt.decode_complete(
        encoded_token,
        secret,
        algorithms=list(algorithms),
        audience=audience,
        issuer=issuer,
        leeway=leeway,
        options={"verify_aud": verify_aud, "verify_sub": verify_sub},
    )
    payload = decoded["payload"]
    exp = int(payload["exp"]) if "exp" in payload else None
    return json.dumps(decoded["header"]), json.dumps(payload), exp


def _frozen(value: Any) -> Any:
    """Return ``value`` as something hashable for the cache key."""
    if value is None or isinstance(value, str | bytes):
        return value
    return tuple(value)


def _verify(
    encoded_token: str | bytes,
    secret: Any,
    algorithms: list[str],
    audience: str | Iterable[str] | None,
    issuer: Any,
    leeway: float | timedelta,
    options: dict[str, Any],
    cache: bool,
) -> tuple[dict[str, Any], dict[str, Any]]:
    if not cache or not isinstance(secret, str | bytes) or "verify_exp" in options:
        decoded = pyjwt.decode_complete(
            encoded_token,
            secret,
            algorithms=algorithms,
            audience=audience,
            issuer=issuer,
            leeway=leeway,
            options=options,  # type: ignore[arg-type]
        )
        return decoded["header"], decoded["payload"]
    header_text, payload_text, exp = _verified(
        encoded_token,
        secret,
        tuple(algorithms),
        _frozen(audience),
        _frozen(issuer),
        leeway,
        options["verify_aud"],
        options["verify_sub"],
    )
    if exp is not None:
        margin = leeway.total_seconds() if isinstance(leeway, timedelta) else leeway
        if exp <= now().timestamp() - margin:
            raise pyjwt.ExpiredSignatureError("Signature has expired")
    return json.loads(header_text), json.loads(payload_text)


def _decode_complete(
    encoded_token: str | bytes,
    secret: Any,
    algorithms: list[str],
    *,
    allow_expired: bool = False,
    audience: str | Iterable[str] | None = None,
    csrf_value: str | None = None,
    identity_claim_key: str = "sub",
    issuer: str | None = None,
    leeway: float | timedelta = 0,
    verify_aud: bool = False,
    verify_sub: bool = True,
    cache: bool = False,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Verify ``encoded_token``; return its header and its claims.

    PERF: one PyJWT pass gives both (Flask-JWT-Extended parses a token three
    times), and with ``cache`` a token verified before is not verified again.
    """
    options: dict[str, Any] = {"verify_aud": verify_aud, "verify_sub": verify_sub}
    if allow_expired:
        options["verify_exp"] = False
    # SECURITY: ``algorithms`` is the app's list, never the token's own
    # "alg": "none" and algorithm confusion are refused by PyJWT here.
    header, data = _verify(
        encoded_token, secret, algorithms, audience, issuer, leeway, options, cache
    )
    if identity_claim_key not in data:
        raise JWTDecodeError(f"Missing claim: {identity_claim_key}")
    data.setdefault("type", "access")
    data.setdefault("fresh", False)
    data.setdefault("jti", None)
    if csrf_value:
        if "csrf" not in data:
            raise JWTDecodeError("Missing claim: csrf")
        expected = data["csrf"]
        # SECURITY: constant time, and any text from the client compares.
        if not isinstance(expected, str) or not safe_str_cmp(expected, csrf_value):
            raise CSRFError("CSRF double submit tokens do not match")
    return header, data


def _decode_jwt(
    algorithms: list[str],
    allow_expired: bool,
    audience: str | Iterable[str] | None,
    csrf_value: str | None,
    encoded_token: str,
    identity_claim_key: str,
    issuer: str | None,
    leeway: float | timedelta,
    secret: Any,
    verify_aud: bool,
    verify_sub: bool,
) -> dict[str, Any]:
    """Verify ``encoded_token`` and return its claims."""
    return _decode_complete(
        encoded_token,
        secret,
        algorithms,
        allow_expired=allow_expired,
        audience=audience,
        csrf_value=csrf_value,
        identity_claim_key=identity_claim_key,
        issuer=issuer,
        leeway=leeway,
        verify_aud=verify_aud,
        verify_sub=verify_sub,
    )[1]
