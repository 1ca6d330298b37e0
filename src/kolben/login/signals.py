"""The login battery's signals, under Flask-Login's names.

Each is sent with the app as sender; connect with ``@signal.connect_via(app)``
or ``signal.connect(receiver)``. Async receivers work, as with kolben's own
signals.
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

#: Sent when a user logs in, with ``user``, the user logged in.
user_logged_in = _signals.signal("logged-in")

#: Sent when a user logs out, with ``user``, the user logged out.
user_logged_out = _signals.signal("logged-out")

#: Sent when the user is loaded from the remember cookie, with ``user``.
user_loaded_from_cookie = _signals.signal("loaded-from-cookie")

#: Sent when the request loader returned a user, with ``user``.
user_loaded_from_request = _signals.signal("loaded-from-request")

#: Sent when ``confirm_login()`` marks the login fresh again (not at login).
user_login_confirmed = _signals.signal("login-confirmed")

#: Sent when ``LoginManager.unauthorized()`` is called.
user_unauthorized = _signals.signal("unauthorized")

#: Sent when ``LoginManager.needs_refresh()`` is called.
user_needs_refresh = _signals.signal("needs-refresh")

#: Sent whenever the user is loaded for a request.
user_accessed = _signals.signal("accessed")

#: Sent when session protection marks the session non-fresh or drops it.
session_protected = _signals.signal("session-protected")
