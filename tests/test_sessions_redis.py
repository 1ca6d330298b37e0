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
