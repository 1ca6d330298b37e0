"""The RealWorld backend (examples/conduit) served against PostgreSQL, via wrk.

Run from the repository root (needs ``wrk``: ``apt-get install -y wrk``, and
the PostgreSQL server of ``KOLBEN_TEST_POSTGRES_URL``, by default
``postgresql://postgres@127.0.0.1:5432/test``)::

    .venv/bin/python -m bench.conduit              # ~2 minutes
    .venv/bin/python -m bench.conduit --quick      # ~40 seconds

It makes the schema ``kolben_bench_conduit`` with ``kolben db upgrade`` (the
example's migrations), fills it (50 users, 500 articles with 3 of 20 tags
each, 1,000 favorites; the reader follows 10 users), and drops it at the
end. The same app object is served by gunicorn (sync worker) and uvicorn,
two workers each, on 127.0.0.1. Each answer is checked, then in every round
each (endpoint, server) gets ``wrk -t1 -c32`` with the reader's
``Authorization: Token`` header, the servers in an order that rotates:

- ``articles``: ``GET /api/articles`` (20 newest, with tags, favorite
  counts, and whether the reader favorited each and follows its author);
- ``articles, anonymous``: the same without a token;
- ``article``: ``GET /api/articles/<slug>``;
- ``feed``: ``GET /api/articles/feed`` (the followed users' 20 newest).

The table shows each cell's best round in requests/second and how far its
median round fell below it. No other framework serves this app here, so
there is no ratio: the figures are kolben end to end (routing, JWT, typed
responses, SQLAlchemy and psycopg), to compare run with run.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import psycopg
from psycopg import sql

from bench import _report, apps, served
from bench.db_apps import connect_args, database_url

SCHEMA = "kolben_bench_conduit"
PACKAGES = (
    "kolben",
    "sqlalchemy",
    "psycopg",
    "pydantic",
    "pyjwt",
    "gunicorn",
    "uvicorn",
)
#: The JWT key of the run's servers: made up here, used nowhere else.
KEY = "the benchmark's own key, thirty-two bytes or more"
_PY = sys.executable
SERVERS = (
    served.Server(
        "gunicorn",
        "wsgi",
        (_PY, "-m", "gunicorn", "--bind", "{host}:{port}", "--workers", "2")
        + ("--worker-class", "sync", "--log-level", "warning")
        + ("--no-control-socket", "--chdir", "examples", "{target}"),
    ),
    served.Server(
        "uvicorn",
        "asgi",
        (_PY, "-m", "uvicorn", "--host", "{host}", "--port", "{port}")
        + ("--workers", "2", "--log-level", "warning", "--no-access-log")
        + ("--app-dir", "examples", "--factory", "{target}"),
    ),
)
TARGETS = {"gunicorn": "conduit:create_app()", "uvicorn": "conduit:create_app"}
USERS, ARTICLES, TAGS, FAVORITES, FOLLOWED = 50, 500, 20, 1000, 10
#: The article ``GET /api/articles/<slug>`` reads.
SLUG = "article-250"


@dataclass(frozen=True)
class Endpoint:
    """One request the benchmark sends.

    :param name: the name printed in the table.
    :param path: the request path.
    :param token: whether the reader's token goes with it.
    :param key: the key the JSON answer must have.
    """

    name: str
    path: str
    token: bool
    key: str


ENDPOINTS = (
    Endpoint("articles", "/api/articles", True, "articles"),
    Endpoint("articles, anonymous", "/api/articles", False, "articles"),
    Endpoint("article", f"/api/articles/{SLUG}", True, "article"),
    Endpoint("feed", "/api/articles/feed", True, "articles"),
)


def _parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.conduit", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--quick", action="store_true", help="a ~40 second run")
    parser.add_argument("--duration", type=int, help="seconds of a wrk run (3)")
    parser.add_argument("--rounds", type=int, help="rounds per cell (3)")
    _report.add_json_option(parser)
    args = parser.parse_args(argv)
    args.duration = args.duration or (2 if args.quick else 3)
    args.rounds = args.rounds or (1 if args.quick else 3)
    return args


def _env(url: str) -> dict[str, str]:
    """Return the servers' environment: the database, its schema, the key."""
    return {
        **os.environ,
        "KOLBEN_SQLALCHEMY_DATABASE_URI": url,
        "KOLBEN_SQLALCHEMY_ENGINE_OPTIONS": json.dumps(
            {"connect_args": connect_args(SCHEMA)}
        ),
        "KOLBEN_JWT_SECRET_KEY": KEY,
    }


