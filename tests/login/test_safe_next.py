"""``safe_next_url``: a login view follows ``next`` only to this site."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest

from kolben import Kolben
from kolben.login import safe_next_url
from kolben.login._safe_url import is_safe_next_url

from .conftest import build_login_app, log_in

OPEN_REDIRECTS = [
    "//evil.com",
    "///evil.com",
    "////evil.com/x",
    "https://evil.com",
    "http://evil.com/login",
    "HTTPS://EVIL.COM",
    "https:evil.com",
    "http:/evil.com",
    "/\\evil.com",
    "\\\\evil.com",
    "\\/evil.com",
    "/\\/evil.com",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "java\tscript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    " //evil.com",
    "\t//evil.com",
    "/\t/evil.com",
    "/\n/evil.com",
    "\x00//evil.com",
    "/\x7f/evil.com",
    "\u200b//evil.com",
    "\u3000//evil.com",
    "https://localhost@evil.com",
    "https://localhost.evil.com/",
    "https://evil.com#@localhost",
    "http://[::1",
    "evil.com",
    "",
    "ftp://localhost/file",
]

SAME_SITE = [
    "/",
    "/account",
    "/account?tab=2&x=%2F%2Fevil.com",
    "/search?q=//evil.com",
    "/a:b",
    "/caf\u00e9",
    "http://localhost/account",
    "https://LOCALHOST/account",
]


@pytest.mark.parametrize("target", OPEN_REDIRECTS)
def test_targets_off_the_site_are_refused(app: Kolben, target: str) -> None:
    with app.test_request_context():
        assert not is_safe_next_url(target)
        assert safe_next_url("/home", target=target) == "/home"


@pytest.mark.parametrize("target", SAME_SITE)
def test_paths_and_urls_of_this_host_are_followed(app: Kolben, target: str) -> None:
    with app.test_request_context():
        assert safe_next_url("/home", target=target) == target


def test_the_default_default_is_the_apps_root(app: Kolben) -> None:
    with app.test_request_context("/login?next=//evil.com"):
        assert safe_next_url() == "/"
    with app.test_request_context(
        "/login?next=//evil.com", base_url="http://localhost/shop"
    ):
        assert safe_next_url() == "/shop/"


def test_a_forced_host_is_the_site(app: Kolben) -> None:
    app.config["FORCE_HOST_FOR_REDIRECTS"] = "example.com"
    with app.test_request_context():
        assert safe_next_url(target="https://example.com/a") == "https://example.com/a"
        assert safe_next_url(target="https://localhost/a") == "/"


@pytest.mark.parametrize("target", OPEN_REDIRECTS[:24])
def test_the_login_view_does_not_redirect_off_the_site(
    make_client: Any, target: str
) -> None:
    client = make_client(build_login_app())
    r = client.post("/login?next=" + quote(target, safe=""), data={"name": "ada"})
    assert r.status_code == 302
    assert r.headers["Location"] == "/home"


def test_next_in_the_form_is_read_too(make_client: Any) -> None:
    client = make_client(build_login_app())
    r = log_in(client, next="/account")
    assert r.headers["Location"] == "/account"
    r = log_in(client, next="https://evil.com")
    assert r.headers["Location"] == "/home"
