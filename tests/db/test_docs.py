"""docs/db.md's quick start runs as written, under both protocols."""

from __future__ import annotations

import re
import sys
import types
from pathlib import Path
from typing import Any

import pytest

from .conftest import dispose

DOC = Path(__file__).resolve().parents[2] / "docs" / "db.md"


def test_the_quick_start(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, protocol: str
) -> None:
    found = re.search(r"## Quick start\n.*?```python\n(.*?)```", DOC.read_text(), re.S)
    assert found is not None
    # The snippet's app finds its instance folder from the working directory.
    monkeypatch.chdir(tmp_path)
    # A module of its own: SQLAlchemy resolves annotations in the module.
    module = types.ModuleType("db_quickstart")
    monkeypatch.setitem(sys.modules, module.__name__, module)
    namespace: dict[str, Any] = module.__dict__
    exec(compile(found[1], str(DOC), "exec"), namespace)
    app = namespace["create_app"]()
    db = namespace["db"]
    app.config["TESTING"] = True
    with app.app_context():
        db.create_all()
    client = app.test_client(protocol=protocol)
    assert client.post("/users", json={"username": "ann"}).status_code == 201
    assert client.get("/users/1").json == {"id": 1, "username": "ann"}
    assert client.get("/users").json == {"items": ["ann"], "pages": 1}
    assert client.get("/users/2").status_code == 404
    assert (tmp_path / "instance" / "app.db").exists()
    dispose(db, app)
