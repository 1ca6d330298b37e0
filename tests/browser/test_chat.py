"""The chat example in real Chromium pages, on two uvicorn workers and Redis.

A message typed in one page appears in another page of the same room served
by the *other* worker process, so it crossed processes through Redis; a
page in another room does not get it.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.browser.conftest import TIMEOUT_MS
from tests.e2e._live import HOST, REPO_ROOT, fetch, free_port

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

REDIS_URL = os.environ.get("KOLBEN_TEST_REDIS_URL")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.e2e,
    pytest.mark.skipif(
        not REDIS_URL, reason="KOLBEN_TEST_REDIS_URL is not set: no Redis server"
    ),
]

#: Times a page is reloaded to land on the worker the other page is not on.
TRIES = 30


@pytest.fixture
def site(tmp_path: Path) -> Iterator[str]:
    """The chat example under uvicorn with two workers sharing Redis."""
    port = free_port()
    log = tmp_path / "uvicorn.log"
    env = {
        **os.environ,
        "KOLBEN_CHAT_BROADCAST_URL": str(REDIS_URL),
        "KOLBEN_CHAT_CHANNEL_PREFIX": f"browser-chat-{uuid.uuid4().hex}:",
    }
    with log.open("wb") as out:
        server = subprocess.Popen(
            [
                *(sys.executable, "-m", "uvicorn", "--workers", "2"),
                *("--host", HOST, "--port", str(port), "--app-dir", "examples"),
                *("--factory", "chat:create_app"),
            ],
            cwd=REPO_ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            # uvicorn's workers outlive a signal to the main process alone.
            start_new_session=True,
        )
    base = f"http://{HOST}:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            assert server.poll() is None, log.read_text()
            try:
                if fetch(base, "GET", "/", timeout=1.0).status == 200:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.1)
        yield base
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(10)
    assert "Traceback" not in log.read_text(), log.read_text()


def open_room(browser: Browser, url: str) -> Page:
    """Open ``url`` in a context of its own; wait until its socket joined."""
    context = browser.new_context()
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.goto(url)
    page.wait_for_selector("#status:text('connected')")
    return page


def worker(page: Page) -> str:
    return str(page.get_attribute("#status", "data-worker"))


def on_other_worker(page: Page, than: str) -> None:
    """Reload ``page`` until its WebSocket is served by a worker not ``than``."""
    for _ in range(TRIES):
        if worker(page) != than:
            return
        page.reload()
        page.wait_for_selector("#status:text('connected')")
    pytest.fail(f"every connection in {TRIES} went to worker {than}")


def send(page: Page, name: str, text: str) -> None:
    page.fill("#name", name)
    page.fill("#text", text)
    page.click("#send button[type=submit]")


def test_a_message_typed_in_one_page_appears_in_the_other(
    browser: Browser, site: str
) -> None:
    ann = open_room(browser, f"{site}/rooms/lobby")
    bob = open_room(browser, f"{site}/rooms/lobby")
    on_other_worker(bob, worker(ann))
    cem = open_room(browser, f"{site}/rooms/python")
    try:
        send(ann, "ann", "hello from <b>ann</b>")
        bob.wait_for_selector("#log li.message")
        assert bob.inner_text("#log") == "ann: hello from <b>ann</b>"  # as text
        ann.wait_for_selector("#log li.message")
        assert ann.inner_text("#log") == "ann: hello from <b>ann</b>"

        # The other room: its own message arrives, the lobby's never did.
        send(cem, "cem", "anyone?")
        cem.wait_for_selector("#log li.message")
        assert cem.inner_text("#log") == "cem: anyone?"
        # And the lobby does not get the other room's.
        send(bob, "bob", "hi ann")
        ann.wait_for_selector("#log li.message:nth-child(2)")
        assert ann.inner_text("#log").splitlines() == [
            "ann: hello from <b>ann</b>",
            "bob: hi ann",
        ]
    finally:
        for page in (ann, bob, cem):
            page.context.close()
