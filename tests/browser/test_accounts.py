"""The accounts example in a real browser: register, log in, a private page."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.browser.conftest import Serve

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = [pytest.mark.browser, pytest.mark.e2e]


@pytest.mark.parametrize("server", ["gunicorn", "uvicorn"])
def test_register_log_out_log_in_and_see_the_profile(
    page: Page,
    serve: Serve,
    server: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(
        os.environ, "KOLBEN_BROWSER_ACCOUNTS_DB", str(tmp_path / "accounts.sqlite")
    )
    site = serve("tests.browser.accounts_app:app", server)

    # A stranger is sent to log in, with the page to come back to.
    page.goto(f"{site.url}/profile")
    assert page.url == f"{site.url}/login?next=%2Fprofile"

    page.goto(f"{site.url}/register")
    page.fill("#username", "ann")
    page.fill("#password", "secret123")
    page.click("button[type=submit]")
    assert page.url == f"{site.url}/profile"
    assert page.inner_text("#profile") == "You are ann, user 1."

    page.click("nav button[type=submit]")  # log out
    page.goto(f"{site.url}/profile")
    assert "/login" in page.url

    page.fill("#username", "ann")
    page.fill("#password", "wrong password")
    page.click("button[type=submit]")
    assert page.inner_text("[role=alert]") == "Wrong username or password."

    page.fill("#username", "ann")
    page.fill("#password", "secret123")
    page.check("#remember")
    page.click("button[type=submit]")
    assert page.url == f"{site.url}/profile"
    assert page.inner_text("#who") == "ann"
    # Remember me: with the session cookie gone, the user is still known.
    context = page.context
    cookies = [c for c in context.cookies(site.url) if c["name"] != "session"]
    assert any(c["name"] == "remember_token" for c in cookies)
    context.clear_cookies()
    context.add_cookies(cookies)  # type: ignore[arg-type]
    page.goto(f"{site.url}/profile")
    assert page.inner_text("#profile") == "You are ann, user 1."
