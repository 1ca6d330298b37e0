"""When an unhandled error answers with the debug page, and when it must not."""

from __future__ import annotations

import secrets
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from kolben import Kolben, request
from kolben.testing import KolbenClient


@pytest.fixture
def debug_app(app: Kolben) -> Kolben:
    app.testing = False
    app.debug = True
    # The test client gets unhandled errors in debug mode, as Flask's does;
    # not propagating them makes the app answer with the debug page itself,
    # as it does for a server (tests/test_wsgi.py and test_asgi.py show both).
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.route("/fail")
    def fail() -> str:
        order_total = 41
        raise ZeroDivisionError(f"cannot split {order_total} ways")

    return app


def test_loopback_client_gets_the_page(debug_app: Kolben, client: KolbenClient) -> None:
    r = client.get("/fail")
    assert r.status_code == 500
    assert r.mimetype == "text/html"
    page = r.text
    assert "ZeroDivisionError" in page
    assert "cannot split 41 ways" in page
    assert "def fail" in page  # source context of the failing frame
    assert "order_total" in page  # its local variables


def test_json_when_the_client_asks_for_it(
    debug_app: Kolben, client: KolbenClient
) -> None:
    r = client.get("/fail", headers={"Accept": "application/json"})
    assert r.status_code == 500
    data = r.json
    assert data["error"]["type"] == "ZeroDivisionError"
    assert any(frame["function"] == "fail" for frame in data["traceback"])


def test_remote_client_gets_a_plain_500(
    debug_app: Kolben, client: KolbenClient
) -> None:
    r = client.get("/fail", environ_base={"REMOTE_ADDR": "203.0.113.7"})
    assert r.status_code == 500
    assert "Internal Server Error" in r.text
    assert "ZeroDivisionError" not in r.text
    assert "order_total" not in r.text


def test_allowed_networks_get_the_page(debug_app: Kolben, client: KolbenClient) -> None:
    debug_app.config["DEBUG_ALLOWED_CLIENTS"] = ["203.0.113.0/24"]
    r = client.get("/fail", environ_base={"REMOTE_ADDR": "203.0.113.7"})
    assert "ZeroDivisionError" in r.text


def test_no_page_outside_debug_mode(debug_app: Kolben, client: KolbenClient) -> None:
    debug_app.debug = False
    r = client.get("/fail")
    assert r.status_code == 500
    assert "ZeroDivisionError" not in r.text


def test_the_error_is_logged_as_well(
    debug_app: Kolben, client: KolbenClient, caplog: pytest.LogCaptureFixture
) -> None:
    client.get("/fail")
    assert "Exception on /fail [GET]" in caplog.text


def test_request_data_is_shown_never_run(
    debug_app: Kolben, client: KolbenClient, tmp_path: Path
) -> None:
    marker = tmp_path / "evaluated"
    code = f"__import__('pathlib').Path({str(marker)!r}).touch()"

    @debug_app.route("/echo", methods=["POST"])
    def echo() -> Any:
        raise RuntimeError("boom")

    # Random, so the value cannot appear in the page through source context.
    cookie_value = secrets.token_hex(8)
    r = client.post(
        f"/echo?q={code}",
        data={"field": code},
        headers={"X-Code": code, "Cookie": f"session={cookie_value}"},
    )
    assert r.status_code == 500
    assert not marker.exists()
    assert cookie_value not in r.text  # cookies are redacted
    assert "<script" not in r.text.lower()


# -- behind proxies, and for other hosts -------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [
        {"X-Forwarded-For": "127.0.0.1"},
        {"X-Forwarded-For": "203.0.113.7, 127.0.0.1"},
        {"X-Real-IP": "127.0.0.1"},
        {"Forwarded": "for=127.0.0.1;proto=http"},
        {"X-Forwarded-Host": "localhost"},
        {"X-Forwarded-Proto": "https"},
    ],
)
def test_no_page_through_a_proxy_nobody_named(
    debug_app: Kolben, client: KolbenClient, headers: dict[str, str]
) -> None:
    # The peer is loopback, as a proxy on the same host is.
    r = client.get("/fail", headers=headers)
    assert r.status_code == 500
    assert "ZeroDivisionError" not in r.text


