"""The CRUD example against its own OpenAPI document, by schemathesis.

Every operation is called with requests generated from the document (valid
and invalid bodies, odd paths and queries), through the ASGI app. No answer
may be a 5xx, and every answer must conform to what the document says: its
status codes, media types and schemas. Bounded: a few dozen requests per
operation, no deadline.
"""

from __future__ import annotations

from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from kolben import Kolben

from .test_crud import crud

__all__ = ["crud"]  # the fixture that imports examples/crud


@pytest.fixture(scope="module")
def app(crud: ModuleType, tmp_path_factory: pytest.TempPathFactory) -> Kolben:
    path = tmp_path_factory.mktemp("schema") / "crud.sqlite"
    app: Kolben = crud.create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"})
    with app.app_context():
        crud.models.db.create_all()
    return app


def test_every_operation_conforms_to_the_document(app: Kolben) -> None:
    schema = schemathesis.openapi.from_asgi("/api/openapi.json", app)
    operations: list[Any] = [
        result.ok()  # type: ignore[union-attr]  # an Err fails the test here
        for result in schema.get_all_operations()
    ]
    assert len(operations) == 10

    failures: list[str] = []
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=25,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def check(case: Any) -> None:
            case.call_and_validate()

        try:
            check()
        except Exception as e:  # noqa: BLE001 - each operation's report is kept
            failures.append(f"{operation.label}: {e}")
    assert failures == []


def test_the_document_is_what_it_serves(app: Kolben, tmp_path: Path) -> None:
    document = app.test_client().get("/api/openapi.json").json
    assert document["openapi"].startswith("3.1")
    assert document["info"] == {"title": "Authors and books", "version": "1.0"}
