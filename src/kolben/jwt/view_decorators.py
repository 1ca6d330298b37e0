"""``jwt_required`` and ``verify_jwt_in_request``, for sync and async views.

``@jwt_required()`` wraps a sync view in a sync function and an async view in
an async one, so each runs where kolben runs it under WSGI and ASGI. The
token is found and decoded the same way in both; only the loaders that may do
I/O (blocklist, token verification, user lookup) are awaited on the async
path and run to completion on the sync one.

Each decorated view records what it requires in ``__kolben_auth__``, a tuple
of dicts (one per decorator, appended when decorators stack)::

    {"battery": "jwt", "locations": ("headers",), "optional": False,
     "fresh": False, "refresh": False}

``locations`` is empty when the view follows ``JWT_TOKEN_LOCATION``; read it
with :meth:`JWTManager.token_locations <kolben.jwt.JWTManager.token_locations>`.
kolben.login records ``{"battery": "login", ...}`` the same way; the API docs
battery reads both to describe each operation's security.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Awaitable, Callable
from functools import wraps
from typing import TYPE_CHECKING, Any, TypeVar, cast

from ..globals import current_app, g, request
from ..http.exceptions import HTTPException
from . import default_callbacks as dc
from .config import LocationType, _Config, normalize_locations, now
from .exceptions import (
    CSRFError,
    FreshTokenRequired,
    InvalidHeaderError,
    InvalidQueryParamError,
    NoAuthorizationError,
    RevokedTokenError,
    UserClaimsVerificationError,
    UserLookupError,
)
from .internal_utils import call_async, call_sync, get_jwt_manager, verify_token_type

if TYPE_CHECKING:
    from ..request import Request
    from .jwt_manager import JWTManager

F = TypeVar("F", bound=Callable[..., Any])
_Found = tuple[dict[str, Any], dict[str, Any], str]
_EXEMPT = frozenset({"OPTIONS"})
_comma = re.compile(r",\s*")


def _verify_token_is_fresh(
    jwt_header: dict[str, Any], jwt_data: dict[str, Any]
) -> None:
    fresh = jwt_data["fresh"]
    if fresh is True:
        return
    # A number is the time freshness ends; anything else is not fresh.
    if type(fresh) in (int, float) and fresh >= now().timestamp():
        return
    raise FreshTokenRequired("Fresh token required", jwt_header, jwt_data)


def _from_headers(conf: _Config, req: Request, refresh: bool) -> tuple[str, None]:
    header_name = conf.header_name
    header_type = conf.header_type
    auth_header = req.headers.get(header_name, "").strip().strip(",")
    if not auth_header:
        raise NoAuthorizationError(f"Missing {header_name} Header")
    if not header_type:
        parts = auth_header.split()
        if len(parts) != 1:
            raise InvalidHeaderError(
                f"Bad {header_name} header. Expected '{header_name}: <JWT>'"
            )
        return parts[0], None
    # The header may hold several comma-separated credentials.
    ours = [
        words
        for field in _comma.split(auth_header)
        if (words := field.split()) and words[0] == header_type
    ]
    if len(ours) != 1:
        raise NoAuthorizationError(
            f"Missing '{header_type}' type in '{header_name}' header. "
            f"Expected '{header_name}: {header_type} <JWT>'"
        )
    if len(ours[0]) != 2:
        raise InvalidHeaderError(
            f"Bad {header_name} header. Expected '{header_name}: {header_type} <JWT>'"
        )
    return ours[0][1], None


def _from_cookies(conf: _Config, req: Request, refresh: bool) -> tuple[str, str | None]:
    if refresh:
        cookie_key = conf.refresh_cookie_name
        csrf_header_key = conf.refresh_csrf_header_name
        csrf_field_key = conf.refresh_csrf_field_name
    else:
        cookie_key = conf.access_cookie_name
        csrf_header_key = conf.access_csrf_header_name
        csrf_field_key = conf.access_csrf_field_name
    encoded_token = req.cookies.get(cookie_key)
    if not encoded_token:
        raise NoAuthorizationError(f'Missing cookie "{cookie_key}"')
    csrf_value = None
    if conf.cookie_csrf_protect and req.method in conf.csrf_request_methods:
        csrf_value = req.headers.get(csrf_header_key)
        if not csrf_value and conf.csrf_check_form:
            csrf_value = req.form.get(csrf_field_key)
        if not csrf_value:
            raise CSRFError("Missing CSRF token")
    return encoded_token, csrf_value


def _from_query_string(conf: _Config, req: Request, refresh: bool) -> tuple[str, None]:
    param_name = conf.query_string_name
    prefix = conf.query_string_value_prefix
    value = req.args.get(param_name)
    if not value:
        raise NoAuthorizationError(f"Missing '{param_name}' query paramater")
    if not value.startswith(prefix):
        raise InvalidQueryParamError(
            f"Invalid value for query parameter '{param_name}'. "
            f"Expected the value to start with '{prefix}'"
        )
    return value[len(prefix) :], None


def _from_json(conf: _Config, req: Request, refresh: bool) -> tuple[str, None]:
    if not req.is_json:
        raise NoAuthorizationError("Invalid content-type. Must be application/json.")
    token_key = conf.refresh_json_key if refresh else conf.json_key
    try:
        data = req.get_json()
    except HTTPException:
        data = None
    # SECURITY: a body that is a list or a string, or malformed, is "no
    # token" here, not an AttributeError (a 500 in Flask-JWT-Extended).
    encoded_token = data.get(token_key) if isinstance(data, dict) else None
    if not encoded_token:
        raise NoAuthorizationError(f'Missing "{token_key}" key in json data.')
    return encoded_token, None


_GETTERS: dict[str, Callable[[_Config, Request, bool], tuple[Any, str | None]]] = {
    "headers": _from_headers,
    "cookies": _from_cookies,
    "query_string": _from_query_string,
    "json": _from_json,
}


def _decode_jwt_from_request(
    manager: JWTManager,
    conf: _Config,
    req: Request,
    locations: LocationType,
    fresh: bool,
    refresh: bool = False,
    verify_type: bool = True,
) -> _Found:
    """Find the token, verify it and its type and freshness.

    :return: the token's header, its claims, and where it was found.
    """
    found = normalize_locations(locations) if locations else conf.token_location
    errors = []
    for location in found:
        try:
            encoded_token, csrf_value = _GETTERS[location](conf, req, refresh)
        except NoAuthorizationError as e:
            errors.append(str(e))
            continue
        header, data = manager._decode_complete(encoded_token, csrf_value, conf=conf)
        break
    else:
        if len(found) > 1:
            raise NoAuthorizationError(
                f"Missing JWT in {', '.join(found[:-1])} or {found[-1]}"
                f" ({'; '.join(errors)})"
            )
        raise NoAuthorizationError(errors[0])
    if verify_type:
        verify_token_type(data, refresh)
    if fresh:
        _verify_token_is_fresh(header, data)
    return header, data, location


def _no_user(
    conf: _Config, header: dict[str, Any], data: dict[str, Any]
) -> UserLookupError:
    identity = data.get(conf.identity_claim_key)
    return UserLookupError(f"user_lookup returned None for {identity}", header, data)


def _check_sync(
    manager: JWTManager,
    conf: _Config,
    header: dict[str, Any],
    data: dict[str, Any],
    skip: bool,
) -> dict[str, Any] | None:
    """Run the loaders that may do I/O; return the loaded user's dict."""
    blocklist = manager._token_in_blocklist_callback
    # PERF: the default callbacks are skipped, not called.
    if not skip and blocklist is not dc.default_blocklist_callback:
        if call_sync(blocklist, header, data):
            raise RevokedTokenError(header, data)
    verify = manager._token_verification_callback
    if verify is not dc.default_token_verification_callback:
        if not call_sync(verify, header, data):
            raise UserClaimsVerificationError(
                "User claims verification failed", header, data
            )
    lookup = manager._user_lookup_callback
    if lookup is None:
        return None
    user = call_sync(lookup, header, data)
    if user is None:
        raise _no_user(conf, header, data)
    return {"loaded_user": user}


