"""The service example: its endpoints, its logs, and its deployment.

The deployment test runs what the Dockerfile runs (its install script, in a
fresh virtualenv; its release and start scripts) and checks the promises
of gunicorn.conf.py: health, and a SIGTERM that lets a slow request finish
before the process exits 0. Other tests read the Dockerfile and compose
file and check what they promise: a pinned base, a user without
privileges, a health check, no secret written in either.
"""

from __future__ import annotations

import importlib.util
import io
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml

from kolben import Kolben
from kolben.testing import KolbenClient
from tests.db.conftest import database, pg_schema
from tests.e2e._live import fetch, free_port

__all__ = ["database", "pg_schema"]  # fixtures: SQLite, and PostgreSQL by URL

ROOT = Path(__file__).resolve().parents[2]
SERVICE = ROOT / "examples" / "service"


@pytest.fixture(scope="session")
def service() -> ModuleType:
    """Import ``examples/service`` as the package ``service``."""
    if "service" in sys.modules:
        return sys.modules["service"]
    spec = importlib.util.spec_from_file_location(
        "service", SERVICE / "__init__.py", submodule_search_locations=[str(SERVICE)]
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["service"] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def app(service: ModuleType, database: dict[str, Any]) -> Kolben:
    app: Kolben = service.create_app({"TESTING": True, **database})
    app.test_cli_runner().invoke(args=["create-tables"])
    return app


@pytest.fixture
def client(app: Kolben, protocol: str) -> KolbenClient:
    return app.test_client(protocol=protocol)


def test_health_and_notes(client: KolbenClient) -> None:
    assert client.get("/healthz").json == {"status": "ok"}
    assert client.get("/readyz").json == {"status": "ready"}
    r = client.post("/api/notes", json={"text": "hello"})
    assert r.status_code == 201
    assert client.get("/api/notes").json == {
        "items": [{"id": 1, "text": "hello"}],
        "total": 1,
    }
    for body in ({"text": ""}, {"text": "   "}, {"text": "x" * 501}, ["x"]):
        r = client.post("/api/notes", json=body)
        assert (r.status_code, r.mimetype) == (422, "application/problem+json")
    r = client.post("/api/notes", json={"text": "hi", "author": "me"})
    assert r.json["errors"][0]["loc"] == ["body", "author"]


def test_the_openapi_document(client: KolbenClient) -> None:
    from openapi_spec_validator import validate

    doc = client.get("/api/openapi.json").json
    validate(doc)
    notes = doc["paths"]["/api/notes"]
    assert notes["post"]["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/NoteIn"
    }
    assert set(notes["post"]["responses"]) >= {"201", "422"}
    assert set(doc["paths"]) == {"/healthz", "/readyz", "/api/notes"}
    assert client.get("/api/docs").status_code == 200


def test_not_ready_without_its_database_or_redis(
    service: ModuleType, tmp_path: Path, protocol: str
) -> None:
    app: Kolben = service.create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": f"postgresql://postgres@127.0.0.1:{free_port()}/x",
            "REDIS_URL": f"redis://127.0.0.1:{free_port()}/0",
        }
    )
    r = app.test_client(protocol=protocol).get("/readyz")
    assert r.status_code == 503
    assert r.json == {
        "status": "unavailable",
        "database": "DatabaseUnavailable",
        "redis": "ConnectionError",
    }


def test_logs_are_json_lines_with_the_request_id(
    app: Kolben, client: KolbenClient
) -> None:
    stream = io.StringIO()
    app.logger.handlers[0].setStream(stream)  # type: ignore[attr-defined]
    r = client.post("/api/notes", json={"text": "logged"})
    line = json.loads(stream.getvalue().splitlines()[-1])
    assert line["message"] == "note stored" and line["note_id"] == r.json["id"]
    assert line["request_id"] == r.headers["X-Request-ID"]


def test_no_secret_key_no_start(service: ModuleType) -> None:
    with pytest.raises(RuntimeError, match="KOLBEN_SECRET_KEY"):
        service.create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})


# --- what the Dockerfile and compose file promise --------------------------------
def _dockerfile() -> list[tuple[str, str]]:
    text = (SERVICE / "Dockerfile").read_text().replace("\\\n", " ")
    lines = [line.strip() for line in text.splitlines()]
    return [
        (line.split(None, 1)[0].upper(), line.split(None, 1)[1])
        for line in lines
        if line and not line.startswith("#")
    ]