def make_schema(url: str) -> None:
    """Make the schema by the example's migrations, then fill it."""
    name = sql.Identifier(SCHEMA)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(name))
        conn.execute(sql.SQL("CREATE SCHEMA {}").format(name))
    subprocess.run(
        [_PY, "-m", "kolben.cli", "--app", "examples/conduit", "db", "upgrade"],
        cwd=served.ROOT,
        env=_env(url),
        check=True,
        capture_output=True,
        timeout=120,
    )
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(sql.SQL("SET search_path TO {}").format(name))
        _fill(conn)


def _fill(conn: psycopg.Connection[Any]) -> None:
    conn.execute(
        'INSERT INTO "user" (id, username, email, password_hash, bio)'
        " SELECT i, 'user' || i, 'user' || i || '@example.com', 'none', 'A bio.'"
        " FROM generate_series(1, %s) AS i",
        (USERS,),
    )
    conn.execute(
        "INSERT INTO tag (id, name) SELECT i, 'tag' || i"
        " FROM generate_series(1, %s) AS i",
        (TAGS,),
    )
    conn.execute(
        "INSERT INTO article (id, slug, title, description, body, created_at,"
        " updated_at, author_id)"
        " SELECT i, 'article-' || i, 'Article ' || i, 'About article ' || i,"
        " repeat('The body of an article. ', 40),"
        " now() - make_interval(mins => %s - i), now() - make_interval(mins => %s - i),"
        " 1 + i %% %s FROM generate_series(1, %s) AS i",
        (ARTICLES, ARTICLES, USERS, ARTICLES),
    )
    conn.execute(
        "INSERT INTO article_tags (article_id, tag_id)"
        " SELECT a, 1 + (a * 7 + k) %% %s FROM generate_series(1, %s) AS a,"
        " generate_series(0, 2) AS k",
        (TAGS, ARTICLES),
    )
    conn.execute(
        "INSERT INTO favorites (user_id, article_id)"
        " SELECT DISTINCT 1 + (i * 13) %% %s, 1 + (i * 31) %% %s"
        " FROM generate_series(1, %s) AS i ON CONFLICT DO NOTHING",
        (USERS, ARTICLES, FAVORITES),
    )
    conn.execute(
        "INSERT INTO follows (follower_id, followed_id)"
        " SELECT 1, i FROM generate_series(2, %s) AS i",
        (FOLLOWED + 1,),
    )
    for table in ("user", "article", "tag", "article_tags", "favorites", "follows"):
        conn.execute(sql.SQL("ANALYZE {}").format(sql.Identifier(table)))


def reader_token() -> str:
    """Return an access token of user 1, signed with the servers' key."""
    sys.path.insert(0, str(served.ROOT / "examples"))
    import conduit

    from kolben.jwt import create_access_token

    app = conduit.create_app(
        {"JWT_SECRET_KEY": KEY, "SQLALCHEMY_DATABASE_URI": "sqlite://"}
    )
    with app.app_context():
        return str(create_access_token(identity="1"))


def _get(port: int, path: str, token: str | None) -> tuple[int, Any]:
    import http.client

    conn = http.client.HTTPConnection(served.HOST, port, timeout=10)
    try:
        headers = {"Authorization": f"Token {token}"} if token else {}
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        return response.status, json.loads(response.read() or b"null")
    finally:
        conn.close()


def check(port: int, token: str) -> list[str]:
    """Return what is wrong with the answers of the server on ``port``."""
    problems = []
    for endpoint in ENDPOINTS:
        status, body = _get(port, endpoint.path, token if endpoint.token else None)
        if status != 200 or not isinstance(body, dict) or endpoint.key not in body:
            problems.append(f"GET {endpoint.path}: {status} {str(body)[:200]}")
            continue
        if endpoint.key == "articles" and len(body["articles"]) != 20:
            problems.append(f"GET {endpoint.path}: {len(body['articles'])} articles")
    status, body = _get(port, "/api/articles/feed", token)
    if status == 200 and not all(a["author"]["following"] for a in body["articles"]):
        problems.append("the feed has articles of authors the reader does not follow")
    return problems


def _wrk(port: int, endpoint: Endpoint, token: str, seconds: int) -> served.WrkResult:
    url = f"http://{served.HOST}:{port}{endpoint.path}"
    argv = ["wrk", "-t1", "-c32", f"-d{seconds}s", "--timeout", "5s"]
    if endpoint.token:
        argv += ["-H", f"Authorization: Token {token}"]
    done = subprocess.run(
        [*argv, url], capture_output=True, text=True, timeout=seconds + 30, check=False
    )
    return served.parse_wrk(done.stdout)


