"""Logging in and out, the login decorators, and the helpers they use.

``current_user``, ``login_user``, ``logout_user``, ``login_required`` and the
rest keep Flask-Login's names and behaviour; :func:`safe_next_url` is
kolben's addition, for login views that follow ``?next=``.
"""

from __future__ import annotations

import hmac
import inspect
from collections.abc import Awaitable, Callable
from datetime import timedelta
from functools import wraps
from hashlib import sha512
from typing import TYPE_CHECKING, Any, TypeVar, cast
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

from ..ctx import has_request_context
from ..globals import current_app, g, request, session
from ..helpers import url_for
from ._proxy import UserProxy
from ._safe_url import safe_next_url as safe_next_url
from .config import EXEMPT_METHODS
from .signals import user_logged_in, user_logged_out, user_login_confirmed

if TYPE_CHECKING:
    from blinker import NamedSignal

    from ..app import Kolben
    from ..blueprints import Blueprint
    from .login_manager import LoginManager

F = TypeVar("F", bound=Callable[..., Any])

#: The logged-in user of the current request, or the anonymous user.
#:
#: Typed ``Any`` so that it type-checks as the app's own user class
#: (``current_user.email``, ``post.author = current_user``): the battery
#: cannot know that class. Outside a request it stands for ``None``.
current_user: Any = UserProxy(lambda: _get_user())

#: The ``g`` attribute that asks the after-request hook to set ("set") or
#: delete ("clear") the remember cookie. Flask-Login keeps this in the
#: session as ``_remember``; in ``g`` it costs no session read per request.
REMEMBER_OP = "_login_remember_op"


def _app() -> Kolben:
    return cast("Kolben", current_app._get_current_object())


def _manager() -> LoginManager:
    manager = getattr(current_app, "login_manager", None)
    if manager is None:
        raise RuntimeError(
            "This app has no LoginManager. Create one with"
            " LoginManager(app), or call login_manager.init_app(app)."
        )
    return cast("LoginManager", manager)


def send(signal: NamedSignal, **kwargs: Any) -> None:
    """Send ``signal`` from the current app, if anyone listens.

    PERF: most apps connect to none of these signals.
    """
    if signal.receivers:
        app = _app()
        signal.send(app, _async_wrapper=app.ensure_sync, **kwargs)


# -- the remember cookie -------------------------------------------------------


def _secret_keys(key: str | bytes | None) -> list[bytes]:
    if key is not None:
        keys: list[Any] = [key]
    else:
        config = current_app.config
        keys = [config.get("SECRET_KEY"), *(config.get("SECRET_KEY_FALLBACKS") or ())]
    # Flask-Login encodes a str key as latin-1; so must we, for its cookies.
    return [k.encode("latin1") if isinstance(k, str) else k for k in keys if k]


def _cookie_digest(payload: str, key: bytes) -> str:
    return hmac.new(key, payload.encode("utf-8"), sha512).hexdigest()


def encode_cookie(payload: str, key: str | bytes | None = None) -> str:
    """Return ``payload|digest``: ``payload`` signed with the secret key.

    The digest is Flask-Login's (HMAC-SHA512 of the payload, hex), so remember
    cookies set by a Flask app stay valid after the move.

    :param payload: the value to sign, usually a user id.
    :param key: the key to sign with; ``SECRET_KEY`` by default.
    :raises RuntimeError: there is no key.
    """
    keys = _secret_keys(key)
    if not keys:
        raise RuntimeError(
            "The remember cookie is signed with the secret key, and none was"
            " set. Set app.config['SECRET_KEY'] to something unique and secret."
        )
    return f"{payload}|{_cookie_digest(payload, keys[0])}"


def decode_cookie(cookie: str, key: str | bytes | None = None) -> str | None:
    """Return the payload of a cookie made by :func:`encode_cookie`, or ``None``.

    ``None`` whenever the cookie is not one: unsigned, tampered with, signed
    with another key, or not text at all. ``SECRET_KEY_FALLBACKS`` verify too.

    :param cookie: the cookie's value.
    :param key: the key to verify with; the app's keys by default.
    """
    if not isinstance(cookie, str) or "|" not in cookie:
        return None
    payload, digest = cookie.rsplit("|", 1)
    try:
        # SECURITY: compare bytes; compare_digest refuses non-ASCII str, and
        # a 500 would tell an attacker which cookies reach this code.
        given = digest.encode("utf-8", "surrogateescape")
        for k in _secret_keys(key):
            if hmac.compare_digest(_cookie_digest(payload, k).encode(), given):
                return payload
    except UnicodeEncodeError:  # a payload that is not text
        return None
    return None


