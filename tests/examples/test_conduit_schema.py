"""Conduit against its own OpenAPI document, by schemathesis.

Every operation is called with requests generated from the document (valid
and invalid bodies, odd paths and queries), through the ASGI app, as a
registered user whose token goes in every request. Path parameters are
generated, or name what exists (the article ``a``, the user ``ann``, a
comment), so that the operations on real records run too. No answer may
be a 5xx, and every answer must conform to what the document says: its
status codes, media types and schemas. Bounded: 30 examples per operation
(a third of them invalid requests), no deadline.
"""

from __future__ import annotations

from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode

from kolben import Kolben

from ._conduit import Conduit, conduit, make_app

__all__ = ["conduit"]  # the fixture that imports examples/conduit

#: Not checked: that every schema-violating request is refused. Conduit
#: ignores query keys and body fields it does not know, as RealWorld's
#: clients send some, and each case gets the user's token, even one made to
#: lack it.
LENIENT = schemathesis.checks.negative_data_rejection


@pytest.fixture(scope="module")
def app(conduit: ModuleType, tmp_path_factory: pytest.TempPathFactory) -> Kolben:
    path = tmp_path_factory.mktemp("schema") / "conduit.sqlite"
    return make_app(conduit, {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"})


def test_every_operation_conforms_to_the_document(app: Kolben) -> None:
    api = Conduit(app.test_client())
    auth = api.register("jake")
    api.register("ann")
    # Something for generated slugs, usernames and ids to find now and then.
    known = {"slug": "a", "username": "ann"}
    schema = schemathesis.openapi.from_asgi("/api/openapi.json", app)
    operations: list[Any] = [
        result.ok()  # type: ignore[union-attr]  # an Err fails the test here
        for result in schema.get_all_operations()
    ]
    assert len(operations) == 19

    failures: list[str] = []
    for operation in operations:
        if api.get("/api/articles/a").status_code == 404:
            api.article(auth, "a", ["a"])
        if "{comment_id}" in operation.path:
            r = api.client.post(
                "/api/articles/a/comments",
                json={"comment": {"body": "0"}},
                headers=auth,
            )
            known["comment_id"] = r.json["comment"]["id"]
        names = {p.name for p in operation.iter_parameters() if p.location == "path"}
        cases = [
            operation.as_strategy(),
            operation.as_strategy(GenerationMode.NEGATIVE),
        ]
        if names:
            existing = {k: v for k, v in known.items() if k in names}
            cases.append(operation.as_strategy(path_parameters=existing))

        @given(case=st.one_of(cases))
        @settings(
            max_examples=30,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def check(case: Any) -> None:
            case.call_and_validate(headers=auth, excluded_checks=[LENIENT])

        try:
            check()
        except Exception as e:  # noqa: BLE001 - each operation's report is kept
            failures.append(f"{operation.label}: {e}")
    assert failures == []


def test_the_document_is_what_it_serves(app: Kolben, tmp_path: Path) -> None:
    document = app.test_client().get("/api/openapi.json").json
    assert document["openapi"].startswith("3.1")
    assert document["info"]["title"] == "Conduit"