def test_the_dockerfile() -> None:
    steps = _dockerfile()
    bases = [arg for op, arg in steps if op == "FROM"]
    assert len(bases) == 2  # a build stage and a slim final stage
    for base in bases:
        image = base.split()[0]
        assert re.fullmatch(r"python:\d+\.\d+\.\d+-slim-\w+", image), image
    final = steps[max(i for i, (op, _) in enumerate(steps) if op == "FROM") :]
    users = [arg for op, arg in final if op == "USER"]
    assert users and users[-1] not in ("root", "0")
    assert any(op == "HEALTHCHECK" and "/healthz" in arg for op, arg in final)
    # The build runs the install script the deployment test runs.
    assert ("COPY", "examples/service/scripts/install.sh /tmp/install.sh") in steps
    assert any(
        op == "RUN" and "sh /tmp/install.sh /opt/venv" in arg for op, arg in steps
    )
    assert [arg for op, arg in final if op == "CMD"] == [
        '["sh", "/app/service/scripts/start.sh"]'
    ]
    secret = re.compile(r"SECRET|PASSWORD|TOKEN", re.I)
    for op, arg in steps:
        if op in ("ENV", "ARG"):
            assert not secret.search(arg), f"{op} {arg}"


def test_the_compose_file() -> None:
    compose = yaml.safe_load((SERVICE / "compose.yaml").read_text())
    services = compose["services"]
    assert {"web", "db", "redis", "release"} <= set(services)
    for name, spec in services.items():
        for key, value in (spec.get("environment") or {}).items():
            if re.search(r"SECRET|PASSWORD", key):
                # Given at `docker compose up`, never written here.
                assert re.fullmatch(r"\$\{\w+:\?[^}]*\}", value), (name, key)
            if "postgresql://" in str(value):
                assert ":${POSTGRES_PASSWORD:?" in value
        image = spec.get("image")
        if image:
            assert re.fullmatch(r"[\w/-]+:\d+\.\d+[\w.-]*", image), image
    assert "healthcheck" in services["db"] and "healthcheck" in services["redis"]
    web = services["web"]
    assert web["depends_on"]["release"]["condition"] == "service_completed_successfully"


# --- the deployment, run as the Dockerfile runs it ---------------------------------
def _run(script: str, env: dict[str, str]) -> None:
    subprocess.run(
        [
            "sh",
            str(SERVICE / "scripts" / script),
            *([env["VENV"]] if script == "install.sh" else []),
        ],
        env=env,
        check=True,
        timeout=240,
    )


@pytest.mark.deploy
def test_deployment_serves_and_stops_gracefully(tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    port = free_port()
    env = {
        **os.environ,
        "VENV": str(venv),
        "KOLBEN_SOURCE": str(ROOT),
        "KOLBEN_SECRET_KEY": "a deployment's secret",
        "KOLBEN_SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'live.sqlite'}",
        "PORT": str(port),
        "WEB_CONCURRENCY": "1",
        "GRACEFUL_TIMEOUT": "20",
        # The service plus one slow route, from the test suite.
        "APP_MODULE": "tests.examples.service_slow:app",
        "PYTHONPATH": str(ROOT),
    }
    _run("install.sh", env)
    _run("release.sh", env)
    log = (tmp_path / "gunicorn.log").open("wb")
    server = subprocess.Popen(
        ["sh", str(SERVICE / "scripts" / "start.sh")], env=env, stdout=log, stderr=log
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if fetch(base, "GET", "/healthz").status == 200:
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        assert fetch(base, "GET", "/readyz").json() == {"status": "ready"}
        reply: dict[str, Any] = {}

        def slow() -> None:
            reply["r"] = fetch(base, "GET", "/slow?seconds=2", timeout=30)

        thread = threading.Thread(target=slow)
        thread.start()
        time.sleep(0.7)  # the request is in flight
        server.send_signal(signal.SIGTERM)
        thread.join(30)
        assert reply["r"].status == 200 and reply["r"].text == "finished"
        assert server.wait(30) == 0
    finally:
        if server.poll() is None:
            server.kill()
        log.close()
    output = (tmp_path / "gunicorn.log").read_text()
    assert "Handling signal: term" in output