async def _check_async(
    manager: JWTManager,
    conf: _Config,
    header: dict[str, Any],
    data: dict[str, Any],
    skip: bool,
) -> dict[str, Any] | None:
    """Await the loaders that may do I/O; return the loaded user's dict."""
    blocklist = manager._token_in_blocklist_callback
    if not skip and blocklist is not dc.default_blocklist_callback:
        if await call_async(blocklist, header, data):
            raise RevokedTokenError(header, data)
    verify = manager._token_verification_callback
    if verify is not dc.default_token_verification_callback:
        if not await call_async(verify, header, data):
            raise UserClaimsVerificationError(
                "User claims verification failed", header, data
            )
    lookup = manager._user_lookup_callback
    if lookup is None:
        return None
    user = await call_async(lookup, header, data)
    if user is None:
        raise _no_user(conf, header, data)
    return {"loaded_user": user}


def _store(
    header: dict[str, Any],
    data: dict[str, Any],
    location: str | None,
    user: dict[str, Any] | None,
) -> None:
    # Flask-JWT-Extended's names on g, for code that reads them there.
    ctx_g = g._get_current_object()
    ctx_g._jwt_extended_jwt_user = user
    ctx_g._jwt_extended_jwt_header = header
    ctx_g._jwt_extended_jwt = data
    ctx_g._jwt_extended_jwt_location = location


