"""Registration, login, the current user, and profiles with following."""

from __future__ import annotations

from sqlalchemy import delete, exists, insert, select

from kolben import Blueprint, current_app
from kolben.jwt import create_access_token, get_jwt_identity, jwt_required

from . import schemas
from .errors import ERRORS, APIError, fail
from .models import User, db, follows

bp = Blueprint("users", __name__, url_prefix="/api")
AUTH = ["User and Authentication"]
PROFILE = ["Profile"]
UNAUTHORIZED = {401: ERRORS}
NOT_FOUND = {404: ERRORS}


def viewer_id() -> int | None:
    """Return the id of the user whose token came, if one did."""
    identity = get_jwt_identity()
    return int(identity) if identity is not None else None


def current_user() -> User:
    """Return the user whose token came; 401 if they are gone."""
    user = db.session.get(User, viewer_id())
    if user is None:
        fail(401, "token", "is invalid")
    return user


def is_following(viewer: int | None, user_id: int) -> bool:
    """Return whether ``viewer`` follows the user ``user_id``."""
    if viewer is None:
        return False
    query = exists().where(
        follows.c.follower_id == viewer, follows.c.followed_id == user_id
    )
    return bool(db.session.scalar(select(query)))


def profile_of(user: User, following: bool) -> schemas.Profile:
    """Return ``user`` as others see them."""
    return schemas.Profile(
        username=user.username, bio=user.bio, image=user.image, following=following
    )


def _user_answer(user: User) -> schemas.UserResponse:
    token = create_access_token(identity=str(user.id))
    return schemas.UserResponse(
        user=schemas.User(
            email=user.email,
            token=token,
            username=user.username,
            bio=user.bio,
            image=user.image,
        )
    )


def _check_taken(username: str | None, email: str | None, me: int | None) -> None:
    """Answer 409 naming every field whose value another user has."""
    taken: dict[str, list[str]] = {}
    for field, value in (("username", username), ("email", email)):
        if value is None:
            continue
        column = getattr(User, field)
        other = db.session.scalar(select(User.id).where(column == value))
        if other is not None and other != me:
            taken[field] = ["has already been taken"]
    if taken:
        raise APIError(409, taken)


def _set_password(user: User, password: str) -> None:
    user.set_password(password, current_app.config["CONDUIT_PASSWORD_METHOD"])


@bp.post(
    "/users",
    status_code=201,
    tags=AUTH,
    responses={409: ERRORS},
    operation_id="CreateUser",
)
def register(body: schemas.NewUserRequest) -> schemas.UserResponse:
    """Register a new user."""
    new = body.user
    _check_taken(new.username, new.email, None)
    user = User(username=new.username, email=new.email)
    _set_password(user, new.password)
    db.session.add(user)
    db.session.commit()
    return _user_answer(user)


@bp.post("/users/login", tags=AUTH, responses=UNAUTHORIZED, operation_id="Login")
def login(body: schemas.LoginUserRequest) -> schemas.UserResponse:
    """Log in with an email and a password."""
    user = db.session.scalar(select(User).where(User.email == body.user.email))
    if user is None or not user.check_password(body.user.password):
        fail(401, "email or password", "is invalid")
    return _user_answer(user)


@bp.get("/user", tags=AUTH, responses=UNAUTHORIZED, operation_id="GetCurrentUser")
@jwt_required()
def get_user() -> schemas.UserResponse:
    """Show the current user."""
    return _user_answer(current_user())


@bp.put(
    "/user",
    tags=AUTH,
    responses={**UNAUTHORIZED, 409: ERRORS},
    operation_id="UpdateCurrentUser",
)
@jwt_required()
def update_user(body: schemas.UpdateUserRequest) -> schemas.UserResponse:
    """Change the current user's email, username, password, bio or image."""
    user = current_user()
    change = body.user.model_dump(exclude_unset=True)
    _check_taken(change.get("username"), change.get("email"), user.id)
    for field in ("email", "username", "bio", "image"):
        if field in change and (change[field] is not None or field in ("bio", "image")):
            setattr(user, field, change[field])
    if change.get("password"):
        _set_password(user, change["password"])
    db.session.commit()
    return _user_answer(user)


def _profile_user(username: str) -> User:
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None:
        fail(404, "profile", "not found")
    return user


@bp.get(
    "/profiles/<username>",
    tags=PROFILE,
    responses={**UNAUTHORIZED, **NOT_FOUND},
    operation_id="GetProfileByUsername",
)
@jwt_required(optional=True)
def get_profile(username: str) -> schemas.ProfileResponse:
    """Show a user's profile; whether you follow them, if you sent a token."""
    user = _profile_user(username)
    following = is_following(viewer_id(), user.id)
    return schemas.ProfileResponse(profile=profile_of(user, following))


@bp.post(
    "/profiles/<username>/follow",
    tags=PROFILE,
    responses={**UNAUTHORIZED, **NOT_FOUND},
    operation_id="FollowUserByUsername",
)
@jwt_required()
def follow(username: str) -> schemas.ProfileResponse:
    """Follow a user (following yourself is allowed, and changes nothing)."""
    me = current_user()
    user = _profile_user(username)
    if user.id != me.id and not is_following(me.id, user.id):
        db.session.execute(
            insert(follows).values(follower_id=me.id, followed_id=user.id)
        )
        db.session.commit()
    return schemas.ProfileResponse(profile=profile_of(user, user.id != me.id))


@bp.delete(
    "/profiles/<username>/follow",
    tags=PROFILE,
    responses={**UNAUTHORIZED, **NOT_FOUND},
    operation_id="UnfollowUserByUsername",
)
@jwt_required()
def unfollow(username: str) -> schemas.ProfileResponse:
    """Stop following a user."""
    me = current_user()
    user = _profile_user(username)
    db.session.execute(
        delete(follows).where(
            follows.c.follower_id == me.id, follows.c.followed_id == user.id
        )
    )
    db.session.commit()
    return schemas.ProfileResponse(profile=profile_of(user, False))