Results = dict[tuple[str, str], list[served.WrkResult]]


def run(url: str, duration: int, rounds: int) -> Results:
    """Serve the app under each server and load each endpoint in rounds."""
    token = reader_token()
    env = _env(url)
    os.environ.update(env)  # served.Running passes its own environment on
    running: list[served.Running] = []
    try:
        taken: set[int] = set()
        for server in SERVERS:
            spec = apps.AppSpec("conduit", server.protocol, TARGETS[server.name])
            running.append(served.Running(server, spec, taken))
        for instance in running:
            _wait(instance)
            if problems := check(instance.port, token):
                raise served.ServerError(
                    f"{instance.argv} answers wrongly:\n  " + "\n  ".join(problems)
                )
            _wrk(instance.port, ENDPOINTS[0], token, 1)  # warm up
        results: Results = {}
        for r in range(rounds):
            print(f"... round {r + 1} of {rounds}", file=sys.stderr, flush=True)
            order = list(zip(SERVERS, running, strict=True))
            order = order[r % 2 :] + order[: r % 2]
            for endpoint in ENDPOINTS:
                for server, instance in order:
                    result = _wrk(instance.port, endpoint, token, duration)
                    instance.check_alive()
                    results.setdefault((endpoint.name, server.name), []).append(result)
        return results
    finally:
        for instance in running:
            instance.stop()


def _wait(instance: served.Running, timeout: float = 30.0) -> None:
    import time

    deadline = time.monotonic() + timeout
    while True:
        instance.check_alive()
        try:
            _get(instance.port, "/api/tags", None)
            return
        except OSError:
            if time.monotonic() > deadline:
                raise served.ServerError(f"no answer:\n{instance.output()}") from None
            time.sleep(0.2)


def table(results: Results) -> str:
    """Return the table: each cell's best round and its median's shortfall."""
    return _report.grid(table_rows(results))


def table_rows(results: Results) -> list[list[str]]:
    """Return the rows of :func:`table`, its header first."""
    head = ["endpoint"]
    for server in SERVERS:
        head += [f"{server.name} req/s", "spread"]
    rows = [head]
    for endpoint in ENDPOINTS:
        row = [endpoint.name]
        for server in SERVERS:
            found = results.get((endpoint.name, server.name), [])
            rates = [r.rate for r in found]
            row.append(f"{max(rates):,.0f}" if rates else "-")
            row.append(f"{_report.spread(rates):.0%}" if rates else "-")
        rows.append(row)
    return rows


def _errors(results: Results) -> list[str]:
    return [
        f"{name} under {server}: {r.non_2xx} non-2xx answers, {r.socket_errors}"
        " socket errors"
        for (name, server), found in results.items()
        for r in found
        if r.non_2xx or r.socket_errors
    ]


def main(argv: Sequence[str] | None = None) -> int:
    """Make and fill the schema, load each endpoint, print the table, drop it.

    :param argv: command-line arguments; ``sys.argv[1:]`` by default.
    """
    args = _parse(argv)
    if shutil.which("wrk") is None:
        print("bench.conduit needs wrk: apt-get install -y wrk", file=sys.stderr)
        return 2
    url = database_url()
    try:
        psycopg.connect(url, connect_timeout=5).close()
    except psycopg.OperationalError as e:
        print(f"bench.conduit: cannot reach PostgreSQL at {url}: {e}", file=sys.stderr)
        return 2
    make_schema(url)
    try:
        results = run(url, args.duration, args.rounds)
    finally:
        with psycopg.connect(url, autocommit=True) as conn:
            drop = sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE")
            conn.execute(drop.format(sql.Identifier(SCHEMA)))
    print(_report.versions(PACKAGES))
    print(f"machine at the end of the run: {_report.machine()}")
    kept = _report.Tables("conduit", PACKAGES)
    rows = table_rows(results)
    title = (
        f"examples/conduit on PostgreSQL, 2 workers per server, wrk -t1 -c32,"
        f" best of {args.rounds} round(s) of {args.duration} s"
    )
    print(kept.add("served", title, rows, [h for h in rows[0] if "req/s" in h]))
    kept.notes += _errors(results)
    for line in _errors(results):
        print(f"error: {line}")
    command = "python -m bench.conduit" + (" --quick" if args.quick else "")
    kept.write(args.json, command=command, duration=args.duration, rounds=args.rounds)
    return 1 if _errors(results) else 0


if __name__ == "__main__":
    sys.exit(main())
