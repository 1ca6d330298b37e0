"""The servers of docs/deployment.md, each with two workers, serving one app.

The CRUD example (a database, migrations, sync and async views) is served
by each command the guide shows; a write through one request is read back
through others, whichever worker they reach.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.e2e._live import HOST, fetch, free_port

pytestmark = pytest.mark.deploy

ROOT = Path(__file__).resolve().parents[2]
APP = "crud:create_app()"
GTHREAD = ["-k", "gthread", "--threads", "4"]
UVICORN_WORKER = ["-k", "uvicorn_worker.UvicornWorker"]

#: The guide's commands, as argv after the interpreter.
COMMANDS = {
    "gunicorn sync": ["-m", "gunicorn", "-w", "2", APP],
    "gunicorn gthread": ["-m", "gunicorn", "-w", "2", *GTHREAD, APP],
    "uvicorn": ["-m", "uvicorn", "--workers", "2", "--factory", "crud:create_app"],
    "gunicorn + uvicorn-worker": ["-m", "gunicorn", "-w", "2", *UVICORN_WORKER, APP],
    "granian asgi": [
        *("-m", "granian", "--interface", "asgi", "--workers", "2", "--factory"),
        "crud:create_app",
    ],
    "granian wsgi": [
        *("-m", "granian", "--interface", "wsgi", "--workers", "2", "--factory"),
        "crud:create_app",
    ],
    "hypercorn asgi": ["-m", "hypercorn", "-w", "2", f"asgi:{APP}"],
    "hypercorn wsgi": ["-m", "hypercorn", "-w", "2", f"wsgi:{APP}"],
}


def _bind(name: str, port: int) -> list[str]:
    if name.startswith("gunicorn"):
        # The default control socket is shared by every gunicorn of the user.
        return ["-b", f"{HOST}:{port}", "--no-control-socket"]
    if name.startswith("hypercorn"):
        return ["-b", f"{HOST}:{port}"]
    return ["--host", HOST, "--port", str(port)]


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The environment of a deployment whose schema was migrated once."""
    database = tmp_path_factory.mktemp("guide") / "crud.sqlite"
    env = {**os.environ, "KOLBEN_SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}"}
    subprocess.run(
        [sys.executable, "-m", "kolben.cli", "--app", "examples/crud", "db", "upgrade"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        timeout=60,
    )
    return env


def _stop_group(server: subprocess.Popen[bytes]) -> None:
    """Stop the server and every worker it started, whatever they ignore."""
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(10)
    except subprocess.TimeoutExpired:
        pass
    try:
        os.killpg(server.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    server.wait(10)


def _wait_until_serving(base: str, server: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 30
    while True:
        try:
            fetch(base, "GET", "/api/authors")
            break
        except OSError:
            assert server.poll() is None, log.read_text()
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.2)
    # The answer came from this server, not from another on the port.
    assert server.poll() is None, log.read_text()


@pytest.mark.parametrize("name", list(COMMANDS))
def test_each_server_of_the_guide_serves_the_crud_example(
    name: str, env: dict[str, str], tmp_path: Path
) -> None:
    port = free_port()
    log = tmp_path / "server.log"
    with log.open("wb") as out:
        server = subprocess.Popen(
            [sys.executable, *COMMANDS[name], *_bind(name, port)],
            cwd=ROOT / "examples",
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            # A process group of its own: granian's and uvicorn's workers can
            # outlive a signal to the main process alone.
            start_new_session=True,
        )
    base = f"http://{HOST}:{port}"
    try:
        _wait_until_serving(base, server, log)
        body = json.dumps({"name": name}).encode()
        headers = {"Content-Type": "application/json"}
        r = fetch(base, "POST", "/api/authors", body, headers)
        assert r.status == 201, r.text
        for _ in range(4):  # async and sync views, on either worker
            items = fetch(base, "GET", "/api/authors?per_page=100").json()["items"]
            assert name in [a["name"] for a in items]
            assert fetch(base, "GET", f"/api/authors/{r.json()['id']}").status == 200
    finally:
        _stop_group(server)


def test_hypercorn_serves_the_protocol_the_guide_names(
    env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from hypercorn.app_wrappers import ASGIWrapper, WSGIWrapper
    from hypercorn.utils import is_asgi, load_application

    monkeypatch.chdir(ROOT / "examples")
    monkeypatch.setattr(sys, "path", list(sys.path))  # hypercorn prepends to it
    monkeypatch.setenv(
        "KOLBEN_SQLALCHEMY_DATABASE_URI", env["KOLBEN_SQLALCHEMY_DATABASE_URI"]
    )
    assert isinstance(load_application(f"asgi:{APP}", 2**20), ASGIWrapper)
    assert isinstance(load_application(f"wsgi:{APP}", 2**20), WSGIWrapper)
    # Why the guide names the mode: hypercorn asks inspect, which sees the
    # app's mark as an ASGI app only from Python 3.12 on.
    app = load_application(f"wsgi:{APP}", 2**20).app  # type: ignore[attr-defined]
    assert is_asgi(app) is (sys.version_info >= (3, 12))
