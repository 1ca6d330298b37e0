"""Fixtures and helpers of the Conduit example's tests."""

from __future__ import annotations

import importlib.util
import re
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import sqlalchemy as sa

from kolben import Kolben
from kolben.migrate import upgrade
from kolben.testing import KolbenClient, TestResponse
from tests.db.conftest import dispose, fresh_schema, postgres_url

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


@pytest.fixture(scope="session")
def pg_migrated(conduit: ModuleType) -> Iterator[dict[str, Any]]:
    """A PostgreSQL schema of this run's own, its migrations run once.

    Yields the app's database settings; tests empty its tables first.
    """
    schema = fresh_schema()  # skips, saying why, without a server
    settings = {
        "SQLALCHEMY_DATABASE_URI": postgres_url(),
        "SQLALCHEMY_ENGINE_OPTIONS": next(schema),
    }
    app = make_app(conduit, settings)
    with app.app_context():
        conduit.models.db.engine.dispose()
    yield settings
    next(schema, None)  # past its yield: drops the schema


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> dict[str, Any]:
    """An empty database its migrations made: SQLite, or PostgreSQL.

    SQLite is a copy of :func:`sqlite_template`; PostgreSQL is
    :func:`pg_migrated` with every table emptied (the migrations take longer
    than most tests).
    """
    if request.param == "sqlite":
        path = tmp_path / "conduit.sqlite"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        return {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"}
    settings: dict[str, Any] = request.getfixturevalue("pg_migrated")
    options = settings["SQLALCHEMY_ENGINE_OPTIONS"]
    url = settings["SQLALCHEMY_DATABASE_URI"].replace(
        "postgresql://", "postgresql+psycopg://"
    )
    engine = sa.create_engine(url, **options)
    try:
        with engine.begin() as conn:
            conn.execute(
                sa.text(
                    'TRUNCATE "user", tag, article, comment, follows, favorites,'
                    " article_tags RESTART IDENTITY"
                )
            )
    finally:
        engine.dispose()
    return settings


@pytest.fixture
def app(conduit: ModuleType, database: dict[str, Any]) -> Iterator[Kolben]:
    """The app on an empty database whose schema its migrations made."""
    app: Kolben = conduit.create_app({**TEST_CONFIG, **database})
    yield app
    dispose(conduit.models.db, app)


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
