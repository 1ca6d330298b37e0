"""When an unhandled error answers with the debug page, and when it must not."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

import pytest

from kolben import Kolben
from kolben.testing import KolbenClient


@pytest.fixture
def debug_app(app: Kolben) -> Kolben:
    app.testing = False
    app.debug = True

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
