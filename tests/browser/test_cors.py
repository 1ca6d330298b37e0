"""A page on one loopback port calls an API on another, in a real headless Chromium.

The API (served by uvicorn) allows the page's origin, ``http://127.0.0.1:<page
port>``; the same page loaded from ``http://localhost:<page port>`` is another
origin, and the browser blocks its call: the preflight gets no CORS headers,
so the POST is never sent.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.e2e._live import HOST, LiveServer, fetch, start_server, stop_server

pytestmark = [pytest.mark.browser, pytest.mark.e2e]

CHROMIUM = "/usr/bin/chromium"


# ``browser``, one headless Chromium for the session, is tests/browser's.


@pytest.fixture(scope="module")
def servers(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[LiveServer, LiveServer]]:
    logs = tmp_path_factory.mktemp("cors-browser")
    page = start_server("uvicorn", logs, {}, app="tests.browser.cors_apps:page")
    try:
        origin = {"KOLBEN_TEST_PAGE_ORIGIN": f"http://{HOST}:{page.port}"}
        api = start_server("uvicorn", logs, origin, app="tests.browser.cors_apps:api")
        try:
            yield page, api
        finally:
            stop_server(api)
    finally:
        stop_server(page)


def _title_after_fetch(browser: Any, url: str) -> str:
    tab = browser.new_page()
    try:
        tab.goto(url)
        tab.wait_for_function(
            "document.title.startsWith('ok:') || document.title.startsWith('failed:')",
            timeout=10_000,
        )
        return str(tab.title())
    finally:
        tab.close()


def test_an_allowed_origin_calls_the_api(
    browser: Any, servers: tuple[LiveServer, LiveServer]
) -> None:
    page, api = servers
    allowed = f"http://{HOST}:{page.port}"
    title = _title_after_fetch(browser, f"{allowed}/?api={api.url}/api/echo")
    assert title == f"ok:{allowed}"


def test_a_disallowed_origin_is_blocked_by_the_browser(
    browser: Any, servers: tuple[LiveServer, LiveServer], tmp_path: Path
) -> None:
    page, api = servers
    other = f"http://localhost:{page.port}"
    title = _title_after_fetch(browser, f"{other}/?api={api.url}/api/echo")
    # fetch() rejects with a TypeError ("Failed to fetch") on a CORS failure.
    assert title == "failed:TypeError"
    # The browser stopped at the preflight: the POST never reached the view.
    assert other not in fetch(api.url, "GET", "/seen").json()["seen"]
