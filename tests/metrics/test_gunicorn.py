"""Metrics across two real gunicorn workers, through prometheus_client's files.

gunicorn serves ``tests/metrics/served_app.py`` with two workers (sync ones
for WSGI, then uvicorn's for ASGI) and
``PROMETHEUS_MULTIPROC_DIR`` in a temporary directory; whichever worker
answers ``/metrics``, its counts are those of both.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.e2e._live import REPO_ROOT, START_TIMEOUT, Reply, fetch, free_port

from ._scrape import value

pytestmark = pytest.mark.e2e

#: The requests the test sends to the app's own routes.
N = 40


class Gunicorn:
    def __init__(self, url: str, metrics_url: str, log: Path) -> None:
        self.url = url
        self.metrics_url = metrics_url
        self.log = log


@pytest.fixture(scope="module", params=["sync", "uvicorn_worker.UvicornWorker"])
def gunicorn(
    tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> Iterator[Gunicorn]:
    """gunicorn with two workers: sync ones (WSGI), or uvicorn's (ASGI)."""
    base = tmp_path_factory.mktemp("gunicorn-metrics")
    multiproc = base / "prometheus"
    multiproc.mkdir()
    port, metrics_port = free_port(), free_port()
    log = base / "gunicorn.log"
    env = {
        **os.environ,
        "PROMETHEUS_MULTIPROC_DIR": str(multiproc),
        "METRICS_PORT": str(metrics_port),
        "PYTHONUNBUFFERED": "1",
    }
    command = [
        *(sys.executable, "-m", "gunicorn", "-w", "2", "-k", request.param),
        *("-b", f"127.0.0.1:{port}", "--graceful-timeout", "5"),
        *("-c", "tests/metrics/gunicorn_conf.py", "--no-control-socket"),
        "tests.metrics.served_app:app",
    ]
    with open(log, "wb") as out:
        process = subprocess.Popen(
            command,
            cwd=REPO_ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    server = Gunicorn(
        f"http://127.0.0.1:{port}", f"http://127.0.0.1:{metrics_port}", log
    )
    try:
        _wait_for_both_workers(process, server)
        yield server
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def _wait_for_both_workers(process: subprocess.Popen[bytes], server: Gunicorn) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"gunicorn exited early:\n{server.log.read_text()}")
        if server.log.read_text().count("Booting worker") >= 2:
            try:
                if fetch(server.url, "GET", "/ping", timeout=1.0).status == 200:
                    return
            except OSError:
                pass
        time.sleep(0.05)
    pytest.fail(f"gunicorn did not start:\n{server.log.read_text()}")


def at_once(url: str, paths: list[str]) -> list[Reply]:
    """Send the requests from two clients at a time, each on its own connection."""
    with ThreadPoolExecutor(max_workers=2) as pool:
        return list(pool.map(lambda path: fetch(url, "GET", path), paths))


def test_metrics_sum_over_both_workers(gunicorn: Gunicorn) -> None:
    replies = at_once(gunicorn.url, [f"/work/{i % 4}" for i in range(N)])
    assert all(r.status == 200 for r in replies)
    workers = {r.headers["X-Worker"] for r in replies}
    assert len(workers) == 2, "one worker answered every request"

    scrapes = at_once(gunicorn.url, ["/metrics"] * 10)
    # Both workers answered /metrics, and each answered with both's counts.
    assert {r.headers["X-Worker"] for r in scrapes} == workers
    for reply in scrapes:
        count = "flask_http_request_duration_seconds_count"
        assert sum(value(reply.text, count, path=f"/work/{i}") for i in range(4)) == N
        assert value(reply.text, count, path="/work/0", status="200") == N / 4
        # The readiness pings are counted too, /metrics is not.
        total = value(reply.text, "flask_http_request_total", status="200")
        pings = value(reply.text, count, path="/ping")
        assert total == N + pings

    # The master's own server, from gunicorn.conf.py's when_ready.
    master = fetch(gunicorn.metrics_url, "GET", "/")
    count = "flask_http_request_duration_seconds_count"
    assert sum(value(master.text, count, path=f"/work/{i}") for i in range(4)) == N
