"""The example at the top of docs/rest.md runs as documented."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

DOC = Path(__file__).resolve().parents[2] / "docs" / "rest.md"


def test_the_docs_example(protocol: str) -> None:
    snippet = re.search(r"```python\n(.*?)```", DOC.read_text(), re.DOTALL)
    assert snippet is not None
    namespace: dict[str, Any] = {"__name__": "rest_docs"}
    exec(compile(snippet.group(1), str(DOC), "exec"), namespace)
    client = namespace["app"].test_client(protocol=protocol)
    assert client.get("/todos/1").json == {
        "id": 1,
        "task": "build an API",
        "uri": "/todos/1",
    }
    r = client.get("/todos/9")
    assert (r.status_code, r.json) == (404, {"message": "Todo 9 doesn't exist"})
    r = client.post("/todos", json={})
    assert r.json == {"message": {"task": "Task cannot be blank!"}}
    r = client.post("/todos", json={"task": "port the app"})
    assert (r.status_code, r.json) == (201, {"id": 2, "task": "port the app"})
    assert client.delete("/todos/2").status_code == 204
    assert client.get("/todos/2").status_code == 404


def test_the_typed_handlers_example(protocol: str) -> None:
    text = DOC.read_text()
    section = text[text.index("## Typed handlers") :]
    snippet = re.search(r"```python\n(.*?)```", section, re.DOTALL)
    assert snippet is not None
    namespace: dict[str, Any] = {"__name__": "rest_typed_docs"}
    exec(compile(snippet.group(1), str(DOC), "exec"), namespace)
    client = namespace["app"].test_client(protocol=protocol)
    assert client.get("/todos?limit=2").json == [
        {"task": "write", "id": 1},
        {"task": "write", "id": 2},
    ]
    assert client.get("/todos?limit=x").status_code == 422
    r = client.post("/todos", json={"task": "ship"})
    assert (r.status_code, r.json) == (201, {"task": "ship", "id": 4})