def test_a_named_proxy_passes_on_only_allowed_clients(
    debug_app: Kolben, client: KolbenClient
) -> None:
    debug_app.config["DEBUG_ALLOWED_CLIENTS"] = ["127.0.0.1"]
    local = client.get("/fail", headers={"X-Forwarded-For": "127.0.0.1"})
    assert "ZeroDivisionError" in local.text
    forwarded = "for=127.0.0.1, for=203.0.113.7"
    remote = client.get("/fail", headers={"Forwarded": forwarded})
    assert "ZeroDivisionError" not in remote.text
    spoofed = client.get("/fail", headers={"X-Forwarded-For": "127.0.0.1, 203.0.113.7"})
    assert "ZeroDivisionError" not in spoofed.text
    unnamed = client.get("/fail", headers={"X-Forwarded-Proto": "https"})
    assert "ZeroDivisionError" not in unnamed.text


@pytest.mark.parametrize(
    ("host", "shown"),
    [
        ("localhost", True),
        ("localhost:5000", True),
        ("app.localhost:5000", True),
        ("127.0.0.1:5000", True),
        ("127.1.2.3", True),
        ("[::1]:5000", True),
        ("rebound.example", False),
        ("10.0.0.2:5000", False),
        ("localhost.example", False),
    ],
)
def test_the_host_must_be_loopback_or_trusted(
    debug_app: Kolben, client: KolbenClient, host: str, shown: bool
) -> None:
    r = client.get("/fail", headers={"Host": host})
    assert ("ZeroDivisionError" in r.text) is shown


def test_trusted_hosts_may_see_the_page(
    debug_app: Kolben, client: KolbenClient
) -> None:
    debug_app.config["TRUSTED_HOSTS"] = [".dev.example"]
    r = client.get("/fail", headers={"Host": "app.dev.example"})
    assert "ZeroDivisionError" in r.text


def test_werkzeug_proxy_fix_decides_the_client(debug_app: Kolben) -> None:
    from werkzeug.middleware.proxy_fix import ProxyFix

    debug_app.wsgi_app = ProxyFix(debug_app.wsgi_app, x_for=1)  # type: ignore[method-assign]
    client = debug_app.test_client(protocol="wsgi")
    local = client.get("/fail", headers={"X-Forwarded-For": "127.0.0.1"})
    assert "ZeroDivisionError" in local.text
    remote = client.get("/fail", headers={"X-Forwarded-For": "203.0.113.7"})
    assert "ZeroDivisionError" not in remote.text


# -- what the page redacts -----------------------------------------------------------


def test_secrets_nested_in_locals_urls_and_json_bodies_are_redacted(
    debug_app: Kolben, client: KolbenClient
) -> None:
    secret = secrets.token_hex(8)

    @debug_app.route("/nested", methods=["POST"])
    def nested() -> Any:
        settings = {"db": [{"name": "main", "password": secret}]}
        profile = SimpleNamespace(user="bob", api_token=secret)
        dsn = f"postgresql://bob:{secret}@db.internal/app"
        callback = f"https://example.com/cb?code=1&access_token={secret}"
        body = request.get_data()
        raise RuntimeError(f"{len(settings)} {profile} {dsn} {callback} {body!r}")

    del nested
    r = client.post(
        f"/nested?session_id={secret}",
        data=f'{{"user": "bob", "credentials": {{"password": "{secret}"}}}}',
        content_type="application/json",
        headers={"Referer": f"https://example.com/?token={secret}"},
    )
    assert r.status_code == 500
    assert "settings" in r.text and "callback" in r.text and "body" in r.text
    assert secret not in r.text
