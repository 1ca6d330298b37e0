"""CSRFProtect: the check of every POST, its token sources and exemptions."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

import pytest
from itsdangerous import TimestampSigner, URLSafeTimedSerializer

from kolben import Blueprint, Kolben, render_template_string
from kolben.forms import CSRFError, CSRFProtect, generate_csrf, validate_csrf
from kolben.forms.csrf import same_origin
from kolben.testing import KolbenClient
from tests.forms.conftest import fetch_token, make_app

Make = Callable[[Kolben], KolbenClient]


@pytest.fixture
def c(csrf_app: Kolben, make_client: Make) -> KolbenClient:
    """A client of the CSRF app over the parametrized protocol."""
    return make_client(csrf_app)


def test_post_without_token_is_400_with_the_reason(c: KolbenClient) -> None:
    r = c.post("/submit", data={"x": "1"})
    assert r.status_code == 400
    assert "The CSRF token is missing." in r.text


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_every_unsafe_method_is_checked(c: KolbenClient, method: str) -> None:
    assert c.open("/submit", method=method).status_code == 400
    token = fetch_token(c)
    r = c.open("/submit", method=method, headers={"X-CSRFToken": token})
    assert r.status_code == 200


def test_a_token_in_the_field_passes(c: KolbenClient) -> None:
    token = fetch_token(c)
    assert c.post("/submit", data={"csrf_token": token}).text == "done"


@pytest.mark.parametrize("header", ["X-CSRFToken", "X-CSRF-Token"])
def test_a_token_in_a_header_passes(c: KolbenClient, header: str) -> None:
    token = fetch_token(c)
    r = c.post("/submit", json={"a": 1}, headers={header: token})
    assert r.text == "done"


def test_a_prefixed_field_passes(c: KolbenClient) -> None:
    token = fetch_token(c)
    assert c.post("/submit", data={"login-csrf_token": token}).text == "done"


def test_a_token_of_another_session_is_refused(
    csrf_app: Kolben, make_client: Make
) -> None:
    mallory, victim = make_client(csrf_app), make_client(csrf_app)
    token = fetch_token(mallory)
    fetch_token(victim)  # the victim has a session token of its own
    r = victim.post("/submit", data={"csrf_token": token})
    assert r.status_code == 400
    assert "The CSRF tokens do not match." in r.text
    # Without any session, the token says nothing either.
    fresh = make_client(csrf_app)
    r = fresh.post("/submit", data={"csrf_token": token})
    assert r.status_code == 400
    assert "The CSRF session token is missing." in r.text


class _TwoHoursAgo(TimestampSigner):
    def get_timestamp(self) -> int:
        return int(time.time()) - 7200


def test_an_expired_token_is_refused(c: KolbenClient) -> None:
    fetch_token(c)
    with c.session_transaction() as sess:
        raw = sess["csrf_token"]
    old = URLSafeTimedSerializer(
        "test secret", salt="wtf-csrf-token", signer=_TwoHoursAgo
    ).dumps(raw)
    r = c.post("/submit", data={"csrf_token": old})
    assert r.status_code == 400
    assert "The CSRF token has expired." in r.text


def test_time_limit_none_accepts_old_tokens(make_client: Make) -> None:
    c = make_client(make_app({"WTF_CSRF_TIME_LIMIT": None}))
    fetch_token(c)
    with c.session_transaction() as sess:
        raw = sess["csrf_token"]
    old = URLSafeTimedSerializer(
        "test secret", salt="wtf-csrf-token", signer=_TwoHoursAgo
    ).dumps(raw)
    assert c.post("/submit", data={"csrf_token": old}).text == "done"


def test_a_forged_token_is_invalid(c: KolbenClient) -> None:
    fetch_token(c)
    with c.session_transaction() as sess:
        raw = sess["csrf_token"]
    forged = URLSafeTimedSerializer("guessed", salt="wtf-csrf-token").dumps(raw)
    r = c.post("/submit", data={"csrf_token": forged})
    assert r.status_code == 400
    assert "The CSRF token is invalid." in r.text
    r = c.post("/submit", data={"csrf_token": "\u00e9t\u00e9"})
    assert "The CSRF token is invalid." in r.text


def test_safe_methods_and_unknown_urls_are_not_checked(c: KolbenClient) -> None:
    assert c.get("/token").status_code == 200
    assert c.options("/submit").status_code == 200
    assert c.post("/nowhere").status_code == 404


# -- the bearer rule ---------------------------------------------------------


@pytest.mark.parametrize("scheme", ["Bearer", "bearer"])
def test_a_bearer_token_without_cookie_is_not_checked(
    c: KolbenClient, scheme: str
) -> None:
    r = c.post(
        "/submit", json={"title": "x"}, headers={"Authorization": f"{scheme} abc.def"}
    )
    assert r.status_code == 200
    assert r.text == "done"


def test_a_bearer_token_with_a_cookie_is_checked(c: KolbenClient) -> None:
    fetch_token(c)  # the client now has a session cookie, as a browser would
    r = c.post("/submit", json={}, headers={"Authorization": "Bearer abc.def"})
    assert r.status_code == 400
    assert "The CSRF token is missing." in r.text


@pytest.mark.parametrize(
    "authorization", ["Basic dXNlcjpwdw==", 'Digest username="u"', "Bearer", ""]
)
def test_browser_credentials_are_still_checked(
    c: KolbenClient, authorization: str
) -> None:
    r = c.post("/submit", json={}, headers={"Authorization": authorization})
    assert r.status_code == 400


def test_a_request_that_merely_has_no_cookie_is_checked(c: KolbenClient) -> None:
    # A login form posted by a browser with no session yet.
    r = c.post("/submit", data={"username": "a", "password": "b"})
    assert r.status_code == 400


def test_jwt_header_type_is_read_from_the_config(make_client: Make) -> None:
    c = make_client(make_app({"JWT_HEADER_TYPE": "JWT"}))
    assert c.post("/submit", headers={"Authorization": "JWT abc"}).text == "done"
    assert c.post("/submit", headers={"Authorization": "Bearer abc"}).text == "done"
    assert c.post("/submit", headers={"Authorization": "Token abc"}).status_code == 400
    bare = make_client(make_app({"JWT_HEADER_TYPE": ""}))
    assert bare.post("/submit", headers={"Authorization": "abc.def"}).text == "done"
    assert bare.post("/submit", headers={"Authorization": "Basic x"}).status_code == 400


def test_check_bearer_restores_flask_wtfs_check(make_client: Make) -> None:
    c = make_client(make_app({"WTF_CSRF_CHECK_BEARER": True}))
    r = c.post("/submit", json={}, headers={"Authorization": "Bearer abc.def"})
    assert r.status_code == 400


# -- exemptions and settings ---------------------------------------------------


def test_an_exempt_view_is_not_checked(make_client: Make) -> None:
    app = make_app()
    csrf: CSRFProtect = app.extensions["csrf"]

    @app.post("/hook")
    @csrf.exempt
    def hook() -> str:
        return "hooked"

    @app.post("/named")
    def named() -> str:
        return "named"

    csrf.exempt(f"{__name__}.named")
    c = make_client(app)
    assert c.post("/hook").text == "hooked"
    assert c.post("/named").text == "named"
    assert c.post("/submit").status_code == 400


def test_an_exempt_blueprint_and_its_children_are_not_checked(
    make_client: Make,
) -> None:
    app = make_app()
    csrf: CSRFProtect = app.extensions["csrf"]
    api = Blueprint("api", __name__)
    v1 = Blueprint("v1", __name__)
    other = Blueprint("other", __name__)

    @v1.post("/thing")
    def thing() -> str:
        return "v1"

    @api.post("/ping")
    def ping() -> str:
        return "api"

    @other.post("/other")
    def other_view() -> str:
        return "other"

    api.register_blueprint(v1, url_prefix="/v1")
    app.register_blueprint(api, url_prefix="/api")
    app.register_blueprint(other)
    csrf.exempt(api)
    c = make_client(app)
    assert c.post("/api/ping").text == "api"
    assert c.post("/api/v1/thing").text == "v1"
    assert c.post("/other").status_code == 400


def test_disabled_protection_checks_nothing(make_client: Make) -> None:
    assert make_client(make_app({"WTF_CSRF_ENABLED": False})).post("/submit").text == (
        "done"
    )


def test_manual_protect_when_the_default_check_is_off(make_client: Make) -> None:
    app = make_app({"WTF_CSRF_CHECK_DEFAULT": False})
    csrf: CSRFProtect = app.extensions["csrf"]

    @app.post("/admin")
    def admin() -> str:
        csrf.protect()
        return "admin"

    c = make_client(app)
    assert c.post("/submit").text == "done"
    r = c.post("/admin")
    assert r.status_code == 400
    assert "The CSRF token is missing." in r.text
    assert c.post("/admin", headers={"X-CSRFToken": fetch_token(c)}).text == "admin"


def test_methods_and_field_name_come_from_the_config(make_client: Make) -> None:
    app = make_app({"WTF_CSRF_METHODS": ["DELETE"], "WTF_CSRF_FIELD_NAME": "tok"})
    c = make_client(app)
    assert c.post("/submit").text == "done"
    assert c.delete("/submit").status_code == 400
    token = fetch_token(c)
    assert c.delete("/submit", data={"tok": token}).text == "done"
    with c.session_transaction() as sess:
        assert "tok" in sess


def test_custom_headers(make_client: Make) -> None:
    c = make_client(make_app({"WTF_CSRF_HEADERS": ["X-Token"]}))
    token = fetch_token(c)
    assert c.post("/submit", headers={"X-CSRFToken": token}).status_code == 400
    assert c.post("/submit", headers={"X-Token": token}).text == "done"


def test_a_separate_secret_key_signs_the_tokens(make_client: Make) -> None:
    c = make_client(make_app({"WTF_CSRF_SECRET_KEY": "csrf only"}))
    token = fetch_token(c)
    with c.session_transaction() as sess:
        raw = sess["csrf_token"]
    assert URLSafeTimedSerializer("csrf only", salt="wtf-csrf-token").loads(token) == (
        raw
    )
    assert c.post("/submit", data={"csrf_token": token}).text == "done"


def test_csrf_error_can_be_handled(make_client: Make) -> None:
    app = make_app()

    @app.errorhandler(CSRFError)
    def on_csrf(e: CSRFError) -> tuple[dict[str, Any], int]:
        return {"csrf": e.description}, 400

    r = make_client(app).post("/submit")
    assert r.status_code == 400
    assert r.json == {"csrf": "The CSRF token is missing."}


# -- HTTPS: the Referer check ------------------------------------------------


def test_https_requires_a_same_origin_referrer(make_client: Make) -> None:
    c = make_client(make_app())
    base = "https://example.test"
    token = c.get("/token", base_url=base).text
    data = {"csrf_token": token}
    r = c.post("/submit", base_url=base, data=data)
    assert r.status_code == 400
    assert "The referrer header is missing." in r.text
    evil = {"Referer": "https://evil.test/page"}
    r = c.post("/submit", base_url=base, data=data, headers=evil)
    assert "The referrer does not match the host." in r.text
    good = {"Referer": "https://example.test/form"}
    assert c.post("/submit", base_url=base, data=data, headers=good).text == "done"


def test_ssl_strict_off_skips_the_referrer_check(make_client: Make) -> None:
    c = make_client(make_app({"WTF_CSRF_SSL_STRICT": False}))
    token = c.get("/token", base_url="https://example.test").text
    r = c.post("/submit", base_url="https://example.test", data={"csrf_token": token})
    assert r.text == "done"


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("https://a.test/x", "https://a.test/", True),
        ("http://a.test/", "https://a.test/", False),
        ("https://a.test:8443/", "https://a.test/", False),
        ("https://b.test/", "https://a.test/", False),
        ("https://a.test:99999/", "https://a.test/", False),
    ],
)
def test_same_origin(a: str, b: str, same: bool) -> None:
    assert same_origin(a, b) is same


# -- the token API -----------------------------------------------------------


def test_generate_csrf_is_stable_per_request_and_validates(app: Kolben) -> None:
    with app.test_request_context():
        token = generate_csrf()
        assert generate_csrf() == token
        validate_csrf(token)
        from wtforms import ValidationError

        with pytest.raises(ValidationError, match="The CSRF token is missing."):
            validate_csrf(None)
        with pytest.raises(ValidationError, match="invalid"):
            validate_csrf(token, secret_key="other")


def test_generate_csrf_needs_a_secret_key() -> None:
    app = Kolben(__name__)
    with app.test_request_context():
        with pytest.raises(RuntimeError, match="A secret key is required"):
            generate_csrf()


def test_csrf_token_is_a_template_global_after_init(csrf_app: Kolben) -> None:
    with csrf_app.test_request_context():
        page = render_template_string(
            "{% macro t() %}{{ csrf_token() }}{% endmacro %}{{ t() }}"
        )
        validate_csrf(page)


def test_the_check_runs_on_the_event_loop_under_asgi(
    caplog: pytest.LogCaptureFixture,
) -> None:
    app = make_app()
    threads: dict[str, str] = {}

    @app.post("/async")
    async def view() -> str:
        import threading

        threads["view"] = threading.current_thread().name
        return "ok"

    c = app.test_client(protocol="asgi")
    assert c.post("/async", headers={"X-CSRFToken": fetch_token(c)}).text == "ok"
    with caplog.at_level(logging.INFO, logger="kolben.forms.csrf"):
        assert c.post("/async").status_code == 400
    (record,) = [r for r in caplog.records if r.name == "kolben.forms.csrf"]
    # The failed check logged from the loop's thread, the one the async view
    # runs on, and not from the thread pool.
    assert record.threadName == threads["view"]
    assert not record.threadName.startswith("kolben-sync")