# -- URLs ------------------------------------------------------------------------


def make_next_param(login_url: str, current_url: str) -> str:
    """Return ``current_url`` without scheme and host when the login URL shares them.

    :param login_url: the URL of the login view being redirected to.
    :param current_url: the URL to shorten.
    """
    l_url = urlsplit(login_url)
    c_url = urlsplit(current_url)
    if (not l_url.scheme or l_url.scheme == c_url.scheme) and (
        not l_url.netloc or l_url.netloc == c_url.netloc
    ):
        return urlunsplit(("", "", c_url.path, c_url.query, ""))
    return current_url


def expand_login_view(login_view: str) -> str:
    """Return the URL of ``login_view``: an endpoint name, or a URL already.

    :param login_view: an endpoint (``"auth.login"``) or a URL.
    """
    if login_view.startswith(("https://", "http://", "/")):
        return login_view
    return url_for(login_view)


def login_url(
    login_view: str, next_url: str | None = None, next_field: str = "next"
) -> str:
    """Return the login view's URL, with ``?next=next_url`` when given.

    ``FORCE_HOST_FOR_REDIRECTS`` names the host the URL uses, whatever the
    request's ``Host`` header says.

    :param login_view: an endpoint name or a URL.
    :param next_url: the URL to come back to after logging in.
    :param next_field: the query argument that carries it.
    """
    base = expand_login_view(login_view)
    if next_url is None:
        return base
    parts = urlsplit(base)
    md = parse_qs(parts.query, keep_blank_values=True)
    md[next_field] = [make_next_param(base, next_url)]
    netloc = current_app.config.get("FORCE_HOST_FOR_REDIRECTS") or parts.netloc
    return urlunsplit(parts._replace(netloc=netloc, query=urlencode(md, doseq=True)))


def set_login_view(login_view: str, blueprint: Blueprint | None = None) -> None:
    """Set the login view of the app, or of one blueprint.

    :param login_view: an endpoint name or a URL.
    :param blueprint: the blueprint whose views redirect there.
    """
    manager = _manager()
    if blueprint is None and not manager.blueprint_login_views:
        manager.login_view = login_view
        return
    if blueprint is not None:
        manager.blueprint_login_views[blueprint.name] = login_view
    if manager.login_view is not None and None not in manager.blueprint_login_views:
        manager.blueprint_login_views[None] = manager.login_view
    manager.login_view = None


# -- the current login -----------------------------------------------------------


def _get_user() -> Any:
    if has_request_context():
        if "_login_user" not in g:
            _manager()._load_user()
        return g._login_user
    return None


def login_fresh() -> bool:
    """Return whether the login is fresh: made with a password this session."""
    return bool(session.get("_fresh", False))


def login_remembered() -> bool:
    """Return whether the request carries a valid remember cookie."""
    cookie = request.cookies.get(current_app.config["REMEMBER_COOKIE_NAME"])
    if cookie is None or g.get(REMEMBER_OP) == "clear":
        return False
    return decode_cookie(cookie) is not None


def rotate_session() -> None:
    """Give the session a new id, where the session interface has ids.

    SECURITY: an id planted in a browser before login (session fixation) or
    seen while logged in is worthless afterwards. The data stays. The cookie
    session has no id: its login state lives in the signed cookie, which is
    sent anew whenever the login changes. ``LOGIN_ROTATE_SESSION = False``
    keeps the id, as Flask-Login does.
    """
    app = _app()
    if not app.config["LOGIN_ROTATE_SESSION"]:
        return
    regenerate = getattr(app.session_interface, "regenerate", None)
    if regenerate is not None:
        regenerate(session._get_current_object())  # type: ignore[attr-defined]


