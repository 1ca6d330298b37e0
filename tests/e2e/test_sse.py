"""Server-sent events under gunicorn (gthread, WSGI) and uvicorn (ASGI).

A real HTTP client (``http.client``) reads the events line by line as they
arrive, sees the ping comments of a quiet stream, and leaves mid-stream;
the app then reports that the generator was closed.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import pytest

from tests.e2e._live import (
    TIMEOUT,
    LiveServer,
    connect,
    fetch,
    start_server,
    stop_server,
)

pytestmark = pytest.mark.e2e

APP = "tests.e2e.realtime_app:app"


@pytest.fixture(scope="module", params=["gunicorn-gthread", "uvicorn"])
def server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    name = str(request.param)
    live = start_server(name, tmp_path_factory.mktemp(name), {}, app=APP)
    yield live
    stop_server(live)
    assert "Traceback" not in live.log(), live.log()


def read_events(server: LiveServer, path: str, count: int) -> list[list[str]]:
    """Read ``count`` events (or comments) as they arrive, then hang up."""
    conn = connect(server.url)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        assert response.status == 200
        assert response.headers["Content-Type"].startswith("text/event-stream")
        assert response.headers["Cache-Control"] == "no-cache"
        events: list[list[str]] = []
        lines: list[str] = []
        while len(events) < count:
            line = response.readline().decode().rstrip("\r\n")
            if line:
                lines.append(line)
            elif lines:
                events.append(lines)
                lines = []
        return events
    finally:
        conn.close()


@pytest.mark.parametrize("kind", ["sync", "async"])
def test_events_arrive_as_sent_and_the_source_closes_on_leave(
    server: LiveServer, kind: str
) -> None:
    name = f"{kind}{time.monotonic_ns()}"
    events = [e for e in read_events(server, f"/events/{kind}/{name}", 4)]
    ticks = [e for e in events if e[0] != ": ping"]
    assert ticks[0] == ["event: tick", "id: 0", f"data: {json.dumps({'n': 0})}"]
    assert [t[1] for t in ticks[:3]] == ["id: 0", "id: 1", "id: 2"]
    deadline = time.monotonic() + TIMEOUT
    while name not in fetch(server.url, "GET", "/state").json()["closed"]:
        assert time.monotonic() < deadline, "the generator was not closed"
        time.sleep(0.05)


def test_a_quiet_stream_sends_pings(server: LiveServer) -> None:
    events = read_events(server, "/events/quiet", 4)
    assert events[:3] == [[": ping"]] * 3
    assert ["data: finally"] in events or events[3] == [": ping"]
