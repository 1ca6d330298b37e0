"""Fixtures of kolben.api's tests: an app with typed views switched on."""

from __future__ import annotations

from typing import Any

import pytest
from openapi_spec_validator import validate

from kolben import Kolben
from kolben.api import OpenAPI
from tests.conftest import create_app


@pytest.fixture
def app() -> Kolben:
    """A fresh app in testing mode, with ``OpenAPI`` initialised."""
    app = create_app()
    OpenAPI(app, title="Tests", version="1.0")
    return app


def checked_document(app: Kolben) -> dict[str, Any]:
    """Return ``app``'s document, validated against the OpenAPI 3.1 schema."""
    doc: dict[str, Any] = app.extensions["openapi"].document(app)
    validate(doc)
    return doc
