"""Browser tests: real headless Chromium against kolben apps on real servers.

They run only when asked for, with ``pytest -m browser tests/browser``, as
``.ci/run`` does in a step of its own; a plain ``pytest`` skips them (a hook,
as for the load tests, so that another ``-m`` does not start them).

The browser is Debian's ``chromium`` (``/usr/bin/chromium``), driven by
Playwright; no browser is downloaded. Fixtures for other batteries' tests:

- ``serve(app, server="uvicorn")`` starts ``"module:attribute"`` (an app
  that answers ``GET /ping``) under a real server on a loopback port and
  returns the :class:`~tests.e2e._live.LiveServer`; each call is another
  origin (another port).
- ``page``: a fresh Playwright page in a context of its own (no cookies
  shared with other tests).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.e2e._live import LiveServer, start_server, stop_server

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

#: Debian's Chromium; .ci/run installs it.
CHROMIUM = "/usr/bin/chromium"
#: Milliseconds any page action or navigation may take.
TIMEOUT_MS = 10_000

Serve = Callable[..., LiveServer]


def pytest_collection_modifyitems(
    config: pytest.Config, items: list[pytest.Item]
) -> None:
    """Skip the ``browser`` tests unless the ``-m`` expression names them."""
    if "browser" in config.getoption("markexpr", ""):
        return
    skip = pytest.mark.skip(reason="browser tests run only with `pytest -m browser`")
    for item in items:
        if item.get_closest_marker("browser") is not None:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Headless Chromium, one for the session."""
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"{CHROMIUM} is missing: apt-get install chromium chromium-driver")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--headless"]
        )
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A new page in a context of its own: no cookies from other tests."""
    context = browser.new_context()
    context.set_default_timeout(TIMEOUT_MS)
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[Serve]:
    """Start apps under real servers; all are stopped after the test."""
    started: list[LiveServer] = []

    def start(app: str, server: str = "uvicorn") -> LiveServer:
        live = start_server(server, tmp_path, {}, app=app)
        started.append(live)
        return live

    try:
        yield start
    finally:
        for live in reversed(started):
            stop_server(live)
