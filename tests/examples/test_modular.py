"""The modular example: its REST API, its page and its commands, both protocols."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from kolben import Kolben
from kolben.testing import KolbenClient
from tests.cli.conftest import kolben_env

ROOT = Path(__file__).resolve().parents[2]
MODULAR = ROOT / "examples" / "modular"


@pytest.fixture(scope="session")
def modular() -> ModuleType:
    """Import ``examples/modular`` as the package ``modular``, not installed."""
    if "modular" in sys.modules:
        return sys.modules["modular"]
    spec = importlib.util.spec_from_file_location(
        "modular", MODULAR / "__init__.py", submodule_search_locations=[str(MODULAR)]
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["modular"] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def app(modular: ModuleType, tmp_path: Path) -> Kolben:
    """The app in testing mode on a fresh SQLite database with its tables."""
    uri = f"sqlite:///{tmp_path / 'modular.sqlite'}"
    app: Kolben = modular.create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": uri})
    with app.app_context():
        modular.models.db.create_all()
    return app


def add(client: KolbenClient, title: str, **extra: Any) -> dict[str, Any]:
    r = client.post("/api/tasks", json={"title": title, **extra})
    assert r.status_code == 201, r.json
    body: dict[str, Any] = r.json
    assert r.headers["Location"] == body["uri"]
    return body


def test_create_read_update_delete(client: KolbenClient) -> None:
    task = add(client, "  write the docs  ")
    assert task["title"] == "write the docs"
    assert task["done"] is False
    assert task["uri"] == f"/api/tasks/{task['id']}"
    assert set(task) == {"id", "title", "done", "created", "uri"}
    assert client.get(task["uri"]).json == task
    r = client.patch(task["uri"], json={"done": True})
    assert r.json == {**task, "done": True}
    r = client.patch(task["uri"], data={"title": "renamed"})
    assert r.json["title"] == "renamed"
    assert r.json["done"] is True
    r = client.delete(task["uri"])
    assert (r.status_code, r.data) == (204, b"")
    r = client.get(task["uri"])
    assert (r.status_code, r.json) == (
        404,
        {"message": f"Task {task['id']} doesn't exist."},
    )


def test_validation(client: KolbenClient) -> None:
    message = "A title of 1 to 200 characters is required."
    for body in ({}, {"title": ""}, {"title": "   "}, {"title": "x" * 201}):
        r = client.post("/api/tasks", json=body)
        assert (r.status_code, r.json) == (400, {"message": {"title": message}})
    r = client.post("/api/tasks", json={"title": "ok", "done": "perhaps"})
    assert r.json == {"message": {"done": "Invalid literal for boolean(): perhaps"}}
    task = add(client, "t")
    r = client.patch(task["uri"], json={"title": ""})
    assert (r.status_code, r.json) == (400, {"message": {"title": message}})
    r = client.post("/api/tasks", data=b"{", content_type="application/json")
    assert r.status_code == 400 and r.is_json
    assert client.get("/api/tasks").json["total"] == 1


def test_pagination_and_filter(client: KolbenClient) -> None:
    for n in range(5):
        add(client, f"task {n}", done=n % 2 == 0)
    r = client.get("/api/tasks?per_page=2")
    body = r.json
    assert [t["title"] for t in body["items"]] == ["task 4", "task 3"]
    assert (body["page"], body["pages"], body["total"]) == (1, 3, 5)
    assert (body["prev"], body["next"]) == (None, "/api/tasks?page=2&per_page=2")
    last = client.get("/api/tasks?page=3&per_page=2").json
    assert [t["title"] for t in last["items"]] == ["task 0"]
    assert last["next"] is None
    assert client.get("/api/tasks?page=9").json["items"] == []
    done = client.get("/api/tasks?done=true").json
    assert [t["title"] for t in done["items"]] == ["task 4", "task 2", "task 0"]
    r = client.get("/api/tasks?page=0&per_page=101")
    assert r.status_code == 400
    assert r.json == {
        "message": {
            "page": "Invalid page: 0. page must be a positive integer",
            "per_page": "Invalid per_page: 101. per_page must be within the range"
            " 1 - 100",
        }
    }


def test_async_stats(client: KolbenClient) -> None:
    assert client.get("/api/stats").json == {"total": 0, "done": 0, "open": 0}
    add(client, "a", done=True)
    add(client, "b")
    add(client, "c")
    assert client.get("/api/stats").json == {"total": 3, "done": 1, "open": 2}


def test_api_errors_and_page_errors(client: KolbenClient) -> None:
    r = client.put("/api/tasks")
    assert r.status_code == 405
    assert r.json == {"message": "The method is not allowed for the requested URL."}
    r = client.get("/nowhere")
    assert (r.status_code, r.mimetype) == (404, "text/html")


def test_page_lists_the_tasks(client: KolbenClient) -> None:
    assert "Nothing to do." in client.get("/").text
    add(client, "<b>escaped</b>", done=True)
    add(client, "open one")
    page = client.get("/").text
    assert '<li class="done">&lt;b&gt;escaped&lt;/b&gt;</li>' in page
    assert '<li class="open">open one</li>' in page
    assert page.index("open one") < page.index("escaped")
    assert 'href="/api/tasks"' in page


def test_default_database_is_in_the_instance_folder(modular: ModuleType) -> None:
    app = modular.create_app({"TESTING": True})
    with app.app_context():
        url = modular.models.db.engine.url
    assert url.database == str(Path(app.instance_path) / "modular.sqlite")


def kolben(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kolben.cli", "--app", "examples/modular", *args],
        cwd=ROOT,
        env=kolben_env(env),
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_init_db_and_routes_commands(tmp_path: Path) -> None:
    database = tmp_path / "cli.sqlite"
    env = {"KOLBEN_SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}"}
    result = kolben("init-db", env=env)
    assert result.returncode == 0, result.stderr
    assert "Initialized the database." in result.stdout
    assert database.exists()
    result = kolben("routes", "--sort", "rule", env=env)
    assert result.returncode == 0, result.stderr
    for rule in ("/api/stats", "/api/tasks", "/api/tasks/<int:id>"):
        assert rule in result.stdout
