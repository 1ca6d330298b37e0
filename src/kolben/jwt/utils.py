"""Creating tokens, reading the current one, and the JWT cookies.

As ``flask_jwt_extended.utils``: ``create_access_token``, ``get_jwt``,
``current_user``, ``set_access_cookies`` and the rest.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from ..globals import _Proxy, g
from ._pyjwt import pyjwt
from .config import config
from .internal_utils import get_jwt_manager
from .typing import ExpiresDelta, Fresh

if TYPE_CHECKING:
    from ..response import Response

_NOT_VERIFIED = (
    "You must call `@jwt_required()` or `verify_jwt_in_request()` "
    "before using this method"
)


def get_jwt() -> dict[str, Any]:
    """Return the claims of the current request's token.

    :return: the claims; ``{}`` when ``jwt_required(optional=True)`` let a
        request without a token through.
    :raises RuntimeError: the view is not protected.
    """
    decoded_jwt = g.get("_jwt_extended_jwt", None)
    if decoded_jwt is None:
        raise RuntimeError(_NOT_VERIFIED)
    return cast("dict[str, Any]", decoded_jwt)


def get_jwt_header() -> dict[str, Any]:
    """Return the JOSE header of the current request's token (``{}`` if none)."""
    decoded_header = g.get("_jwt_extended_jwt_header", None)
    if decoded_header is None:
        raise RuntimeError(_NOT_VERIFIED)
    return cast("dict[str, Any]", decoded_header)


def get_jwt_identity() -> Any:
    """Return the identity (``sub``) of the current token, or ``None``."""
    return get_jwt().get(config.identity_claim_key, None)


def get_jwt_request_location() -> str | None:
    """Return where the token was found: ``"headers"``, ``"cookies"``, ..."""
    return g.get("_jwt_extended_jwt_location", None)  # type: ignore[no-any-return]


def get_current_user() -> Any:
    """Return the user that the user lookup loader loaded for this token.

    :raises RuntimeError: no ``@jwt.user_lookup_loader`` is set, or the view
        is not protected.
    """
    get_jwt()
    jwt_user_dict = g.get("_jwt_extended_jwt_user", None)
    if jwt_user_dict is None:
        raise RuntimeError(
            "You must provide a `@jwt.user_lookup_loader` callback to use this method"
        )
    return jwt_user_dict["loaded_user"]


#: The current token's user, as loaded by ``@jwt.user_lookup_loader``.
current_user: Any = _Proxy(get_current_user, "current_user")


def decode_token(
    encoded_token: str, csrf_value: str | None = None, allow_expired: bool = False
) -> dict[str, Any]:
    """Verify a token and return its claims, with the app's settings.

    No loader runs (the blocklist is not asked) and nothing is stored for
    the request.

    :param encoded_token: the token.
    :param csrf_value: the double-submit value to compare, if any.
    :param allow_expired: accept an expired token.
    """
    return get_jwt_manager()._decode_jwt_from_config(
        encoded_token, csrf_value, allow_expired
    )


def create_access_token(
    identity: Any,
    fresh: Fresh = False,
    expires_delta: ExpiresDelta | None = None,
    additional_claims: dict[str, Any] | None = None,
    additional_headers: dict[str, Any] | None = None,
) -> str:
    """Create an access token.

    :param identity: who the token is for: a string, or anything the
        ``user_identity_loader`` turns into one.
    :param fresh: mark the token fresh; a timedelta for how long it stays so.
    :param expires_delta: how long it lives; ``False`` for ever;
        ``JWT_ACCESS_TOKEN_EXPIRES`` if ``None``.
    :param additional_claims: claims to add (they win over the loader's).
    :param additional_headers: JOSE headers to add.
    """
    return get_jwt_manager()._encode_jwt_from_config(
        claims=additional_claims,
        expires_delta=expires_delta,
        fresh=fresh,
        headers=additional_headers,
        identity=identity,
        token_type="access",
    )


def create_refresh_token(
    identity: Any,
    expires_delta: ExpiresDelta | None = None,
    additional_claims: dict[str, Any] | None = None,
    additional_headers: dict[str, Any] | None = None,
) -> str:
    """Create a refresh token (``JWT_REFRESH_TOKEN_EXPIRES``, never fresh).

    The parameters are :func:`create_access_token`'s.
    """
    return get_jwt_manager()._encode_jwt_from_config(
        claims=additional_claims,
        expires_delta=expires_delta,
        fresh=False,
        headers=additional_headers,
        identity=identity,
        token_type="refresh",
    )


