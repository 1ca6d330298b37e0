"""Fixtures for the Flaskr example: its package, an app on a temp database."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from kolben import Kolben
from kolben.sessions import SecureCookieSessionInterface
from kolben.testing import KolbenClient, TestResponse

FLASKR = Path(__file__).resolve().parents[2] / "examples" / "flaskr"
_TOKEN = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')
_UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def csrf_token_of(page: str) -> str:
    """Return the CSRF token of the first form on a page."""
    match = _TOKEN.search(page)
    assert match is not None, page
    return match.group(1)


class FormClient(KolbenClient):
    """A client that posts as a browser posts a page's form: with its token.

    Before each POST (PUT, PATCH, DELETE) it loads the login page, whose
    form holds the session's CSRF token, and sends that token along in the
    ``X-CSRFToken`` header; ``csrf=False`` sends none, as a forged request
    from another site would.
    """

    def open(
        self,
        *args: Any,
        buffered: bool = False,
        follow_redirects: bool = False,
        csrf: bool = True,
        **kwargs: Any,
    ) -> TestResponse:
        """Send a request; see :meth:`KolbenClient.open`."""
        if csrf and str(kwargs.get("method", "GET")).upper() in _UNSAFE:
            page = super().open("/auth/login").text
            kwargs["headers"] = {
                **dict(kwargs.get("headers") or {}),
                "X-CSRFToken": csrf_token_of(page),
            }
        return super().open(
            *args, buffered=buffered, follow_redirects=follow_redirects, **kwargs
        )


@pytest.fixture(scope="session")
def flaskr() -> ModuleType:
    """Import ``examples/flaskr`` as the package ``flaskr``, not installed."""
    if "flaskr" in sys.modules:
        return sys.modules["flaskr"]
    spec = importlib.util.spec_from_file_location(
        "flaskr", FLASKR / "__init__.py", submodule_search_locations=[str(FLASKR)]
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    # Registered before it runs: its relative imports and Kolben(__name__)
    # both look the package up by name.
    sys.modules["flaskr"] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def app(flaskr: ModuleType, tmp_path: Path) -> Kolben:
    """A Flaskr app in testing mode on a fresh database with sample data.

    Users "test" and "other" (each password is the name; hashed at a tiny
    scrypt cost so that logging in stays fast) and one post by "test".
    """
    app: Kolben = flaskr.create_app(
        {"TESTING": True, "DATABASE": str(tmp_path / "flaskr.sqlite")}
    )
    app.test_client_class = FormClient
    hash_password = flaskr.passwords.hash_password
    with app.app_context():
        flaskr.db.init_db()
        db = flaskr.db.get_db()
        db.executemany(
            "INSERT INTO user (username, password) VALUES (?, ?)",
            [(name, hash_password(name, cost=4)) for name in ("test", "other")],
        )
        db.execute(
            "INSERT INTO post (title, body, author_id, created)"
            " VALUES ('test title', 'test body', 1, '2018-01-01 00:00:00')"
        )
        db.commit()
    return app


def session_of(app: Kolben, client: KolbenClient) -> dict[str, Any]:
    """Return the session the client's cookie holds, as the app would read it.

    Reading the cookie works the same under both protocols; see
    ``test_with_client_shows_the_session`` for why ``with client:`` is not used.
    """
    cookie = client.get_cookie("session")
    if cookie is None:
        return {}
    interface = app.session_interface
    assert isinstance(interface, SecureCookieSessionInterface)
    serializer = interface.get_signing_serializer(app)
    assert serializer is not None
    data: dict[str, Any] = serializer.loads(cookie.value)
    return data


class AuthActions:
    """Log a test client in and out through the real forms."""

    def __init__(self, client: KolbenClient) -> None:
        self._client = client

    def login(self, username: str = "test", password: str = "test") -> TestResponse:
        """Post the login form; the sample user "test" by default."""
        return self._client.post(
            "/auth/login", data={"username": username, "password": password}
        )

    def logout(self) -> TestResponse:
        """Post the logout form."""
        return self._client.post("/auth/logout")


@pytest.fixture
def auth(client: KolbenClient) -> AuthActions:
    """Log the parametrized-protocol ``client`` in and out."""
    return AuthActions(client)
