"""The JSON API: tokens for a username and password, a protected endpoint.

Access tokens last ``JWT_ACCESS_TOKEN_EXPIRES`` (15 minutes); the refresh
token gets new ones. ``DELETE /api/token`` revokes the token it is sent
with, access or refresh: its ``jti`` is stored, so every worker refuses it.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from kolben import Blueprint, jsonify
from kolben.jwt import (
    JWTManager,
    create_access_token,
    create_refresh_token,
    get_jwt,
    get_jwt_identity,
    jwt_required,
)

from .models import RevokedToken, User, db

bp = Blueprint("api", __name__, url_prefix="/api")
jwt = JWTManager()


class Credentials(BaseModel):
    """A username and its password."""

    username: str
    password: str


class Tokens(BaseModel):
    """A fresh access token, and the refresh token that gets new ones."""

    access_token: str
    refresh_token: str


class Message(BaseModel):
    """What the API says when it refuses."""

    msg: str


@jwt.token_in_blocklist_loader
async def is_revoked(jwt_header: dict[str, Any], jwt_payload: dict[str, Any]) -> bool:
    """Return whether the token was revoked (async: no thread for the query)."""
    return await db.async_session.get(RevokedToken, jwt_payload["jti"]) is not None


@bp.post("/token", responses={401: Message})
def token(credentials: Credentials) -> Tokens:
    """Give an access and a refresh token for a username and password."""
    query = db.select(User).filter_by(username=credentials.username)
    user = db.session.scalar(query)
    if user is None or not user.check_password(credentials.password):
        return jsonify(msg="Wrong username or password."), 401  # type: ignore[return-value]
    identity = str(user.id)
    return Tokens(
        access_token=create_access_token(identity=identity, fresh=True),
        refresh_token=create_refresh_token(identity=identity),
    )


@bp.post("/refresh")
@jwt_required(refresh=True)
def refresh() -> Any:
    """Give a new access token for a refresh token."""
    return {"access_token": create_access_token(identity=get_jwt_identity())}


@bp.get("/me")
@jwt_required()
async def me() -> Any:
    """Show the user the access token belongs to."""
    user = await db.aget_or_404(User, int(get_jwt_identity()))
    return {"id": user.id, "username": user.username}


@bp.delete("/token")
@jwt_required(verify_type=False)
def revoke() -> Any:
    """Revoke the token sent, access or refresh."""
    claims = get_jwt()
    db.session.add(RevokedToken(jti=claims["jti"]))
    db.session.commit()
    return {"msg": f"{claims['type'].capitalize()} token revoked."}