def get_unverified_jwt_headers(encoded_token: str) -> dict[str, Any]:
    """Return a token's JOSE header, *without* checking its signature."""
    return pyjwt.get_unverified_header(encoded_token)


def get_jti(encoded_token: str) -> str | None:
    """Return the unique id (``jti``) of a valid token."""
    return decode_token(encoded_token).get("jti")


def get_csrf_token(encoded_token: str) -> str:
    """Return the double-submit CSRF value of a valid token."""
    return str(decode_token(encoded_token)["csrf"])


def _set_pair(
    response: Response,
    refresh: bool,
    value: str,
    csrf_value: str,
    max_age: int | None,
    domain: str | None,
    expires: int | None = None,
) -> None:
    """Set (or clear) a token cookie and its CSRF cookie."""
    prefix = "refresh" if refresh else "access"
    common: dict[str, Any] = {
        "max_age": max_age,
        "expires": expires,
        "secure": config.cookie_secure,
        "domain": domain or config.cookie_domain,
        "samesite": config.cookie_samesite,
    }
    response.set_cookie(
        getattr(config, f"{prefix}_cookie_name"),
        value=value,
        httponly=True,
        path=getattr(config, f"{prefix}_cookie_path"),
        **common,
    )
    if config.cookie_csrf_protect and config.csrf_in_cookies:
        # Readable by the page's scripts, which send it back as a header.
        response.set_cookie(
            getattr(config, f"{prefix}_csrf_cookie_name"),
            value=csrf_value,
            httponly=False,
            path=getattr(config, f"{prefix}_csrf_cookie_path"),
            **common,
        )


def _csrf_value(encoded_token: str) -> str:
    if config.cookie_csrf_protect and config.csrf_in_cookies:
        return get_csrf_token(encoded_token)
    return ""


def set_access_cookies(
    response: Response,
    encoded_access_token: str,
    max_age: int | None = None,
    domain: str | None = None,
) -> None:
    """Set the access token cookie, and its CSRF cookie, on ``response``.

    :param response: the response to add the cookies to.
    :param encoded_access_token: the token.
    :param max_age: the cookies' lifetime in seconds; by default session
        cookies, or a year when ``JWT_SESSION_COOKIE`` is ``False``.
    :param domain: the cookies' domain; ``JWT_COOKIE_DOMAIN`` by default.
    """
    csrf = _csrf_value(encoded_access_token)
    _set_pair(
        response,
        False,
        encoded_access_token,
        csrf,
        max_age or config.cookie_max_age,
        domain,
    )


def set_refresh_cookies(
    response: Response,
    encoded_refresh_token: str,
    max_age: int | None = None,
    domain: str | None = None,
) -> None:
    """Set the refresh token cookie, and its CSRF cookie, on ``response``.

    The parameters are :func:`set_access_cookies`'.
    """
    csrf = _csrf_value(encoded_refresh_token)
    _set_pair(
        response,
        True,
        encoded_refresh_token,
        csrf,
        max_age or config.cookie_max_age,
        domain,
    )


def unset_jwt_cookies(response: Response, domain: str | None = None) -> None:
    """Clear the access and refresh cookies and their CSRF cookies."""
    unset_access_cookies(response, domain)
    unset_refresh_cookies(response, domain)


def unset_access_cookies(response: Response, domain: str | None = None) -> None:
    """Clear the access token cookie and its CSRF cookie."""
    _set_pair(response, False, "", "", None, domain, expires=0)


def unset_refresh_cookies(response: Response, domain: str | None = None) -> None:
    """Clear the refresh token cookie and its CSRF cookie."""
    _set_pair(response, True, "", "", None, domain, expires=0)


def current_user_context_processor() -> dict[str, Any]:
    """Give templates ``current_user`` (``JWTManager(add_context_processor=)``).

    It is ``None`` in a view that verified no token, where
    Flask-JWT-Extended's raises and the page fails.
    """
    try:
        return {"current_user": get_current_user()}
    except RuntimeError:
        return {"current_user": None}
