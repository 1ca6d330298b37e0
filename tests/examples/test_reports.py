"""The reports example: a view enqueues an RQ job, a real worker runs it.

On the Redis server of KOLBEN_TEST_REDIS_URL, in a queue of the test's own;
the worker is ``rq worker --burst`` in a process of its own, which runs what
is queued and exits.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

from kolben import Kolben

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
REDIS_URL = os.environ.get("KOLBEN_TEST_REDIS_URL")
pytestmark = pytest.mark.skipif(
    not REDIS_URL, reason="KOLBEN_TEST_REDIS_URL is not set: no Redis server"
)


@pytest.fixture(scope="session")
def reports() -> ModuleType:
    """Import ``examples/reports`` as the package ``reports``."""
    if "reports" in sys.modules:
        return sys.modules["reports"]
    folder = EXAMPLES / "reports"
    spec = importlib.util.spec_from_file_location(
        "reports", folder / "__init__.py", submodule_search_locations=[str(folder)]
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["reports"] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def app(reports: ModuleType) -> Iterator[Kolben]:
    queue = f"test-reports-{uuid.uuid4().hex}"
    app: Kolben = reports.create_app(
        {"TESTING": True, "RQ_REDIS_URL": REDIS_URL, "RQ_QUEUE": queue}
    )
    yield app
    from rq import Queue

    Queue(queue, connection=app.extensions["rq_redis"]).delete(delete_jobs=True)


def run_worker(app: Kolben) -> subprocess.CompletedProcess[str]:
    """Run a real RQ worker on the app's queue until the queue is empty."""
    return subprocess.run(
        [
            *(sys.executable, "-m", "rq.cli", "worker", "--burst"),
            *("--url", str(REDIS_URL), "--path", str(EXAMPLES)),
            app.config["RQ_QUEUE"],
        ],
        cwd=EXAMPLES,
        capture_output=True,
        text=True,
        timeout=60,
        start_new_session=True,
    )


@pytest.mark.parametrize("protocol", ["wsgi", "asgi"])
def test_the_worker_runs_the_job_and_the_app_reads_its_result(
    app: Kolben, protocol: str
) -> None:
    client = app.test_client(protocol=protocol)
    r = client.post("/reports", json={"month": "2026-02"})
    assert r.status_code == 202, r.text
    job = r.json["job"]
    assert r.json["status_url"] == f"/reports/{job}"
    # Nothing runs it until a worker does.
    assert client.get(f"/reports/{job}").json == {"job": job, "status": "queued"}

    worker = run_worker(app)
    assert worker.returncode == 0, worker.stdout + worker.stderr

    assert client.get(f"/reports/{job}").json == {
        "job": job,
        "status": "finished",
        "result": {"month": "2026-02", "days": 28, "weekdays": 20},
    }


def test_a_failed_job_says_so(app: Kolben) -> None:
    client = app.test_client()
    from rq import Queue

    # A month the view would refuse, queued directly: the build raises.
    queue = Queue(app.config["RQ_QUEUE"], connection=app.extensions["rq_redis"])
    job = queue.enqueue("reports.tasks.build_report", "2026-13")
    run_worker(app)
    answer = client.get(f"/reports/{job.id}").json
    assert answer["status"] == "failed"
    assert "failed" in answer["error"]


@pytest.mark.parametrize(
    "body", [{"month": "2026-13"}, {"month": "26-01"}, {"month": 202601}, [], None]
)
def test_a_bad_month_is_400_and_nothing_is_queued(app: Kolben, body: object) -> None:
    client = app.test_client()
    r = client.post("/reports", json=body)
    assert r.status_code == 400
    assert "YYYY-MM" in r.text
    from rq import Queue

    queue = Queue(app.config["RQ_QUEUE"], connection=app.extensions["rq_redis"])
    assert queue.count == 0


def test_an_unknown_job_is_404(app: Kolben) -> None:
    r = app.test_client().get(f"/reports/{uuid.uuid4()}")
    assert r.status_code == 404
    assert "No such job" in r.text