def login_user(
    user: Any,
    remember: bool = False,
    duration: timedelta | None = None,
    force: bool = False,
    fresh: bool = True,
) -> bool:
    """Log ``user`` in; return ``False`` if the account is inactive.

    Example::

        if user and check_password_hash(user.password, form.password.data):
            login_user(user, remember=form.remember.data)
            return redirect(safe_next_url(url_for("index")))

    :param user: the user object.
    :param remember: also set the remember cookie, so the login outlives
        the browser session.
    :param duration: how long the remember cookie lasts
        (``REMEMBER_COOKIE_DURATION`` by default).
    :param force: log in an inactive user too.
    :param fresh: ``False`` marks the login as not fresh.
    """
    if not force and not user.is_active:
        return False
    manager = _manager()
    user_id = getattr(user, manager.id_attribute)()
    rotate_session()
    session["_user_id"] = user_id
    session["_fresh"] = fresh
    session["_id"] = manager._session_identifier_generator()
    if remember:
        setattr(g, REMEMBER_OP, "set")
        if duration is not None:
            if not isinstance(duration, timedelta):
                raise TypeError(
                    f"duration must be a datetime.timedelta, instead got: {duration}"
                )
            session["_remember_seconds"] = duration.total_seconds()
    manager._update_request_context_with_user(user)
    send(user_logged_in, user=user)
    return True


def logout_user() -> bool:
    """Log the current user out, and delete the remember cookie if any."""
    user = _get_user()
    # Keys are popped only when there, so the session is not rewritten for
    # nothing.
    for key in ("_user_id", "_fresh", "_id"):
        if key in session:
            session.pop(key)
    if current_app.config["REMEMBER_COOKIE_NAME"] in request.cookies:
        setattr(g, REMEMBER_OP, "clear")
        if "_remember_seconds" in session:
            session.pop("_remember_seconds")
    rotate_session()
    send(user_logged_out, user=user)
    _manager()._update_request_context_with_user()
    return True


def confirm_login() -> None:
    """Mark the login fresh again, after the user re-entered a password."""
    session["_fresh"] = True
    session["_id"] = _manager()._session_identifier_generator()
    send(user_login_confirmed)


# -- decorators ------------------------------------------------------------------


def _record(view: Any, decorated: Any, fresh: bool) -> None:
    # The requirement the API docs read (see kolben.login's docstring); wraps
    # copied any earlier one from the view, which this one joins.
    requirement = {
        "battery": "login",
        "locations": ("session", "cookies"),
        "optional": False,
        "fresh": fresh,
        "refresh": False,
    }
    decorated.__kolben_auth__ = (*getattr(view, "__kolben_auth__", ()), requirement)


def _refusal(fresh: bool) -> Callable[[], Any] | None:
    """Return the manager's refusal for this request, or ``None`` to go on."""
    if request.method in EXEMPT_METHODS or current_app.config.get("LOGIN_DISABLED"):
        return None
    manager = _manager()
    if not current_user.is_authenticated:
        return manager.unauthorized
    if fresh and not login_fresh():
        return manager.needs_refresh
    return None


def _protect(func: F, fresh: bool) -> F:
    if inspect.iscoroutinefunction(func):

        @wraps(func)
        async def decorated_async(*args: Any, **kwargs: Any) -> Any:
            await _manager()._ensure_user_loaded()
            refuse = _refusal(fresh)
            if refuse is not None:
                rv = refuse()
                return await rv if inspect.isawaitable(rv) else rv
            return await cast("Callable[..., Awaitable[Any]]", func)(*args, **kwargs)

        _record(func, decorated_async, fresh)
        return cast("F", decorated_async)

    @wraps(func)
    def decorated_view(*args: Any, **kwargs: Any) -> Any:
        refuse = _refusal(fresh)
        if refuse is not None:
            return refuse()
        return func(*args, **kwargs)

    _record(func, decorated_view, fresh)
    return cast("F", decorated_view)


def login_required(func: F) -> F:
    """Let only logged-in users into the view; others get ``unauthorized()``.

    Example::

        @app.get("/settings")
        @login_required
        def settings():
            return render_template("settings.html")

    ``OPTIONS`` requests and apps with ``LOGIN_DISABLED`` skip the check.
    Sync and async views both work. The view gets ``__kolben_auth__``.

    :param func: the view function.
    """
    return _protect(func, fresh=False)


def fresh_login_required(func: F) -> F:
    """Like :func:`login_required`, and the login must also be fresh.

    A login restored from the remember cookie is not fresh; such users get
    ``LoginManager.needs_refresh()``. Use it for changing a password or an
    email address.

    Example::

        @app.post("/settings/password")
        @fresh_login_required
        def change_password(): ...

    :param func: the view function.
    """
    return _protect(func, fresh=True)


def _user_context_processor() -> dict[str, Any]:
    return {"current_user": _get_user()}
