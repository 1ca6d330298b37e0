"""CSRF in a real browser: a form posts from its page, and not from another."""

from __future__ import annotations

import json
import re
import urllib.request
from http.cookiejar import CookieJar
from typing import TYPE_CHECKING

import pytest

from tests.browser.conftest import Serve

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = [pytest.mark.browser, pytest.mark.e2e]

FORMS_APP = "tests.browser.apps:forms_app"
OTHER_ORIGIN = "tests.browser.apps:other_origin_app"


def _notes(base: str) -> list[str]:
    with urllib.request.urlopen(f"{base}/notes", timeout=10) as reply:
        notes: list[str] = json.load(reply)["notes"]
    return notes


def _attackers_own_token(base: str) -> str:
    """Load the form with a session of its own, as an attacker can."""
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(CookieJar())
    )
    with opener.open(f"{base}/note", timeout=10) as reply:
        page = reply.read().decode()
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    assert match is not None
    return match.group(1)


@pytest.mark.parametrize("server", ["gunicorn", "uvicorn"])
def test_a_form_posts_from_its_page_and_not_from_another_origin(
    page: Page, serve: Serve, server: str
) -> None:
    site = serve(FORMS_APP, server)
    other = serve(OTHER_ORIGIN)
    assert other.port != site.port

    # The user fills in and submits the form on the site's own page.
    page.goto(f"{site.url}/note")
    page.fill("#note", "hello from the page")
    page.click("button[type=submit]")
    assert page.inner_text("h1") == "Saved"
    assert _notes(site.url) == ["hello from the page"]
    assert any(c["name"] == "session" for c in page.context.cookies(site.url))

    # Another origin's page posts to the site, with the user's cookies: no
    # token at all, then the attacker's token from a session of its own.
    target = f"{site.url}/note"
    for token, reason in [
        ("", "The CSRF token is missing."),
        (_attackers_own_token(site.url), "The CSRF tokens do not match."),
    ]:
        page.goto(f"{other.url}/attack?target={target}&token={token}")
        with page.expect_response(target) as posted:
            page.click("button[type=submit]")
        assert posted.value.status == 400
        assert reason in page.content()
    assert _notes(site.url) == ["hello from the page"]
