"""client.session_transaction(): read and change the session between requests."""

from __future__ import annotations

import os
import uuid
from typing import Any

import pytest

from kolben import Kolben, Request, Response, session
from kolben.sessions import RedisSessionInterface, SessionInterface, SessionMixin
from kolben.testing import KolbenClient

REDIS_URL = os.environ.get("KOLBEN_TEST_REDIS_URL")


def _routes(app: Kolben) -> None:
    app.add_url_rule("/show", "show", lambda: dict(session))

    @app.route("/set/<value>")
    def set_value(value: str) -> str:
        session["v"] = value
        return "set"


def test_changes_are_seen_by_the_next_request(
    app: Kolben, client: KolbenClient
) -> None:
    _routes(app)
    with client.session_transaction() as sess:
        assert dict(sess) == {}
        sess["user"] = "ada"
    assert client.get("/show").json == {"user": "ada"}


def test_reads_what_the_app_stored(app: Kolben, client: KolbenClient) -> None:
    _routes(app)
    client.get("/set/42")
    with client.session_transaction() as sess:
        assert sess["v"] == "42"
        sess["v"] = "43"
    assert client.get("/show").json == {"v": "43"}


def test_cookie_is_kept_for_the_host_of_the_arguments(
    app: Kolben, client: KolbenClient
) -> None:
    _routes(app)
    with client.session_transaction(base_url="http://other.test/") as sess:
        sess["where"] = "other"
    assert client.get("/show").json == {}
    assert client.get("/show", base_url="http://other.test/").json == {"where": "other"}


def test_needs_cookies(app: Kolben, protocol: str) -> None:
    client = app.test_client(use_cookies=False, protocol=protocol)
    with (
        pytest.raises(TypeError, match=r"Create a client with 'use_cookies=True'"),
        client.session_transaction(),
    ):
        pass  # pragma: no cover - the transaction does not open


def test_needs_a_session(protocol: str) -> None:
    app = Kolben("no_secret")  # no SECRET_KEY: the cookie session cannot open
    client = app.test_client(protocol=protocol)
    with (
        pytest.raises(RuntimeError, match="Session backend did not open a session"),
        client.session_transaction(),
    ):
        pass  # pragma: no cover - the transaction does not open


class MemorySessionInterface(SessionInterface):
    """Sessions in a dict, keyed by an unsigned id cookie; a real, tiny back end."""

    def __init__(self) -> None:
        self.store: dict[str, dict[str, Any]] = {}

    def open_session(self, app: Kolben, request: Request) -> SessionMixin | None:
        sid = request.cookies.get("sid")
        if sid == "null":
            return self.make_null_session(app)
        data = self.store.get(sid or "", {})
        sess = MemorySession(data)
        sess.sid = sid or uuid.uuid4().hex
        return sess

    def save_session(
        self, app: Kolben, session: SessionMixin, response: Response
    ) -> None:
        sid = session.sid  # type: ignore[attr-defined]
        self.store[sid] = dict(session)
        response.set_cookie("sid", sid)


class MemorySession(dict[str, Any], SessionMixin):
    """A plain dict session with an id."""

    sid = ""


def test_custom_session_interface(app: Kolben, client: KolbenClient) -> None:
    interface = MemorySessionInterface()
    app.session_interface = interface
    _routes(app)
    with client.session_transaction() as sess:
        sess["n"] = 1
    sid = client.get_cookie("sid").value
    assert interface.store[sid] == {"n": 1}
    assert client.get("/show").json == {"n": 1}


def test_null_session_is_not_saved(app: Kolben, client: KolbenClient) -> None:
    app.session_interface = MemorySessionInterface()
    client.set_cookie("sid", "null")
    with client.session_transaction() as sess:
        assert app.session_interface.is_null_session(sess)
    assert client.get_cookie("sid").value == "null"


@pytest.mark.skipif(
    not REDIS_URL, reason="KOLBEN_TEST_REDIS_URL is not set: no Redis server to use"
)
def test_redis_session_interface(app: Kolben, client: KolbenClient) -> None:
    interface = RedisSessionInterface(url=REDIS_URL, prefix=f"test:{uuid.uuid4().hex}:")
    app.session_interface = interface
    _routes(app)
    try:
        with client.session_transaction() as sess:
            sess["cart"] = [1, 2]
        assert client.get("/show").json == {"cart": [1, 2]}
        client.get("/set/x")
        with client.session_transaction() as sess:
            assert dict(sess) == {"cart": [1, 2], "v": "x"}
        assert len(list(interface.client.scan_iter(f"{interface.prefix}*"))) == 1
    finally:
        for key in interface.client.scan_iter(f"{interface.prefix}*"):
            interface.client.delete(key)
        interface.client.close()
