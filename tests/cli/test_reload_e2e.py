"""``kolben run --debug`` serves on loopback, reloads an edited app and shows
the debug page for an error."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.cli.conftest import kolben_env
from tests.e2e._live import HOST, fetch, free_port

#: Seconds the server gets to answer at first, and to serve an edit.
DEADLINE = 20.0
#: Seconds between rewrites of the edited file, in case an event was missed.
REWRITE_EVERY = 2.0

SOURCE = """\
from kolben import Kolben, request

app = Kolben(__name__)

@app.get("/")
def index():
    return {body!r}

@app.get("/peer")
def peer():
    return request.remote_addr

@app.get("/fail")
def fail():
    items_in_basket = 3
    return items_in_basket / 0
"""


def _get(port: int) -> str | None:
    """Return the body of ``/``, or ``None`` while nothing answers."""
    try:
        reply = fetch(f"http://{HOST}:{port}", "GET", "/", timeout=2.0)
    except OSError:
        return None
    return reply.text if reply.status == 200 else None


def _wait_for(
    port: int, body: str, process: subprocess.Popen[bytes], log: Path, edit: Path | None
) -> None:
    """Poll ``/`` until it answers ``body``; rewrite ``edit`` now and then."""
    deadline = time.monotonic() + DEADLINE
    rewrite_at = time.monotonic() + REWRITE_EVERY
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"kolben run exited early:\n{log.read_text()}")
        if _get(port) == body:
            return
        if edit is not None and time.monotonic() > rewrite_at:
            # A change made before the watcher was armed is never reported;
            # writing again makes a fresh event rather than a flaky test.
            edit.write_text(SOURCE.format(body=body), encoding="utf-8")
            rewrite_at = time.monotonic() + REWRITE_EVERY
        time.sleep(0.1)
    pytest.fail(f"no {body!r} from / within {DEADLINE} s:\n{log.read_text()}")


def _stop(process: subprocess.Popen[bytes]) -> int:
    """Stop the server (and its reloader worker) as Ctrl+C does."""
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
        try:
            return process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=15)
            pytest.fail("kolben run ignored SIGINT and was killed")
    return process.returncode


def _assert_no_page_through_a_proxy_or_for_another_host(port: int) -> None:
    base = f"http://{HOST}:{port}"
    # uvicorn would take the client from X-Forwarded-For for a loopback
    # peer; kolben run turns that off, so the app sees the real peer.
    spoofed = {"X-Forwarded-For": "203.0.113.9"}
    assert fetch(base, "GET", "/peer", headers=spoofed).text == HOST
    for headers in (
        {"X-Forwarded-For": "127.0.0.1"},  # a proxy on this host, say
        {"Host": "rebound.example"},  # a DNS-rebinding page
    ):
        reply = fetch(base, "GET", "/fail", headers=headers, timeout=5.0)
        assert reply.status == 500
        assert "items_in_basket" not in reply.text, headers
        assert "Internal Server Error" in reply.text


@pytest.mark.e2e
def test_run_debug_reloads_and_shows_the_debug_page(tmp_path: Path) -> None:
    app_file = tmp_path / "live_app.py"
    app_file.write_text(SOURCE.format(body="first version"), encoding="utf-8")
    port = free_port()
    log = tmp_path / "server.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "kolben.cli", "--app", str(app_file)]
            + ["run", "--debug", "--host", HOST, "--port", str(port)],
            cwd=tmp_path,
            env=kolben_env(),
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            # Its own process group, so a failed stop can kill the worker too.
            start_new_session=True,
        )
    try:
        _wait_for(port, "first version", process, log, None)
        # A body of another length: the edit is a change even where file
        # times are coarse.
        app_file.write_text(SOURCE.format(body="the second, edited version"))
        _wait_for(port, "the second, edited version", process, log, app_file)
        # An error, from a loopback client in debug mode: the debug page.
        reply = fetch(f"http://{HOST}:{port}", "GET", "/fail", timeout=5.0)
        assert reply.status == 500
        assert "ZeroDivisionError" in reply.text
        assert "items_in_basket" in reply.text  # the failing frame's locals
        _assert_no_page_through_a_proxy_or_for_another_host(port)
    finally:
        status = _stop(process)
    output = log.read_text()
    assert f"Running on http://{HOST}:{port} (debug mode: on)" in output
    assert "detected changes in 'live_app.py'" in output
    assert status in (0, -signal.SIGINT), output
    # The worker is gone with the reloader: nothing answers any more.
    assert _get(port) is None
