"""A test client that starts logged in, as Flask-Login's does."""

from __future__ import annotations

from typing import Any

from ..testing import KolbenClient


class FlaskLoginClient(KolbenClient):
    """A test client whose session holds a logged-in user from the start.

    Example::

        app.test_client_class = FlaskLoginClient
        client = app.test_client(user=alice, protocol="asgi")
        assert client.get("/settings").status_code == 200

    :param user: the user to log in; none if not given.
    :param fresh_login: whether that login is fresh.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        """Take ``user=`` and ``fresh_login=``, and the test client's arguments."""
        user = kwargs.pop("user", None)
        fresh = kwargs.pop("fresh_login", True)
        super().__init__(*args, **kwargs)
        if user:
            app = self.application
            # The session is bound to this client's address and User-Agent,
            # as login_user binds it, so session protection lets it be.
            with app.test_request_context(environ_base=self.environ_base):
                ident = app.login_manager._session_identifier_generator()
            with self.session_transaction() as sess:
                sess["_user_id"] = user.get_id()
                sess["_fresh"] = fresh
                sess["_id"] = ident