def _setup() -> tuple[Request, JWTManager, _Config]:
    req: Request = request._get_current_object()  # type: ignore[attr-defined]
    manager = get_jwt_manager()
    return req, manager, _Config(current_app.config)


def verify_jwt_in_request(
    optional: bool = False,
    fresh: bool = False,
    refresh: bool = False,
    locations: LocationType = None,
    verify_type: bool = True,
    skip_revocation_check: bool = False,
) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """Check that the request carries a valid token; raise if it does not.

    Use it in a ``before_request`` hook or to protect part of a view; the
    manager's error handlers answer what it raises. In async code with async
    loaders, ``await`` :func:`verify_jwt_in_request_async` instead.

    :param optional: let a request without any token through.
    :param fresh: require a token made fresh (``create_access_token(fresh=)``).
    :param refresh: require a refresh token instead of an access token.
    :param locations: where to look (``"headers"``, ``"cookies"``,
        ``"query_string"``, ``"json"``, or a list); ``JWT_TOKEN_LOCATION``
        if ``None``.
    :param verify_type: check the token's type against ``refresh``.
    :param skip_revocation_check: do not ask the blocklist loader.
    :return: the token's header and claims, or ``None`` without a token
        when ``optional`` (and for ``OPTIONS`` requests, which need none).
    """
    req, manager, conf = _setup()
    if req.method in _EXEMPT:
        return None
    try:
        header, data, location = _decode_jwt_from_request(
            manager, conf, req, locations, fresh, refresh, verify_type
        )
    except NoAuthorizationError:
        if not optional:
            raise
        _store({}, {}, None, {"loaded_user": None})
        return None
    user = _check_sync(manager, conf, header, data, skip_revocation_check)
    _store(header, data, location, user)
    return header, data


async def verify_jwt_in_request_async(
    optional: bool = False,
    fresh: bool = False,
    refresh: bool = False,
    locations: LocationType = None,
    verify_type: bool = True,
    skip_revocation_check: bool = False,
) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """Check the request's token, awaiting async loaders; see the sync twin.

    Takes the arguments of :func:`verify_jwt_in_request`. ``@jwt_required()``
    on an ``async def`` view calls this one.
    """
    req, manager, conf = _setup()
    if req.method in _EXEMPT:
        return None
    try:
        header, data, location = _decode_jwt_from_request(
            manager, conf, req, locations, fresh, refresh, verify_type
        )
    except NoAuthorizationError:
        if not optional:
            raise
        _store({}, {}, None, {"loaded_user": None})
        return None
    user = await _check_async(manager, conf, header, data, skip_revocation_check)
    _store(header, data, location, user)
    return header, data


def jwt_required(
    optional: bool = False,
    fresh: bool = False,
    refresh: bool = False,
    locations: LocationType = None,
    verify_type: bool = True,
    skip_revocation_check: bool = False,
) -> Callable[[F], F]:
    """Protect a view with a JSON Web Token.

    Works on ``def`` and ``async def`` views alike. The arguments are
    :func:`verify_jwt_in_request`'s. The view gets ``__kolben_auth__`` (see
    this module's docstring).

    Example::

        @app.get("/api/me")
        @jwt_required()
        async def me():
            return {"id": get_jwt_identity()}
    """
    requirement = {
        "battery": "jwt",
        "locations": () if locations is None else normalize_locations(locations),
        "optional": optional,
        "fresh": fresh,
        "refresh": refresh,
    }
    args = (optional, fresh, refresh, locations, verify_type, skip_revocation_check)

    def wrapper(fn: F) -> F:
        decorator: Callable[..., Any]
        if inspect.iscoroutinefunction(fn):
            view = cast(Callable[..., Awaitable[Any]], fn)

            @wraps(fn)
            async def decorator(*a: Any, **kw: Any) -> Any:
                await verify_jwt_in_request_async(*args)
                return await view(*a, **kw)

        else:

            @wraps(fn)
            def decorator(*a: Any, **kw: Any) -> Any:
                verify_jwt_in_request(*args)
                return fn(*a, **kw)

        # The record the API docs read; stacked decorators each add theirs.
        decorator.__kolben_auth__ = (  # type: ignore[attr-defined]
            *getattr(fn, "__kolben_auth__", ()),
            requirement,
        )
        return cast(F, decorator)

    return wrapper
