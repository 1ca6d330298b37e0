"""The demo app and the README's code run as documented."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from kolben import Kolben

ROOT = Path(__file__).resolve().parent.parent


def load_module(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def hello(protocol: str) -> Any:
    module = load_module(ROOT / "examples" / "hello.py")
    app: Kolben = module.create_app({"TESTING": True})
    return app.test_client(protocol=protocol)


def test_demo_index_counts_visits(hello: Any) -> None:
    assert "Visit number 1." in hello.get("/").text
    assert "Visit number 2." in hello.get("/").text


def test_demo_users_api(hello: Any) -> None:
    assert hello.get("/users").json == {"users": [{"id": 1, "username": "ada"}]}
    assert hello.get("/users/1").json == {"id": 1, "username": "ada"}
    r = hello.post("/users/1", json={"username": "grace"})
    assert r.json == {"id": 1, "updated_to": "grace"}
    r = hello.get("/users/2")
    assert r.status_code == 404
    assert "No user 2." in r.text


def test_demo_async_view_and_redirect(hello: Any) -> None:
    assert hello.get("/slow").json == {"slept": 0.01}
    r = hello.get("/home", follow_redirects=True)
    assert "Hello from kolben" in r.text


def test_readme_quickstart(protocol: str) -> None:
    readme = (ROOT / "README.md").read_text()
    snippet = re.search(r"```python\n(.*?)```", readme, re.DOTALL)
    assert snippet is not None
    namespace: dict[str, Any] = {"__name__": "readme"}
    exec(compile(snippet.group(1), "README.md", "exec"), namespace)
    client = namespace["app"].test_client(protocol=protocol)
    assert client.get("/users/3?q=x").json == {"id": 3, "q": "x"}
    assert client.post("/users/3", json={"username": "ada"}).json == {
        "id": 3,
        "updated_to": "ada",
    }
    assert client.get("/slow").json == {"ok": True}
