"""The CRUD example: its API under both protocols, on its own migrations."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import sqlalchemy as sa

from kolben import Kolben
from kolben.migrate import upgrade
from kolben.testing import KolbenClient
from tests.db.conftest import database, pg_schema

__all__ = ["database", "pg_schema"]  # fixtures: SQLite, and PostgreSQL by URL

CRUD = Path(__file__).resolve().parents[2] / "examples" / "crud"


@pytest.fixture(scope="session")
def crud() -> ModuleType:
    """Import ``examples/crud`` as the package ``crud``, not installed."""
    if "crud" in sys.modules:
        return sys.modules["crud"]
    spec = importlib.util.spec_from_file_location(
        "crud", CRUD / "__init__.py", submodule_search_locations=[str(CRUD)]
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["crud"] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def app(crud: ModuleType, database: dict[str, Any]) -> Kolben:
    """The app on a fresh database, its schema made by its migrations."""
    app: Kolben = crud.create_app({"TESTING": True, **database})
    with app.app_context():
        upgrade(directory=crud.MIGRATIONS)
    return app


@pytest.fixture
def client(app: Kolben, protocol: str) -> KolbenClient:
    return app.test_client(protocol=protocol)


def _author(client: KolbenClient, name: str) -> int:
    r = client.post("/api/authors", json={"name": name})
    assert r.status_code == 201, r.text
    return int(r.json["id"])


def test_the_migrations_made_the_schema(app: Kolben, crud: ModuleType) -> None:
    with app.app_context():
        inspector = sa.inspect(crud.models.db.engine)
        assert set(inspector.get_table_names()) == {"alembic_version", "author", "book"}
        assert [i["name"] for i in inspector.get_indexes("book")] == [
            "ix_book_author_id"
        ]


def test_create_read_update_delete(client: KolbenClient) -> None:
    ann = _author(client, "Ann Leckie")
    r = client.post(f"/api/authors/{ann}/books", json={"title": "Ancillary Justice"})
    assert r.status_code == 201
    book = r.json["id"]
    assert client.get(f"/api/books/{book}").json == {
        "id": book,
        "title": "Ancillary Justice",
        "year": None,
        "author_id": ann,
    }
    r = client.patch(f"/api/books/{book}", json={"year": 2013})
    assert r.json["year"] == 2013
    assert client.get(f"/api/authors/{ann}").json == {
        "id": ann,
        "name": "Ann Leckie",
        "books": 1,
    }
    r = client.patch(f"/api/authors/{ann}", json={"name": "A. Leckie"})
    assert r.json["name"] == "A. Leckie"
    assert client.delete(f"/api/books/{book}").status_code == 204
    assert client.get(f"/api/books/{book}").status_code == 404
    assert client.delete(f"/api/authors/{ann}").status_code == 204
    r = client.get(f"/api/authors/{ann}")
    assert r.status_code == 404
    assert r.headers["Content-Type"] == "application/problem+json"
    assert r.json == {
        "type": "about:blank",
        "title": "Not Found",
        "status": 404,
        "detail": "No such author.",
    }


def test_deleting_an_author_deletes_their_books(client: KolbenClient) -> None:
    ann = _author(client, "Ann")
    book = client.post(f"/api/authors/{ann}/books", json={"title": "T"}).json["id"]
    client.delete(f"/api/authors/{ann}")
    assert client.get(f"/api/books/{book}").status_code == 404


def test_lists_are_paged(client: KolbenClient) -> None:
    ids = [_author(client, f"author {i:02}") for i in range(25)]
    r = client.get("/api/authors?page=2&per_page=10")
    assert r.json["page"] == 2 and r.json["pages"] == 3 and r.json["total"] == 25
    assert [a["id"] for a in r.json["items"]] == ids[10:20]
    assert client.get("/api/authors?page=4&per_page=10").status_code == 404
    for i in range(3):
        client.post(f"/api/authors/{ids[0]}/books", json={"title": f"b{i}"})
    r = client.get(f"/api/authors/{ids[0]}/books?per_page=2")
    assert [b["title"] for b in r.json["items"]] == ["b0", "b1"]
    assert r.json["pages"] == 2


@pytest.mark.parametrize(
    ("body", "status", "errors"),
    [
        ({}, 422, [(["body", "name"], "missing")]),
        ({"name": 7}, 422, [(["body", "name"], "string_type")]),
        ({"name": " \u0085 "}, 422, [(["body", "name"], "string_pattern_mismatch")]),
        ({"name": "x", "extra": 1}, 422, [(["body", "extra"], "extra_forbidden")]),
        ([1, 2], 422, [(["body"], "model_type")]),
    ],
)
def test_bad_bodies_are_422_locating_each_error(
    client: KolbenClient, body: Any, status: int, errors: list[tuple[list[str], str]]
) -> None:
    r = client.post("/api/authors", json=body)
    assert r.status_code == status
    assert r.headers["Content-Type"] == "application/problem+json"
    assert [(e["loc"], e["type"]) for e in r.json["errors"]] == errors


def test_bad_book_fields_and_malformed_json(client: KolbenClient) -> None:
    ann = _author(client, "Ann")
    r = client.post(f"/api/authors/{ann}/books", json={"title": "T", "year": "soon"})
    assert r.status_code == 422
    assert r.json["detail"].startswith("body.year: ")
    r = client.post(
        "/api/authors", data="{nope", headers={"Content-Type": "application/json"}
    )
    assert r.status_code == 400 and r.json["status"] == 400


def test_a_taken_name_is_409(client: KolbenClient) -> None:
    _author(client, "Ann")
    r = client.post("/api/authors", json={"name": "Ann"})
    assert r.status_code == 409
    assert r.json["detail"] == "A record with this name already exists."


def test_the_openapi_document_and_docs_pages(client: KolbenClient) -> None:
    from openapi_spec_validator import validate

    document = client.get("/api/openapi.json").json
    validate(document)
    paths = document["paths"]
    assert set(paths) >= {
        "/api/authors",
        "/api/authors/{author_id}",
        "/api/books/{book_id}",
    }
    create = paths["/api/authors"]["post"]
    assert "201" in create["responses"] and "409" in create["responses"]
    assert "422" in create["responses"]
    assert client.get("/api/docs").status_code == 200
