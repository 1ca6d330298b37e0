"""kolben.talisman: security headers, HTTPS and cookies, under both protocols."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest

from kolben import Kolben, render_template_string, session
from kolben.talisman import ALLOW_FROM, DENY, Talisman
from kolben.testing import KolbenClient
from tests.conftest import create_app

Make = Callable[[Kolben], KolbenClient]
HTTPS = "https://localhost"


def make_app(config: dict[str, Any] | None = None, **options: Any) -> Kolben:
    app = create_app(config)
    talisman = Talisman(app, **options)

    @app.get("/")
    def index() -> str:
        session["seen"] = True
        return render_template_string('<script nonce="{{ csp_nonce() }}">go()</script>')

    @app.get("/embeddable")
    @talisman(frame_options=ALLOW_FROM, frame_options_allow_from="https://a.example")
    def embeddable() -> str:
        return "embed me"

    @app.get("/plain")
    @talisman(force_https=False, content_security_policy=None, frame_options=DENY)
    def plain() -> str:
        return "plain"

    return app


def test_the_default_headers_over_https(make_client: Make) -> None:
    r = make_client(make_app()).get("/", base_url=HTTPS)
    assert r.status_code == 200
    h = r.headers
    assert h["Strict-Transport-Security"] == "max-age=31556926; includeSubDomains"
    assert h["Content-Security-Policy"] == "default-src 'self'; object-src 'none'"
    assert h["X-Frame-Options"] == "SAMEORIGIN"
    assert h["X-Content-Type-Options"] == "nosniff"
    assert h["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert h["Permissions-Policy"] == "browsing-topics=()"
    assert "X-XSS-Protection" not in h
    cookie = h["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_plain_http_is_redirected(make_client: Make) -> None:
    client = make_client(make_app())
    r = client.get("/?q=1")
    assert r.status_code == 302
    assert r.headers["Location"] == "https://localhost/?q=1"
    permanent = make_client(make_app(force_https_permanent=True)).get("/")
    assert permanent.status_code == 301
    # A view may opt out; HSTS is only ever sent over HTTPS.
    plain = client.get("/plain")
    assert plain.status_code == 200
    assert "Strict-Transport-Security" not in plain.headers


def test_no_redirect_in_debug_mode(make_client: Make) -> None:
    app = make_app()
    app.debug = True
    assert make_client(app).get("/").status_code == 200


def test_a_clients_forwarded_proto_does_not_count(make_client: Make) -> None:
    client = make_client(make_app())
    r = client.get("/", headers={"X-Forwarded-Proto": "https"})
    assert r.status_code == 302


def test_trusting_forwarded_proto_is_a_setting(make_client: Make) -> None:
    app = make_app({"TALISMAN_TRUST_X_FORWARDED_PROTO": True})
    r = make_client(app).get("/", headers={"X-Forwarded-Proto": "https"})
    assert r.status_code == 200
    assert "Strict-Transport-Security" in r.headers


def test_proxy_fix_makes_a_trusted_proxy_count(make_client: Make) -> None:
    app = make_app({"PROXY_FIX": {"x_proto": 1}})
    r = make_client(app).get("/", headers={"X-Forwarded-Proto": "https"})
    assert r.status_code == 200
    assert "Strict-Transport-Security" in r.headers


def test_a_nonce_per_request_in_the_header_and_the_template(make_client: Make) -> None:
    client = make_client(make_app(content_security_policy_nonce_in=["script-src"]))
    nonces = []
    for _ in range(2):
        r = client.get("/", base_url=HTTPS)
        found = re.search(r'nonce="([^"]+)"', r.text)
        assert found
        nonce = found.group(1)
        assert len(nonce) == 32
        nonces.append(nonce)
    assert nonces[0] != nonces[1]


def test_the_nonce_goes_into_the_named_sections(make_client: Make) -> None:
    app = make_app(
        content_security_policy={"default-src": "'self'", "script-src": ["'self'"]},
        content_security_policy_nonce_in=["script-src"],
    )
    r = make_client(app).get("/", base_url=HTTPS)
    nonce = re.search(r'nonce="([^"]+)"', r.text).group(1)  # type: ignore[union-attr]
    assert r.headers["Content-Security-Policy"] == (
        f"default-src 'self'; script-src 'self' 'nonce-{nonce}'"
    )


def test_without_nonce_sections_csp_nonce_is_empty(make_client: Make) -> None:
    r = make_client(make_app()).get("/", base_url=HTTPS)
    assert 'nonce=""' in r.text


def test_per_view_overrides(make_client: Make) -> None:
    client = make_client(make_app())
    r = client.get("/embeddable", base_url=HTTPS)
    assert r.headers["X-Frame-Options"] == "ALLOW-FROM https://a.example"
    r = client.get("/plain", base_url=HTTPS)
    assert r.headers["X-Frame-Options"] == "DENY"
    assert "Content-Security-Policy" not in r.headers
    # The app's options are as before for the other views.
    assert client.get("/", base_url=HTTPS).headers["X-Frame-Options"] == "SAMEORIGIN"


def test_report_only_and_string_policies(make_client: Make) -> None:
    app = make_app(
        content_security_policy="default-src 'self'; img-src *",
        content_security_policy_report_only=True,
        content_security_policy_report_uri="/csp-report",
        permissions_policy="geolocation=()",
        document_policy={"oversized-images": "?0"},
        x_xss_protection=True,
        force_file_save=True,
        strict_transport_security_preload=True,
        referrer_policy="no-referrer",
    )
    h = make_client(app).get("/", base_url=HTTPS).headers
    assert "Content-Security-Policy" not in h
    assert h["Content-Security-Policy-Report-Only"] == (
        "default-src 'self'; img-src *; report-uri /csp-report"
    )
    assert h["Permissions-Policy"] == "geolocation=()"
    assert h["Document-Policy"] == "oversized-images=?0"
    assert h["X-XSS-Protection"] == "1; mode=block"
    assert h["X-Download-Options"] == "noopen"
    assert h["Strict-Transport-Security"].endswith("; preload")
    assert h["Referrer-Policy"] == "no-referrer"


def test_report_only_needs_a_uri() -> None:
    with pytest.raises(ValueError, match="report_uri"):
        Talisman(create_app(), content_security_policy_report_only=True)


def test_a_view_may_not_set_app_options() -> None:
    talisman = Talisman(create_app())
    with pytest.raises(TypeError, match="referrer_policy"):
        talisman(referrer_policy="no-referrer")


def test_an_async_view_gets_the_headers(make_client: Make) -> None:
    app = make_app()

    @app.get("/async")
    async def async_view() -> str:
        return "async"

    r = make_client(app).get("/async", base_url=HTTPS)
    assert r.text == "async"
    assert r.headers["X-Content-Type-Options"] == "nosniff"


# -- the same headers as Flask-Talisman --------------------------------------------


@pytest.mark.parametrize(
    "options",
    [
        {},
        {"frame_options": DENY, "referrer_policy": "no-referrer"},
        {
            "content_security_policy": "default-src 'self'; img-src *",
            "permissions_policy": {"geolocation": "()", "camera": "()"},
            "x_xss_protection": True,
            "strict_transport_security_max_age": 60,
            "strict_transport_security_include_subdomains": False,
        },
    ],
)
def test_headers_match_flask_talisman(options: dict[str, Any], protocol: str) -> None:
    flask = pytest.importorskip("flask")
    flask_talisman = pytest.importorskip("flask_talisman")
    reference = flask.Flask(__name__)
    flask_talisman.Talisman(reference, **options)
    reference.add_url_rule("/", "index", lambda: "hi")
    app = create_app()
    Talisman(app, **options)
    app.add_url_rule("/", "index", lambda: "hi")
    for base in (HTTPS, "http://localhost"):
        theirs = reference.test_client().get("/", base_url=base)
        ours = app.test_client(protocol=protocol).get("/", base_url=base)
        assert ours.status_code == theirs.status_code
        names = {n for n, _ in theirs.headers.items()} - {"Content-Length", "Date"}
        for name in names:
            assert ours.headers.get(name) == theirs.headers.get(name), name
