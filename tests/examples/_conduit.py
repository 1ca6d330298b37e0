"""Fixtures and helpers of the Conduit example's tests."""

from __future__ import annotations

import importlib.util
import re
import shutil
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from kolben import Kolben
from kolben.migrate import upgrade
from kolben.testing import KolbenClient, TestResponse

CONDUIT = Path(__file__).resolve().parents[2] / "examples" / "conduit"
#: ISO 8601 with milliseconds and a zone, as RealWorld's clients expect.
TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}(Z|[+-]\d\d:\d\d)$")
#: Settings of every test app: a cheap password hash, a test key.
TEST_CONFIG = {
    "TESTING": True,
    "JWT_SECRET_KEY": "a test key of thirty-two bytes or more",
    "CONDUIT_PASSWORD_METHOD": "scrypt:1024:8:1",
}


@pytest.fixture(scope="session")
def conduit() -> ModuleType:
    """Import ``examples/conduit`` as the package ``conduit``, not installed."""
    if "conduit" in sys.modules:
        return sys.modules["conduit"]
    spec = importlib.util.spec_from_file_location(
        "conduit", CONDUIT / "__init__.py", submodule_search_locations=[str(CONDUIT)]
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["conduit"] = module
    spec.loader.exec_module(module)
    return module


def make_app(conduit: ModuleType, database: dict[str, Any]) -> Kolben:
    """Return the app on ``database``, its schema made by its migrations."""
    app: Kolben = conduit.create_app({**TEST_CONFIG, **database})
    with app.app_context():
        upgrade(directory=conduit.MIGRATIONS)
    return app


@pytest.fixture(scope="session")
def sqlite_template(
    conduit: ModuleType, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    """A SQLite database its migrations made, once: tests start from copies."""
    path = tmp_path_factory.mktemp("conduit") / "migrated.sqlite"
    app = make_app(conduit, {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"})
    with app.app_context():
        conduit.models.db.engine.dispose()
    return path


@pytest.fixture
def app(
    conduit: ModuleType, database: dict[str, Any], request: pytest.FixtureRequest
) -> Kolben:
    """The app on a fresh database whose schema its migrations made.

    On SQLite a copy of :func:`sqlite_template` (the migrations take longer
    than most tests); on PostgreSQL the migrations run in the test's schema.
    """
    uri = database["SQLALCHEMY_DATABASE_URI"]
    if uri.startswith("sqlite:///"):
        template = request.getfixturevalue("sqlite_template")
        shutil.copyfile(template, uri.removeprefix("sqlite:///"))
        app: Kolben = conduit.create_app({**TEST_CONFIG, **database})
        return app
    return make_app(conduit, database)


@pytest.fixture
def api(app: Kolben, protocol: str) -> Conduit:
    """Conduit's client for ``app`` over the parametrized protocol."""
    return Conduit(app.test_client(protocol=protocol))


class Conduit:
    """A test client that speaks Conduit: users, tokens, articles.

    :param client: the test client, over either protocol.
    """

    def __init__(self, client: KolbenClient) -> None:
        self.client = client

    def register(self, name: str, password: str = "secret123") -> dict[str, str]:
        """Register ``name`` (email ``<name>@example.com``); return its header."""
        user = {"username": name, "email": f"{name}@example.com", "password": password}
        r = self.client.post("/api/users", json={"user": user})
        assert r.status_code == 201, r.text
        return {"Authorization": f"Token {r.json['user']['token']}"}

    def article(
        self, auth: dict[str, str], title: str, tags: list[str] | None = None
    ) -> dict[str, Any]:
        """Write an article; return it as the API answered."""
        article = {
            "title": title,
            "description": f"About {title}",
            "body": f"All of {title}",
            "tagList": tags or [],
        }
        r = self.client.post("/api/articles", json={"article": article}, headers=auth)
        assert r.status_code == 201, r.text
        return dict(r.json["article"])

    def get(self, path: str, auth: dict[str, str] | None = None) -> TestResponse:
        """GET ``path``, with a token if ``auth`` is given."""
        return self.client.get(path, headers=auth or {})
