"""Login sessions: Flask-Login 0.6's API, built into kolben.

A port from Flask-Login is an import change::

    from kolben.login import LoginManager, UserMixin, current_user, login_required

    login = LoginManager(app)
    login.login_view = "auth.login"

    @login.user_loader
    def load_user(user_id):
        return db.session.get(User, int(user_id))

Submodules keep Flask-Login's names: :mod:`kolben.login.login_manager`,
:mod:`~kolben.login.utils`, :mod:`~kolben.login.mixins`,
:mod:`~kolben.login.config` and :mod:`~kolben.login.signals`. Loaders,
handlers and views may be sync or async, under WSGI and ASGI alike.

Where kolben is stricter than Flask-Login (a new session id at login and
logout, the client identifier, refreshing the remember cookie), a config key
restores Flask-Login's behaviour; see docs/coming-from-flask.md.

**Meeting point with the API docs.** ``login_required`` and
``fresh_login_required`` record their requirement on the view they return, in
the attribute ``__kolben_auth__``: a tuple of dicts, one per decorator, the
innermost first, each ``{"battery": "login", "locations": ("session",
"cookies"), "optional": False, "fresh": bool, "refresh": False}``.
``kolben.jwt``'s ``jwt_required`` appends its own (``"battery": "jwt"``) to
the same tuple, and the API battery reads it to describe the security scheme.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import signals as signals
from .config import COOKIE_DURATION as COOKIE_DURATION
from .config import COOKIE_HTTPONLY as COOKIE_HTTPONLY
from .config import COOKIE_NAME as COOKIE_NAME
from .config import COOKIE_SECURE as COOKIE_SECURE
from .config import ID_ATTRIBUTE as ID_ATTRIBUTE
from .config import LOGIN_MESSAGE as LOGIN_MESSAGE
from .config import LOGIN_MESSAGE_CATEGORY as LOGIN_MESSAGE_CATEGORY
from .config import REFRESH_MESSAGE as REFRESH_MESSAGE
from .config import REFRESH_MESSAGE_CATEGORY as REFRESH_MESSAGE_CATEGORY
from .login_manager import LoginManager as LoginManager
from .mixins import AnonymousUserMixin as AnonymousUserMixin
from .mixins import UserMixin as UserMixin
from .signals import session_protected as session_protected
from .signals import user_accessed as user_accessed
from .signals import user_loaded_from_cookie as user_loaded_from_cookie
from .signals import user_loaded_from_request as user_loaded_from_request
from .signals import user_logged_in as user_logged_in
from .signals import user_logged_out as user_logged_out
from .signals import user_login_confirmed as user_login_confirmed
from .signals import user_needs_refresh as user_needs_refresh
from .signals import user_unauthorized as user_unauthorized
from .utils import confirm_login as confirm_login
from .utils import current_user as current_user
from .utils import decode_cookie as decode_cookie
from .utils import encode_cookie as encode_cookie
from .utils import fresh_login_required as fresh_login_required
from .utils import login_fresh as login_fresh
from .utils import login_remembered as login_remembered
from .utils import login_required as login_required
from .utils import login_url as login_url
from .utils import login_user as login_user
from .utils import logout_user as logout_user
from .utils import make_next_param as make_next_param
from .utils import safe_next_url as safe_next_url
from .utils import set_login_view as set_login_view

if TYPE_CHECKING:
    from .test_client import FlaskLoginClient as FlaskLoginClient


def __getattr__(name: str) -> object:
    """Import ``FlaskLoginClient`` on first use, as ``kolben.cli`` is.

    PERF: it needs the test client, which an app in production never does.

    :param name: the attribute asked for.
    """
    if name == "FlaskLoginClient":
        from .test_client import FlaskLoginClient

        return FlaskLoginClient
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
