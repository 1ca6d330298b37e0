"""Background tasks under real servers: the response comes first.

Under gunicorn (gthread) the task runs on the worker after the body was
sent; under uvicorn on the event loop, and a graceful stop waits for it.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.e2e._live import TIMEOUT, fetch, start_server, stop_server
from tests.e2e.realtime_app import TASK_DIR_ENV

pytestmark = pytest.mark.e2e

APP = "tests.e2e.realtime_app:app"
TASK_SECONDS = 1.0


@pytest.mark.parametrize("name", ["gunicorn-gthread", "uvicorn"])
def test_the_response_reaches_the_client_before_the_task_ends(
    name: str, tmp_path: Path
) -> None:
    server = start_server(name, tmp_path, {TASK_DIR_ENV: str(tmp_path)}, app=APP)
    try:
        started = time.monotonic()
        reply = fetch(server.url, "POST", f"/task/t1?seconds={TASK_SECONDS}")
        answered = time.monotonic() - started
        assert reply.status == 202
        assert answered < TASK_SECONDS
        assert not (tmp_path / "t1").exists()
        deadline = time.monotonic() + TIMEOUT
        while "t1" not in fetch(server.url, "GET", "/state").json()["tasks"]:
            assert time.monotonic() < deadline, "the task did not run"
            time.sleep(0.05)
        # A graceful stop waits for a task still running (ASGI lifespan).
        fetch(server.url, "POST", f"/task/t2?seconds={TASK_SECONDS}")
    finally:
        stop_server(server)
    assert (tmp_path / "t2").read_text() == "done", server.log()
