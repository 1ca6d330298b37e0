"""Background tasks: after the response, in an app context, failures logged."""

from __future__ import annotations

import asyncio
import threading
import time
from typing import Any

import pytest

from kolben import Kolben, g, has_request_context
from kolben.testing import KolbenClient


def wait_for(predicate: Any, seconds: float = 5) -> None:
    deadline = time.monotonic() + seconds
    while not predicate():
        assert time.monotonic() < deadline, "the task did not run"
        time.sleep(0.01)


def test_sync_and_async_tasks_run_after_the_response(
    app: Kolben, client: KolbenClient
) -> None:
    ran: list[Any] = []
    done = threading.Event()

    def sync_task(n: int, *, label: str) -> None:
        ran.append((label, n, g.user, has_request_context()))

    async def async_task(n: int) -> None:
        await asyncio.sleep(0)
        ran.append(("async", n, g.user))
        done.set()

    @app.post("/signup")
    def signup() -> Any:
        g.user = "ada"
        app.add_background_task(sync_task, 1, label="sync")
        app.add_background_task(async_task, 2)
        ran.append("view")
        return {"ok": True}, 201

    response = client.post("/signup")
    assert response.status_code == 201
    assert done.wait(5)
    wait_for(lambda: len(ran) == 3)
    # Under ASGI the two run at once, in either order.
    assert ran[0] == "view"
    assert sorted(ran[1:], key=str) == [("async", 2, "ada"), ("sync", 1, "ada", False)]


def test_a_failing_task_is_logged_and_the_next_still_runs(
    app: Kolben, client: KolbenClient, caplog: pytest.LogCaptureFixture
) -> None:
    ran: list[str] = []

    def broken() -> None:
        raise RuntimeError("mail server down")

    @app.get("/")
    async def index() -> str:
        app.add_background_task(broken)
        app.add_background_task(ran.append, "after")
        return "ok"

    assert client.get("/").get_data() == b"ok"
    wait_for(lambda: ran == ["after"] and "mail server down" in caplog.text)
    assert "The background task" in caplog.text
    assert "broken failed" in caplog.text
    assert "mail server down" in caplog.text


def test_outside_a_request_without_a_loop_is_an_error(app: Kolben) -> None:
    with app.app_context(), pytest.raises(RuntimeError, match="running event loop"):
        app.add_background_task(print)
