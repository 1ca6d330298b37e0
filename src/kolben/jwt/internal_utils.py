"""Helpers shared by kolben.jwt's modules, as ``flask_jwt_extended.internal_utils``.

The loaders that may do I/O (the blocklist, the token verification and the
user lookup loaders) may be ``async def``. :func:`call_sync` runs one from
sync code (on the worker's event loop, or the serving loop under ASGI), and
:func:`call_async` awaits one from async code; a plain function is called
as it is in both.
"""

from __future__ import annotations

import asyncio
import inspect
import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..globals import current_app
from .exceptions import RevokedTokenError, UserClaimsVerificationError, WrongTokenError

if TYPE_CHECKING:
    from ..app import Kolben
    from .jwt_manager import JWTManager


def get_jwt_manager() -> JWTManager:
    """Return the current app's :class:`~kolben.jwt.JWTManager`."""
    try:
        manager: JWTManager = current_app.extensions["flask-jwt-extended"]
    except KeyError:
        raise RuntimeError(
            "You must initialize a JWTManager with this application before"
            " using this method: JWTManager(app), or jwt.init_app(app)."
        ) from None
    return manager


def call_sync(callback: Callable[..., Any], *args: Any) -> Any:
    """Call a loader from sync code, running it to completion if it is async.

    :raises RuntimeError: an async loader called from a thread that runs an
        event loop (an async view must ``await`` the async verification).
    """
    if not inspect.iscoroutinefunction(callback):
        return callback(*args)
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return current_app.async_to_sync(callback)(*args)
    raise RuntimeError(
        f"The loader {callback.__qualname__} is async, and sync code running"
        " on an event loop cannot wait for it. In an async view, use"
        " @jwt_required() or `await verify_jwt_in_request_async()`."
    )


async def call_async(callback: Callable[..., Any], *args: Any) -> Any:
    """Call a loader from async code, awaiting it if it is async."""
    rv = callback(*args)
    if inspect.isawaitable(rv):
        rv = await rv
    return rv


def has_user_lookup() -> bool:
    """Tell whether the app has a user lookup loader."""
    return get_jwt_manager()._user_lookup_callback is not None


def user_lookup(*args: Any) -> Any:
    """Load the user of a token through the user lookup loader."""
    callback = get_jwt_manager()._user_lookup_callback
    return callback and call_sync(callback, *args)


def verify_token_type(decoded_token: dict[str, Any], refresh: bool) -> None:
    """Refuse a refresh token where an access token is needed, and back."""
    if not refresh and decoded_token["type"] == "refresh":
        raise WrongTokenError("Only non-refresh tokens are allowed")
    if refresh and decoded_token["type"] != "refresh":
        raise WrongTokenError("Only refresh tokens are allowed")


def verify_token_not_blocklisted(
    jwt_header: dict[str, Any], jwt_data: dict[str, Any]
) -> None:
    """Refuse a token the blocklist loader says is revoked."""
    callback = get_jwt_manager()._token_in_blocklist_callback
    if call_sync(callback, jwt_header, jwt_data):
        raise RevokedTokenError(jwt_header, jwt_data)


def custom_verification_for_token(
    jwt_header: dict[str, Any], jwt_data: dict[str, Any]
) -> None:
    """Refuse a token whose claims the token verification loader refuses."""
    callback = get_jwt_manager()._token_verification_callback
    if not call_sync(callback, jwt_header, jwt_data):
        raise UserClaimsVerificationError(
            "User claims verification failed", jwt_header, jwt_data
        )


class JSONEncoder(json.JSONEncoder):
    """Encode claims with the app's JSON provider's ``default``."""

    def default(self, o: Any) -> Any:
        """Serialize what plain JSON cannot, as the app's provider does."""
        from ..json.provider import DefaultJSONProvider

        default = getattr(
            current_app.json_provider_class, "default", DefaultJSONProvider.default
        )
        return default(o)


def get_json_encoder(app: Kolben) -> type[json.JSONEncoder]:
    """Return the encoder tokens' claims are written with.

    :param app: the application (its JSON provider is read at encoding).
    """
    return JSONEncoder
