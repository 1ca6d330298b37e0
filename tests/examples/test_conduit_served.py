"""Conduit under real servers: the whole user story over HTTP.

The app is migrated once with ``kolben db upgrade``, as a deployment does,
then served by gunicorn (WSGI) and by uvicorn (ASGI), two workers each, on
the PostgreSQL server of KOLBEN_TEST_POSTGRES_URL in a schema of its own
(on SQLite when it is unset), and driven through a user's story: register,
log in, write an article with tags, follow, favorite, comment, read the
feed, delete. ``kolben run`` is started too: on SQLite it makes the schema
itself, at its first start. Marked ``deploy``: ``.ci/run`` runs them in its
bounded deployment step.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.db.conftest import POSTGRES_URL, fresh_schema
from tests.e2e._live import HOST, Reply, fetch, free_port

from ._conduit import TIMESTAMP

pytestmark = pytest.mark.deploy

ROOT = Path(__file__).resolve().parents[2]
SERVERS = {
    "gunicorn": [
        *("-m", "gunicorn", "-w", "2", "--no-control-socket"),
        *("--chdir", "examples", "conduit:create_app()"),
    ],
    "uvicorn": [
        *("-m", "uvicorn", "--workers", "2", "--factory"),
        *("--app-dir", "examples", "conduit:create_app"),
    ],
}


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """The environment of a deployment whose schema was migrated once."""
    env = {
        **os.environ,
        "KOLBEN_JWT_SECRET_KEY": "a deployment's key of thirty-two bytes or more",
    }
    schema: Iterator[dict[str, Any]] | None = None
    if POSTGRES_URL:
        schema = fresh_schema()
        env["KOLBEN_SQLALCHEMY_DATABASE_URI"] = POSTGRES_URL
        env["KOLBEN_SQLALCHEMY_ENGINE_OPTIONS"] = json.dumps(next(schema))
    else:
        path = tmp_path_factory.mktemp("conduit") / "conduit.sqlite"
        env["KOLBEN_SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{path}"
    _kolben(env, "db", "upgrade")
    yield env
    if schema is not None:
        next(schema, None)  # past its yield: drops the schema


def _kolben(env: dict[str, str], *args: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "kolben.cli", "--app", "examples/conduit", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        timeout=60,
    )


class Server:
    """A server process in a group of its own, on a loopback port."""

    def __init__(self, argv: list[str], env: dict[str, str], log: Path) -> None:
        self.port = free_port()
        bind = (
            ["-b", f"{HOST}:{self.port}"]
            if "gunicorn" in argv
            else ["--host", HOST, "--port", str(self.port)]
        )
        self.log = log
        with log.open("wb") as out:
            self.process = subprocess.Popen(
                [sys.executable, *argv, *bind],
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.base = f"http://{HOST}:{self.port}"

    def wait(self) -> None:
        """Wait until the app answers."""
        deadline = time.monotonic() + 30
        while True:
            try:
                fetch(self.base, "GET", "/api/tags")
                break
            except OSError:
                assert self.process.poll() is None, self.log.read_text()
                assert time.monotonic() < deadline, self.log.read_text()
                time.sleep(0.2)
        assert self.process.poll() is None, self.log.read_text()

    def stop(self) -> None:
        """Stop the server and every worker it started."""
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            pass
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait(10)


class Client:
    """JSON over HTTP to a served Conduit, with a token once logged in."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.token: str | None = None

    def __call__(self, method: str, path: str, body: Any = None) -> Reply:
        """Send one request; return the whole reply."""
        headers = {"Content-Type": "application/json"}
        if self.token:
            headers["Authorization"] = f"Token {self.token}"
        data = None if body is None else json.dumps(body).encode()
        return fetch(self.base, method, path, data, headers)


def _story(base: str, name: str) -> None:
    """Register, log in, write, follow, favorite, comment, read, delete."""
    ann, bob = Client(base), Client(base)
    for client, who in ((ann, f"ann-{name}"), (bob, f"bob-{name}")):
        user = {"username": who, "email": f"{who}@example.com", "password": "pw123456"}
        r = client("POST", "/api/users", {"user": user})
        assert r.status == 201, r.text
        login = {"email": user["email"], "password": user["password"]}
        r = client("POST", "/api/users/login", {"user": login})
        assert r.status == 200, r.text
        client.token = r.json()["user"]["token"]
        assert client("GET", "/api/user").json()["user"]["username"] == who
    article = {
        "title": f"Dragons of {name}",
        "description": "Ever wonder how?",
        "body": "You have to believe.",
        "tagList": ["dragons", name],
    }
    r = ann("POST", "/api/articles", {"article": article})
    assert r.status == 201, r.text
    slug = r.json()["article"]["slug"]
    assert r.json()["article"]["tagList"] == sorted(["dragons", name])
    assert TIMESTAMP.match(r.json()["article"]["createdAt"])
    r = bob("POST", f"/api/profiles/ann-{name}/follow")
    assert r.json()["profile"]["following"] is True
    r = bob("POST", f"/api/articles/{slug}/favorite")
    assert r.json()["article"]["favoritesCount"] == 1
    r = bob("POST", f"/api/articles/{slug}/comments", {"comment": {"body": "Wow."}})
    assert r.status == 201, r.text
    comment = r.json()["comment"]["id"]
    feed = bob("GET", "/api/articles/feed").json()
    assert [a["slug"] for a in feed["articles"]] == [slug]
    assert feed["articles"][0]["favorited"] is True
    assert feed["articles"][0]["author"]["following"] is True
    tagged = Client(base)("GET", f"/api/articles?tag={name}").json()
    assert tagged["articlesCount"] == 1
    assert name in Client(base)("GET", "/api/tags").json()["tags"]
    comments = Client(base)("GET", f"/api/articles/{slug}/comments").json()
    assert [c["body"] for c in comments["comments"]] == ["Wow."]
    assert bob("DELETE", f"/api/articles/{slug}").status == 403
    assert bob("DELETE", f"/api/articles/{slug}/comments/{comment}").status == 204
    assert ann("DELETE", f"/api/articles/{slug}").status == 204
    assert Client(base)("GET", f"/api/articles/{slug}").status == 404
    assert bob("GET", "/api/articles/feed").json()["articlesCount"] == 0


@pytest.mark.parametrize("name", list(SERVERS))
def test_the_user_story_under_a_real_server(
    name: str, env: dict[str, str], tmp_path: Path
) -> None:
    server = Server(SERVERS[name], env, tmp_path / "server.log")
    try:
        server.wait()
        _story(server.base, name)
        document = fetch(server.base, "GET", "/api/openapi.json").json()
        assert document["info"]["title"] == "Conduit"
    finally:
        server.stop()


def test_kolben_run_makes_the_schema_on_sqlite(tmp_path: Path) -> None:
    database = tmp_path / "conduit.sqlite"
    env = {**os.environ, "KOLBEN_SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}"}
    env.pop("KOLBEN_SQLALCHEMY_ENGINE_OPTIONS", None)
    # Other commands leave the database alone: only `run` makes the schema.
    _kolben(env, "routes")
    assert not database.exists() or _tables(database) == set()
    argv = ["-m", "kolben.cli", "--app", "examples/conduit", "run", "--no-reload"]
    server = Server(argv, env, tmp_path / "run.log")
    try:
        server.wait()
        _story(server.base, "run")
    finally:
        server.stop()
    assert {"user", "article", "alembic_version"} <= _tables(database)


def _tables(path: Path) -> set[str]:
    with sqlite3.connect(path) as conn:
        rows = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        return {row[0] for row in rows}
