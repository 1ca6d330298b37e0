"""Flask-Login's defaults, under Flask-Login's names.

``LoginManager.init_app`` puts the ``REMEMBER_COOKIE_*`` defaults and the
other keys of this battery into ``app.config`` with ``setdefault``, so the
app's configuration reads as the whole truth. ``SESSION_PROTECTION`` is the
exception: Flask-Login lets it override ``LoginManager.session_protection``
only when it is set, so it is never given a default.
"""

from __future__ import annotations

from datetime import timedelta

#: The default name of the "remember me" cookie (``remember_token``).
COOKIE_NAME = "remember_token"

#: The default time before the "remember me" cookie expires (365 days).
COOKIE_DURATION = timedelta(days=365)

#: Whether the "remember me" cookie requires HTTPS; defaults to ``False``.
COOKIE_SECURE = False

#: Whether the "remember me" cookie is hidden from JavaScript; ``True``.
COOKIE_HTTPONLY = True

#: The "remember me" cookie's SameSite attribute; defaults to ``None``.
COOKIE_SAMESITE: str | None = None

#: The default flash message shown when users need to log in.
LOGIN_MESSAGE = "Please log in to access this page."

#: The default category of :data:`LOGIN_MESSAGE`.
LOGIN_MESSAGE_CATEGORY = "message"

#: The default flash message shown when users need to reauthenticate.
REFRESH_MESSAGE = "Please reauthenticate to access this page."

#: The default category of :data:`REFRESH_MESSAGE`.
REFRESH_MESSAGE_CATEGORY = "message"

#: The name of the user method that returns the id kept in the session.
ID_ATTRIBUTE = "get_id"

#: The session keys this battery sets; purge them to log someone out by hand.
SESSION_KEYS = {
    "_user_id",
    "_remember",
    "_remember_seconds",
    "_id",
    "_fresh",
    "next",
}

#: HTTP methods that ``login_required`` lets through (CORS preflights).
EXEMPT_METHODS = {"OPTIONS"}

#: Whether the page asked for is kept in the session, not in ``?next=``.
USE_SESSION_FOR_NEXT = False

#: What ``init_app`` sets with ``setdefault``: Flask-Login's defaults, and
#: kolben's keys that restore Flask-Login's behaviour where kolben is stricter
#: (see docs/coming-from-flask.md).
CONFIG_DEFAULTS: dict[str, object] = {
    "LOGIN_DISABLED": False,
    "USE_SESSION_FOR_NEXT": USE_SESSION_FOR_NEXT,
    "FORCE_HOST_FOR_REDIRECTS": None,
    "REMEMBER_COOKIE_NAME": COOKIE_NAME,
    "REMEMBER_COOKIE_DURATION": COOKIE_DURATION,
    "REMEMBER_COOKIE_DOMAIN": None,
    "REMEMBER_COOKIE_PATH": "/",
    "REMEMBER_COOKIE_SECURE": COOKIE_SECURE,
    "REMEMBER_COOKIE_HTTPONLY": COOKIE_HTTPONLY,
    "REMEMBER_COOKIE_SAMESITE": COOKIE_SAMESITE,
    "REMEMBER_COOKIE_REFRESH_EACH_REQUEST": False,
    # kolben: a new session id at login and logout (False: keep it, as
    # Flask-Login does).
    "LOGIN_ROTATE_SESSION": True,
    # kolben: the client identifier uses the peer address (True: the first
    # X-Forwarded-For address, which any client can send, as Flask-Login does).
    "LOGIN_TRUST_FORWARDED_FOR": False,
    # kolben: REMEMBER_COOKIE_REFRESH_EACH_REQUEST refreshes an existing
    # remember cookie (True: give one to every logged-in user, as
    # Flask-Login does, even to those who did not ask to be remembered).
    "LOGIN_REMEMBER_ON_REFRESH": False,
}
