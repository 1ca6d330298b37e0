"""The signed-cookie session, as the core dispatch uses it."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any

import pytest

from kolben import Kolben, Response, session
from kolben.http.cookies import CookieTooLarge
from kolben.sessions import SessionTooLarge
from kolben.testing import KolbenClient
from tests.conftest import create_app


@pytest.fixture
def counter(app: Kolben) -> Kolben:
    @app.route("/count")
    def count() -> str:
        session["n"] = session.get("n", 0) + 1
        return str(session["n"])

    @app.route("/peek")
    def peek() -> Any:
        return {"n": session.get("n")}

    return app


def test_session_survives_requests(counter: Kolben, client: KolbenClient) -> None:
    assert [client.get("/count").text for _ in range(3)] == ["1", "2", "3"]
    r = client.get("/peek")
    assert r.json == {"n": 3}
    assert r.headers["Vary"] == "Cookie"
    assert "Set-Cookie" not in r.headers


def test_tampered_cookie_gives_an_empty_session(
    counter: Kolben, client: KolbenClient
) -> None:
    client.get("/count")
    cookie = client.get_cookie("session")
    assert cookie is not None
    head, _, signature = cookie.value.rpartition(".")
    changed = ("A" if signature[0] != "A" else "B") + signature[1:]
    client.set_cookie("session", f"{head}.{changed}")
    assert client.get("/peek").json == {"n": None}


def test_cookie_signed_with_another_key_is_ignored(
    counter: Kolben, client: KolbenClient
) -> None:
    client.get("/count")
    counter.config["SECRET_KEY"] = "rotated"
    assert client.get("/peek").json == {"n": None}


def test_key_rotation_with_fallbacks(counter: Kolben, client: KolbenClient) -> None:
    client.get("/count")
    counter.config.update(SECRET_KEY="new key", SECRET_KEY_FALLBACKS=["test secret"])
    assert client.get("/count").text == "2"


def test_writing_without_secret_key_says_what_to_set(
    app: Kolben, client: KolbenClient
) -> None:
    app.config["SECRET_KEY"] = None

    @app.route("/")
    def index() -> str:
        session["x"] = 1
        return "x"

    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        client.get("/")


def _big_session_app(app: Kolben) -> Kolben:
    @app.route("/")
    def index() -> str:
        # Random text, so the serializer's compression cannot shrink it.
        session["big"] = secrets.token_hex(3000)
        return "x"

    return app


def test_oversized_session_raises_in_testing_mode_naming_the_fix(
    app: Kolben, client: KolbenClient
) -> None:
    _big_session_app(app)
    with pytest.raises(SessionTooLarge, match="4093") as info:
        client.get("/")
    assert "RedisSessionInterface" in str(info.value)
    assert "Store less in the session" in str(info.value)


def test_oversized_session_is_a_500_in_production_whose_log_says_why(
    make_client: Callable[[Kolben], KolbenClient],
    caplog: pytest.LogCaptureFixture,
) -> None:
    app = _big_session_app(create_app({"TESTING": False}))
    r = make_client(app).get("/")
    assert r.status_code == 500
    assert "Set-Cookie" not in r.headers
    errors = [r.exc_info[1] for r in caplog.records if r.exc_info]
    assert errors, "the 500 was not logged"
    assert isinstance(errors[0], SessionTooLarge)
    assert "RedisSessionInterface" in str(errors[0])


def test_oversized_session_shows_on_the_debug_page(
    make_client: Callable[[Kolben], KolbenClient],
) -> None:
    app = _big_session_app(
        create_app({"TESTING": False, "DEBUG": True, "PROPAGATE_EXCEPTIONS": False})
    )
    r = make_client(app).get("/", headers={"Accept": "application/json"})
    assert r.status_code == 500
    assert r.get_json()["error"]["type"] == "SessionTooLarge"


def test_any_cookie_over_max_cookie_size_follows_the_same_rule(
    make_client: Callable[[Kolben], KolbenClient],
) -> None:
    app = create_app({"TESTING": False, "MAX_COOKIE_SIZE": 100})

    @app.route("/")
    def index() -> Response:
        response = Response("x")
        response.set_cookie("prefs", "p" * 200)
        return response

    assert make_client(app).get("/").status_code == 500
    app.testing = True
    with pytest.raises(CookieTooLarge, match="over the limit of 100 bytes"):
        make_client(app).get("/")


def test_max_cookie_size_zero_sends_oversized_cookies_as_flask_does(
    make_client: Callable[[Kolben], KolbenClient],
) -> None:
    app = _big_session_app(create_app({"MAX_COOKIE_SIZE": 0}))
    r = make_client(app).get("/")
    assert r.status_code == 200
    assert len(r.headers["Set-Cookie"]) > 4093


def test_cookie_settings(app: Kolben, client: KolbenClient) -> None:
    app.config.update(
        SESSION_COOKIE_NAME="sid",
        SESSION_COOKIE_DOMAIN="localhost",
        SESSION_COOKIE_PATH="/app",
        SESSION_COOKIE_SECURE=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_PARTITIONED=True,
    )

    @app.route("/app/set")
    def set_value() -> str:
        session["x"] = 1
        return "ok"

    header = client.get("/app/set").headers["Set-Cookie"]
    assert header.startswith("sid=")
    for part in (
        "Domain=localhost",
        "Path=/app",
        "Secure",
        "HttpOnly",
        "SameSite=Lax",
        "Partitioned",
    ):
        assert part in header
    assert "Expires" not in header  # a browser-session cookie


def test_permanent_session_lifetime_and_refresh(
    app: Kolben, client: KolbenClient
) -> None:
    from datetime import timedelta

    app.config["PERMANENT_SESSION_LIFETIME"] = timedelta(hours=2)

    @app.route("/login")
    def login() -> str:
        session.permanent = True
        session["user"] = "ada"
        return "ok"

    @app.route("/read")
    def read() -> Any:
        return {"user": session.get("user"), "new": session.new}

    assert "Expires=" in client.get("/login").headers["Set-Cookie"]
    r = client.get("/read")
    assert r.json == {"user": "ada", "new": False}
    # Permanent sessions are re-sent each request, so they slide forward ...
    assert "Set-Cookie" in r.headers
    assert "Set-Cookie" in client.get("/read").headers


def test_no_refresh_each_request(app: Kolben, client: KolbenClient) -> None:
    app.config["SESSION_REFRESH_EACH_REQUEST"] = False

    @app.route("/login")
    def login() -> str:
        session.permanent = True
        session["user"] = "ada"
        return "ok"

    app.add_url_rule("/read", "read", lambda: str(session.get("user")))
    client.get("/login")
    r = client.get("/read")
    assert r.text == "ada"
    assert "Set-Cookie" not in r.headers  # ... unless that is turned off


def test_session_round_trips_python_types(app: Kolben, client: KolbenClient) -> None:
    import uuid
    from datetime import UTC, datetime

    from markupsafe import Markup

    token = uuid.uuid4()
    when = datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)

    @app.route("/set")
    def set_values() -> str:
        session.update(
            raw=b"\x00\x01", pair=(1, "a"), id=token, when=when, html=Markup("<b>x</b>")
        )
        return "ok"

    @app.route("/get")
    def get_values() -> str:
        ok = (
            session["raw"] == b"\x00\x01"
            and session["pair"] == (1, "a")
            and session["id"] == token
            and session["when"] == when
            and isinstance(session["html"], Markup)
        )
        return "same" if ok else repr(dict(session))

    client.get("/set")
    assert client.get("/get").text == "same"


@pytest.mark.parametrize(
    "payload",
    [b"\x80\x04\x95pickle", b"{", b'{" di": 1}'],
    ids=["not-json", "truncated-json", "bad-tag"],
)
def test_signed_cookie_with_a_garbled_payload_gives_an_empty_session(
    counter: Kolben, client: KolbenClient, payload: bytes
) -> None:
    # Signed with the app's own key (an older serializer, a shared key), so
    # only the payload is wrong: a new session, never a 500.
    from itsdangerous import base64_encode

    serializer = counter.session_interface.get_signing_serializer(counter)  # type: ignore[attr-defined]
    signer = serializer.make_signer(serializer.salt)
    client.set_cookie("session", signer.sign(base64_encode(payload)).decode())
    assert client.get("/peek").json == {"n": None}


def _vary_app(app: Any, session_proxy: Any, permanent: bool) -> None:
    """Routes for the Vary scenarios, on a kolben or a Flask app."""

    @app.route("/login")
    def login() -> str:
        session_proxy.permanent = permanent
        session_proxy["user"] = "ada"
        return "ok"

    @app.route("/read")
    def read() -> Any:
        return str(session_proxy.get("user")), {"Vary": "Accept-Encoding"}

    @app.route("/peek")
    def peek() -> Any:
        # Only the keys: the page still depends on the cookie (Flask 3.1.3).
        return str("user" in session_proxy), {"Vary": "Accept-Encoding"}

    @app.route("/logout")
    def logout() -> Any:
        session_proxy.clear()
        return "", {"Vary": "Accept-Encoding"}

    @app.route("/untouched")
    def untouched() -> Any:
        return "", {"Vary": "Accept-Encoding"}


def _vary_headers(client: Any) -> list[list[str]]:
    client.get("/login")
    return [
        client.get(path).headers.getlist("Vary")
        for path in ("/read", "/peek", "/logout", "/untouched")
    ]


def test_vary_cookie_joins_the_existing_vary_whenever_the_session_was_used(
    app: Kolben, client: KolbenClient
) -> None:
    import flask

    _vary_app(app, session, permanent=False)
    fapp = flask.Flask(__name__)
    fapp.secret_key = "test secret"
    _vary_app(fapp, flask.session, permanent=False)
    merged, kept = ["Accept-Encoding, Cookie"], ["Accept-Encoding"]
    expected = [merged, merged, merged, kept]
    assert _vary_headers(client) == expected
    assert _vary_headers(fapp.test_client()) == expected


def test_a_permanent_sessions_refresh_varies_on_the_cookie(
    app: Kolben, client: KolbenClient
) -> None:
    _vary_app(app, session, permanent=True)
    client.get("/login")
    r = client.get("/peek")
    assert "Set-Cookie" in r.headers
    assert r.headers.getlist("Vary") == ["Accept-Encoding, Cookie"]
    # kolben opens the session on first use: a view that never uses it
    # leaves the cookie as it is (Flask would refresh it) and varies on nothing.
    r = client.get("/untouched")
    assert "Set-Cookie" not in r.headers
    assert r.headers.getlist("Vary") == ["Accept-Encoding"]


@pytest.mark.parametrize("accessed", [False, True])
def test_the_cookie_interface_varies_whenever_it_sends_the_cookie(
    app: Kolben, accessed: bool
) -> None:
    # A session object of a kind the request context did not mark, as an
    # app's own back end or a hook using ctx._session might hand over.
    from kolben import Response
    from kolben.sessions import SecureCookieSession, SecureCookieSessionInterface

    sess = SecureCookieSession({"_permanent": True, "user": "ada"})
    sess.accessed = accessed
    response = Response("", headers={"Vary": "Accept-Encoding"})
    with app.test_request_context():
        SecureCookieSessionInterface().save_session(app, sess, response)
    assert "Set-Cookie" in response.headers
    assert response.headers.getlist("Vary") == ["Accept-Encoding, Cookie"]


def test_vary_cookie_keeps_every_vary_header_and_is_added_once(
    app: Kolben, client: KolbenClient
) -> None:
    @app.route("/")
    def index() -> Any:
        session["n"] = 1
        return "", [("Vary", "Accept-Encoding"), ("Vary", "Origin")]

    @app.route("/has")
    def has() -> Any:
        session["n"] = 1
        return "", {"Vary": "origin, cookie"}

    @app.route("/star")
    def star() -> Any:
        session["n"] = 1
        return "", {"Vary": "*"}

    assert client.get("/").headers.getlist("Vary") == [
        "Accept-Encoding, Origin, Cookie"
    ]
    assert client.get("/has").headers.getlist("Vary") == ["origin, cookie"]
    assert client.get("/star").headers.getlist("Vary") == ["*"]
