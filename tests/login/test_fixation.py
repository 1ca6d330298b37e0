"""Session fixation: a session planted before login is worthless after it.

With the Redis session interface the session id changes at login and at
logout (against the real Redis server: set KOLBEN_TEST_REDIS_URL, as
``.ci/run`` does). The cookie session has no id; its login state is in the
signed cookie, so a cookie from before login never carries the login.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from kolben import Kolben
from kolben.sessions import RedisSessionInterface

from .conftest import build_login_app, log_in

REDIS_URL = os.environ.get("KOLBEN_TEST_REDIS_URL")
needs_redis = pytest.mark.skipif(
    not REDIS_URL, reason="KOLBEN_TEST_REDIS_URL is not set: no Redis server to use"
)


@pytest.fixture
def redis_interface() -> Iterator[RedisSessionInterface]:
    """A Redis session interface with keys of its own, removed afterwards."""
    iface = RedisSessionInterface(url=REDIS_URL, prefix=f"test:{uuid.uuid4().hex}:")
    yield iface
    for key in iface.client.scan_iter(f"{iface.prefix}*"):
        iface.client.delete(key)
    iface.client.close()


@pytest.fixture(params=["cookie", pytest.param("redis", marks=needs_redis)])
def interface(request: pytest.FixtureRequest) -> str:
    """Which session interface the app uses."""
    return str(request.param)


def _app(
    interface: str, request: pytest.FixtureRequest, config: dict[str, Any] | None = None
) -> Kolben:
    app = build_login_app(config=config)
    if interface == "redis":
        app.session_interface = request.getfixturevalue("redis_interface")
    return app


def _session(client: Any) -> str:
    cookie = client.get_cookie("session")
    assert cookie is not None
    return str(cookie.value)


def _planted_session(app: Kolben, make_client: Any) -> str:
    """Return a session cookie an attacker got from the site before login."""
    attacker = make_client(app)
    attacker.get("/private")  # the flashed message makes a session
    return _session(attacker)


def test_a_planted_session_does_not_become_the_login(
    interface: str, request: pytest.FixtureRequest, make_client: Any
) -> None:
    app = _app(interface, request)
    planted = _planted_session(app, make_client)
    victim = make_client(app)
    victim.set_cookie("session", planted)
    log_in(victim)
    assert _session(victim) != planted
    assert victim.get("/me").get_json() == {"name": "ada"}
    attacker = make_client(app)
    attacker.set_cookie("session", planted)
    assert attacker.get("/me").get_json() == {"name": None}


def test_the_session_of_a_login_is_worthless_after_logout(
    interface: str, request: pytest.FixtureRequest, make_client: Any
) -> None:
    app = _app(interface, request)
    victim = make_client(app)
    before = _planted_session(app, make_client)
    victim.set_cookie("session", before)
    log_in(victim)
    during = _session(victim)
    victim.get("/logout")
    if interface == "redis":
        # A new id at logout too; the session keeps its data (the flash).
        assert _session(victim) not in (before, during)
    for stolen in (before, during) if interface == "redis" else (before,):
        thief = make_client(app)
        thief.set_cookie("session", stolen)
        assert thief.get("/me").get_json() == {"name": None}


def test_a_stolen_cookie_session_fails_strong_protection(
    request: pytest.FixtureRequest, make_client: Any
) -> None:
    # The cookie session keeps nothing on the server, so a cookie copied while
    # logged in is a login until it expires; "strong" protection refuses it
    # from another client.
    app = _app("cookie", request, {"SESSION_PROTECTION": "strong"})
    victim = make_client(app)
    log_in(victim)
    thief = make_client(app)
    thief.set_cookie("session", _session(victim))
    r = thief.get("/me", headers={"User-Agent": "Thief/1"})
    assert r.get_json() == {"name": None}


@needs_redis
def test_rotation_removes_the_old_id_from_redis(
    request: pytest.FixtureRequest,
    redis_interface: RedisSessionInterface,
    make_client: Any,
) -> None:
    app = _app("redis", request)
    victim = make_client(app)
    victim.set_cookie("session", _planted_session(app, make_client))
    keys = list(redis_interface.client.scan_iter(f"{redis_interface.prefix}*"))
    assert len(keys) == 1
    log_in(victim)
    after = list(redis_interface.client.scan_iter(f"{redis_interface.prefix}*"))
    assert len(after) == 1 and after != keys
    # The data of the session (the flashed message) moved with it.
    with victim.session_transaction() as sess:
        assert sess["_flashes"]


@needs_redis
def test_a_login_from_the_remember_cookie_rotates_a_planted_id(
    request: pytest.FixtureRequest, make_client: Any
) -> None:
    app = _app("redis", request)
    victim = make_client(app)
    log_in(victim, remember="1")
    planted = _planted_session(app, make_client)
    victim.set_cookie("session", planted)
    assert victim.get("/me").get_json() == {"name": "ada"}
    assert _session(victim) != planted
    attacker = make_client(app)
    attacker.set_cookie("session", planted)
    assert attacker.get("/me").get_json() == {"name": None}


@needs_redis
def test_login_rotate_session_false_keeps_the_id_as_flask_login_does(
    request: pytest.FixtureRequest, make_client: Any
) -> None:
    app = _app("redis", request, {"LOGIN_ROTATE_SESSION": False})
    planted = _planted_session(app, make_client)
    victim = make_client(app)
    victim.set_cookie("session", planted)
    log_in(victim)
    assert _session(victim) == planted
    # Which is what makes fixation work: the attacker shares the login.
    attacker = make_client(app)
    attacker.set_cookie("session", planted)
    assert attacker.get("/me").get_json() == {"name": "ada"}
