"""Server-side sessions in Redis, against a real Redis server.

Set KOLBEN_TEST_REDIS_URL (``.ci/run`` does) to run these.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from kolben import Kolben, session
from kolben.sessions import RedisSessionInterface

REDIS_URL = os.environ.get("KOLBEN_TEST_REDIS_URL")
pytestmark = pytest.mark.skipif(
    not REDIS_URL, reason="KOLBEN_TEST_REDIS_URL is not set: no Redis server to use"
)


@pytest.fixture
def interface() -> Iterator[RedisSessionInterface]:
    iface = RedisSessionInterface(url=REDIS_URL, prefix=f"test:{uuid.uuid4().hex}:")
    yield iface
    for key in iface.client.scan_iter(f"{iface.prefix}*"):
        iface.client.delete(key)
    iface.client.close()


@pytest.fixture
def rapp(app: Kolben, interface: RedisSessionInterface) -> Kolben:
    app.session_interface = interface

    @app.route("/count")
    def count() -> str:
        session["n"] = session.get("n", 0) + 1
        return str(session["n"])

    @app.route("/logout")
    def logout() -> str:
        session.clear()
        return "bye"

    return app


def test_data_lives_in_redis_not_in_the_cookie(
    rapp: Kolben, interface: RedisSessionInterface, make_client: Any
) -> None:
    client = make_client(rapp)
    assert [client.get("/count").text for _ in range(3)] == ["1", "2", "3"]
    cookie = client.get_cookie("session")
    assert cookie is not None
    # The cookie is "<session id>.<signature>", and the data is under the id.
    session_id = cookie.value.rpartition(".")[0]
    keys = list(interface.client.scan_iter(f"{interface.prefix}*"))
    assert keys == [f"{interface.prefix}{session_id}".encode()]
    assert interface.client.ttl(keys[0]) > 0  # expires with the session


def test_forged_session_id_starts_a_new_session(rapp: Kolben, make_client: Any) -> None:
    client = make_client(rapp)
    client.get("/count")
    client.set_cookie("session", "someone-elses-id.forged")
    assert client.get("/count").text == "1"


def test_clearing_deletes_the_redis_key(
    rapp: Kolben, interface: RedisSessionInterface, make_client: Any
) -> None:
    client = make_client(rapp)
    client.get("/count")
    client.get("/logout")
    assert list(interface.client.scan_iter(f"{interface.prefix}*")) == []
    assert client.get("/count").text == "1"


def test_vary_cookie_joins_the_existing_vary(
    app: Kolben, interface: RedisSessionInterface, make_client: Any
) -> None:
    app.session_interface = interface

    @app.route("/login")
    def login() -> Any:
        session.permanent = True
        session["user"] = "ada"
        return "", {"Vary": "Accept-Encoding"}

    @app.route("/peek")
    def peek() -> Any:
        return str("user" in session), {"Vary": "Accept-Encoding"}

    client = make_client(app)
    assert client.get("/login").headers.getlist("Vary") == ["Accept-Encoding, Cookie"]
    r = client.get("/peek")
    assert (r.text, "Set-Cookie" in r.headers) == ("True", True)
    assert r.headers.getlist("Vary") == ["Accept-Encoding, Cookie"]


def test_a_refresh_varies_even_for_a_session_not_marked_accessed(
    app: Kolben, interface: RedisSessionInterface
) -> None:
    from kolben import Response
    from kolben.sessions import SecureCookieSession

    sess = SecureCookieSession({"_permanent": True, "user": "ada"})
    sess.sid = "sid-for-the-test"  # type: ignore[attr-defined]
    response = Response("", headers={"Vary": "Accept-Encoding"})
    with app.test_request_context():
        interface.save_session(app, sess, response)
    assert "Set-Cookie" in response.headers
    assert response.headers.getlist("Vary") == ["Accept-Encoding, Cookie"]


def _sid(client: Any) -> str:
    cookie = client.get_cookie("session")
    assert cookie is not None
    return str(cookie.value.rpartition(".")[0])


def test_a_signed_id_the_server_does_not_know_is_not_adopted(
    rapp: Kolben, interface: RedisSessionInterface, make_client: Any
) -> None:
    # A validly signed id with no data behind it (an expired session, or one
    # an attacker chose and had signed somehow) starts a session of its own.
    with rapp.test_request_context():
        chosen = interface._signer(rapp).sign("chosen-by-the-client").decode()
    client = make_client(rapp)
    client.set_cookie("session", chosen)
    assert client.get("/count").text == "1"
    assert _sid(client) != "chosen-by-the-client"
    assert interface.client.get(f"{interface.prefix}chosen-by-the-client") is None


def test_regenerate_gives_a_new_id_and_keeps_the_data(
    rapp: Kolben, interface: RedisSessionInterface, make_client: Any
) -> None:
    @rapp.route("/rotate")
    def rotate() -> str:
        interface.regenerate(session._get_current_object())  # type: ignore[attr-defined]
        return "rotated"

    client = make_client(rapp)
    client.get("/count")
    old = _sid(client)
    assert client.get("/rotate").text == "rotated"
    new = _sid(client)
    assert new != old
    assert interface.client.get(interface.prefix + old) is None
    assert client.get("/count").text == "2"
    # The old id leads nowhere now.
    stale = make_client(rapp)
    with rapp.test_request_context():
        stale.set_cookie("session", interface._signer(rapp).sign(old).decode())
    assert stale.get("/count").text == "1"


def test_regenerating_a_new_session_stores_nothing_until_it_has_data(
    rapp: Kolben, interface: RedisSessionInterface, make_client: Any
) -> None:
    @rapp.route("/rotate-empty")
    def rotate_empty() -> str:
        interface.regenerate(session._get_current_object())  # type: ignore[attr-defined]
        return "rotated"

    client = make_client(rapp)
    assert "Set-Cookie" not in client.get("/rotate-empty").headers or (
        client.get_cookie("session") is None
    )
    assert list(interface.client.scan_iter(f"{interface.prefix}*")) == []
