"""The modular example: its API, pages, forms and commands, both protocols."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from openapi_spec_validator import validate

from kolben import Kolben
from kolben.testing import KolbenClient
from tests.cli.conftest import kolben_env
from tests.db.conftest import database, pg_schema
from tests.examples.conftest import csrf_token_of

__all__ = ["database", "pg_schema"]  # fixtures: SQLite, and PostgreSQL by URL

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
def app(modular: ModuleType, database: dict[str, Any]) -> Kolben:
    """The app in testing mode on a fresh database with its tables."""
    app: Kolben = modular.create_app({"TESTING": True, **database})
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
    datetime.fromisoformat(task["created"])  # ISO 8601, as pydantic writes it
    assert client.get(task["uri"]).json == task
    r = client.patch(task["uri"], json={"done": True})
    assert r.json == {**task, "done": True}
    r = client.patch(task["uri"], json={"title": "renamed", "done": None})
    assert (r.json["title"], r.json["done"]) == ("renamed", True)
    r = client.delete(task["uri"])
    assert (r.status_code, r.data) == (204, b"")
    r = client.get(task["uri"])
    assert (r.status_code, r.json) == (404, {"message": f"No task {task['id']}."})


def test_validation_answers_422_with_every_error_located(
    client: KolbenClient,
) -> None:
    for body in ({}, {"title": ""}, {"title": "   "}, {"title": "x" * 201}):
        r = client.post("/api/tasks", json=body)
        assert r.status_code == 422, body
        assert r.headers["Content-Type"] == "application/problem+json"
        assert [e["loc"] for e in r.json["errors"]] == [["body", "title"]]
    r = client.post("/api/tasks", json={"title": "ok", "done": "perhaps"})
    assert r.json["detail"].startswith("body.done: Input should be a valid boolean")
    task = add(client, "t")
    r = client.patch(task["uri"], json={"title": ""})
    assert (r.status_code, r.json["errors"][0]["loc"]) == (422, ["body", "title"])
    r = client.post("/api/tasks", data=b"{", content_type="application/json")
    assert (r.status_code, r.mimetype) == (400, "application/problem+json")
    r = client.patch(task["uri"], data={"title": "a form"})
    assert r.status_code == 415
    r = client.get("/api/tasks?page=0&per_page=101&done=perhaps")
    assert r.status_code == 422
    assert [e["loc"] for e in r.json["errors"]] == [
        ["query", "page"],
        ["query", "per_page"],
        ["query", "done"],
    ]
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
    assert (last["next"], last["prev"]) == (None, "/api/tasks?page=2&per_page=2")
    assert client.get("/api/tasks?page=9").json["items"] == []
    done = client.get("/api/tasks?done=true").json
    assert [t["title"] for t in done["items"]] == ["task 4", "task 2", "task 0"]


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
    # An id past the column's range is a 404 too, on every database.
    r = client.get(f"/api/tasks/{2**63}")
    assert (r.status_code, r.json) == (404, {"message": f"No task {2**63}."})
    r = client.get("/nowhere")
    assert (r.status_code, r.mimetype) == (404, "text/html")
    r = client.get("/tasks/5/edit")
    assert (r.status_code, r.mimetype) == (404, "text/html")


def token_of(client: KolbenClient, path: str = "/") -> str:
    return csrf_token_of(client.get(path).text)


def test_the_page_lists_the_tasks(client: KolbenClient) -> None:
    assert "Nothing to do." in client.get("/").text
    add(client, "<b>escaped</b>", done=True)
    add(client, "open one")
    page = client.get("/").text
    assert '<span class="title">&lt;b&gt;escaped&lt;/b&gt;</span>' in page
    assert page.index("open one") < page.index("escaped")
    assert '<li class="done">' in page and '<li class="open">' in page
    assert 'href="/api/tasks"' in page and 'href="/api/docs"' in page


def test_the_forms_add_edit_toggle_and_delete(client: KolbenClient) -> None:
    r = client.post(
        "/", data={"title": "  from the page ", "csrf_token": token_of(client)}
    )
    assert (r.status_code, r.headers["Location"]) == (302, "/")
    page = client.get("/").text
    assert "Added &#39;from the page&#39;." in page
    (task,) = client.get("/api/tasks").json["items"]
    assert (task["title"], task["done"]) == ("from the page", False)
    edit = f"/tasks/{task['id']}/edit"
    assert 'value="from the page"' in client.get(edit).text
    r = client.post(
        edit,
        data={"title": "edited", "done": "y", "csrf_token": token_of(client, edit)},
    )
    assert r.status_code == 302
    assert client.get(task["uri"]).json["done"] is True
    toggle = f"/tasks/{task['id']}/toggle"
    r = client.post(toggle, data={"csrf_token": token_of(client)})
    assert r.status_code == 302
    assert client.get(task["uri"]).json == {**task, "title": "edited"}
    r = client.post(
        f"/tasks/{task['id']}/delete", data={"csrf_token": token_of(client)}
    )
    assert r.status_code == 302
    assert "Deleted &#39;edited&#39;." in client.get("/").text
    assert client.get(task["uri"]).status_code == 404


def test_a_form_with_errors_is_shown_again(client: KolbenClient) -> None:
    r = client.post("/", data={"title": "   ", "csrf_token": token_of(client)})
    assert r.status_code == 400
    assert 'class="field field-error"' in r.text
    assert "This field is required." in r.text
    task = add(client, "kept")
    edit = f"/tasks/{task['id']}/edit"
    r = client.post(edit, data={"title": "x" * 201, "csrf_token": token_of(client)})
    assert r.status_code == 400
    assert "Field cannot be longer than 200 characters." in r.text
    assert client.get(task["uri"]).json["title"] == "kept"


def test_forms_without_a_csrf_token_are_refused(client: KolbenClient) -> None:
    task = add(client, "safe")
    for path in ("/", f"/tasks/{task['id']}/edit", f"/tasks/{task['id']}/delete"):
        r = client.post(path, data={"title": "forged"})
        assert r.status_code == 400, path
        assert "The CSRF token is missing." in r.text
        r = client.post(path, data={"title": "forged", "csrf_token": "made-up"})
        assert r.status_code == 400, path
    assert client.get("/api/tasks").json["total"] == 1
    assert client.get(task["uri"]).json["title"] == "safe"
    # The JSON API takes no cookie and needs no token.
    assert client.post("/api/tasks", json={"title": "api"}).status_code == 201


def test_the_openapi_document_and_docs_pages(client: KolbenClient) -> None:
    doc = client.get("/api/openapi.json").json
    validate(doc)
    assert doc["info"]["title"] == "Tasks"
    assert set(doc["paths"]) == {
        "/api/tasks",
        "/api/tasks/{id}",
        "/api/stats",
    }
    tasks = doc["paths"]["/api/tasks"]
    assert tasks["post"]["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/TaskIn"
    }
    assert set(tasks["post"]["responses"]) >= {"201", "422"}
    params = {p["name"]: p["schema"] for p in tasks["get"]["parameters"]}
    assert (params["per_page"]["minimum"], params["per_page"]["maximum"]) == (1, 100)
    item = doc["paths"]["/api/tasks/{id}"]
    assert set(item) == {"get", "patch", "delete"}
    assert "404" in item["get"]["responses"] and "204" in item["delete"]["responses"]
    assert set(doc["components"]["schemas"]["TaskOut"]["properties"]) == {
        "id",
        "title",
        "done",
        "created",
        "uri",
    }
    for page in ("/api/docs", "/api/redoc"):
        r = client.get(page)
        assert (r.status_code, r.mimetype) == (200, "text/html")


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
