"""TechEmpower's database tests against PostgreSQL: kolben, kolben.db and Flask.

Run from the repository root (needs ``wrk``: ``apt-get install -y wrk``, and
the PostgreSQL server of ``KOLBEN_TEST_POSTGRES_URL``, by default
``postgresql://postgres@127.0.0.1:5432/test``)::

    .venv/bin/python -m bench.db                  # ~10 minutes
    .venv/bin/python -m bench.db --quick          # ~3 minutes
    .venv/bin/python -m bench.db --skip-served    # in-process and profile only
    .venv/bin/python -m bench.db --json out.json  # the tables as JSON too

It creates and fills the schema ``kolben_bench`` and drops it at the end.
Three parts, each printing its table:

1. Served: every app of ``bench/db_apps`` under a real server on 127.0.0.1
   (gunicorn's sync worker, 2 workers; uvicorn, 2 workers, for the async
   app), checked, warmed up, then loaded by ``wrk -t1 -c32`` in rounds that
   visit every (app, test), an endpoint's apps back to back in an order that
   rotates. Ratios are medians of the per-round ratios.
2. In-process (``bench/_db_inprocess.py``): the apps' WSGI or ASGI callables
   called directly in paired, interleaved rounds: kolben-raw against
   flask-raw, kolben.db against the same views on a hand-written session
   (the same pool, no ping) and Flask-SQLAlchemy, kolben.db's async views
   against Starlette on a bare ``AsyncSession`` and the sync views. Medians
   of the per-round ratios by wall and CPU time, with their quartiles.
3. A profile of ``/db`` through kolben.db, sync (WSGI) and async (ASGI):
   the share of cProfile's own time in each package.

The raw apps use psycopg2 (``--raw-driver psycopg`` for psycopg 3), the
same driver for kolben and Flask. One run at a time: each creates and
drops the schema.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import os
import pstats
import shutil
import sys
import time
from collections.abc import Sequence
from typing import Any

import psycopg

from bench import _db_inprocess, _drivers, _report, _shares, apps, served
from bench import db_apps as contract
from bench.db_apps import _check, _raw, _schema

PACKAGES = (
    "kolben",
    "flask",
    "flask-sqlalchemy",
    "sqlalchemy",
    "psycopg",
    "jinja2",
    "gunicorn",
    "uvicorn",
)
_PY = sys.executable
GUNICORN = served.Server(
    "gunicorn",
    "wsgi",
    (_PY, "-m", "gunicorn", "--bind", "{host}:{port}", "--workers", "2")
    + ("--worker-class", "sync", "--log-level", "warning", "{target}"),
)
UVICORN = served.Server(
    "uvicorn",
    "asgi",
    (_PY, "-m", "uvicorn", "--interface", "asgi3", "--host", "{host}")
    + ("--port", "{port}", "--workers", "2", "--log-level", "warning")
    + ("--no-access-log", "{target}"),
)
#: (table, apps, [(numerator, denominator, goal or None, endpoints with a goal)]).
Table = tuple[str, tuple[str, ...], tuple[tuple[str, str, float | None, set[str]], ...]]
SERVED_TABLES: tuple[Table, ...] = (
    (
        "raw driver calls ({driver}), sync views under gunicorn",
        ("kolben-raw", "flask-raw"),
        (("kolben-raw", "flask-raw", 1.3, {"db", "fortunes"}),),
    ),
    (
        "the same ORM queries, sync views under gunicorn",
        ("kolben.db", "flask-sqlalchemy", "hand-written"),
        (
            ("kolben.db", "flask-sqlalchemy", 1.05, {"db", "queries", "fortunes"}),
            ("kolben.db", "hand-written", None, set()),
        ),
    ),
    (
        "async views under uvicorn (kolben.db: the sync views under gunicorn)",
        ("kolben.db-async", "starlette-async", "kolben.db"),
        (
            ("kolben.db-async", "starlette-async", None, set()),
            ("kolben.db-async", "kolben.db", None, set()),
            ("starlette-async", "kolben.db", None, set()),
        ),
    ),
)
#: The slug of each served table, naming the page's files drawn from it.
SERVED_NAMES = ("served-raw", "served-orm", "served-async")
#: The most the battery may add to the hand-written session's time per request.
OVERHEAD_GOAL = 0.05
#: The least kolben-raw/flask-raw on ``/db`` and ``/fortunes``.
RAW_GOAL = 1.3

Samples = dict[tuple[str, str], list[float]]


def _parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.db", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--quick", action="store_true", help="a ~1.5 minute smoke run")
    parser.add_argument("--duration", type=int, help="seconds of a wrk run (3)")
    parser.add_argument("--rounds", type=int, help="served rounds per cell (3)")
    parser.add_argument("--pairs", type=int, help="in-process rounds (20)")
    parser.add_argument(
        "--seconds", type=float, help="length of an in-process round (0.4)"
    )
    parser.add_argument("--profile-requests", type=int, help="profiled requests (2000)")
    parser.add_argument(
        "--skip-served", action="store_true", help="in-process and profile only"
    )
    parser.add_argument(
        "--skip-inprocess", action="store_true", help="served part only"
    )
    parser.add_argument(
        "--raw-driver",
        choices=_raw.DRIVERS,
        default=_raw.DRIVERS[0],
        help="the raw apps' driver, the same for both (psycopg2)",
    )
    parser.add_argument(
        "--apps",
        help="the served apps, comma-separated (all); e.g. kolben-raw,flask-raw",
    )
    _report.add_json_option(parser)
    args = parser.parse_args(argv)
    quick = args.quick
    args.duration = args.duration or (2 if quick else 3)
    args.rounds = args.rounds or (1 if quick else 3)
    args.pairs = args.pairs or (4 if quick else 20)
    args.seconds = args.seconds or (0.2 if quick else 0.4)
    args.profile_requests = args.profile_requests or (300 if quick else 2000)
    return args


def _start(
    taken: set[int], names: set[str] | None = None
) -> list[tuple[contract.DBApp, served.Running]]:
    """Start every app (or those in ``names``); the caller stops them."""
    running = []
    for app in contract.APPS:
        if names is not None and app.name not in names:
            continue
        server = UVICORN if app.server == "uvicorn" else GUNICORN
        spec = apps.AppSpec(app.name, server.protocol, app.target)
        running.append((app, served.Running(server, spec, taken)))
    return running


def _ready(running: list[tuple[contract.DBApp, served.Running]], url: str) -> None:
    """Wait for each server, check its answers and warm it up.

    :raises served.ServerError: if one does not start or answers wrongly.
    """
    for app, instance in running:
        instance.wait_ready()

        def get(path: str, port: int = instance.port) -> tuple[int, str | None, bytes]:
            return served._get(port, path, timeout=10.0)

        failures = _check.problems(get, url, contract.SCHEMA)
        if failures:
            raise served.ServerError(
                f"{app.name} answers wrongly:\n  "
                + "\n  ".join(failures)
                + f"\n{app.target} printed:\n{instance.output()[-3000:]}"
            )
        served._wrk(instance.port, "/db", 1)


class Drain:
    """Wait, after a wrk run, until the requests it left behind are done.

    When wrk stops, a sync worker still has the connections it had not
    accepted in its backlog, and serves them (some of them ``/updates``,
    holding row locks) while the next app is measured. A probe request,
    queued behind them, and then the apps' connections (found by their
    ``application_name``) seen idle three times in a row, mean they are done.

    :param url: the database the apps serve.
    """

    _BUSY = (
        "SELECT count(*) FROM pg_stat_activity"
        " WHERE application_name = %s AND state <> 'idle'"
    )

    def __init__(self, url: str) -> None:
        self._conn = psycopg.connect(url, autocommit=True)

    def __call__(self, port: int, timeout: float = 30.0) -> None:
        """Wait for the app on ``port`` and the database to be idle.

        :param port: the port of the app just loaded.
        :param timeout: the longest wait, in seconds.
        """
        try:
            served._get(port, "/db", timeout=timeout)
        except OSError:
            pass  # The server's own failure shows in check_alive.
        idle, deadline = 0, time.monotonic() + timeout
        while idle < 3 and time.monotonic() < deadline:
            row = self._conn.execute(self._BUSY, (contract.SCHEMA,)).fetchone()
            idle = idle + 1 if row is not None and row[0] == 0 else 0
            time.sleep(0.02)

    def close(self) -> None:
        """Close the monitoring connection."""
        self._conn.close()


def run_served(
    url: str, duration: int, rounds: int, names: set[str] | None = None
) -> dict[tuple[str, str], list[Any]]:
    """Serve every app at once and load each (app, test) in rotating rounds.

    :param url: the database the apps serve.
    :param duration: seconds of one wrk run.
    :param rounds: wrk runs per (app, test).
    :param names: the apps to serve; all by default.
    :returns: the wrk results of each ``(app, test)``, one per round.
    """
    running: list[tuple[contract.DBApp, served.Running]] = []
    drain = Drain(url)
    try:
        running = _start(set(), names)
        _ready(running, url)
        for _, instance in running:
            drain(instance.port)
        results: dict[tuple[str, str], list[Any]] = {}
        for r in range(rounds):
            print(f"... served: round {r + 1} of {rounds}", file=sys.stderr, flush=True)
            order = running[r % len(running) :] + running[: r % len(running)]
            for endpoint in contract.ENDPOINTS:
                for app, instance in order:
                    result = served._wrk(instance.port, endpoint.path, duration)
                    drain(instance.port)
                    instance.check_alive()
                    results.setdefault((app.name, endpoint.name), []).append(result)
        return results
    finally:
        drain.close()
        for _, instance in running:
            try:
                instance.stop()
            except OSError as e:
                print(f"could not stop {instance.argv}: {e}", file=sys.stderr)


def _ratio_cells(
    samples: Samples,
    mine: str,
    other: str,
    goal: float | None,
    goals: set[str],
    test: str,
) -> list[str]:
    ratio = _report.paired_ratios(samples, mine=mine).get((other, test))
    if not ratio:
        return ["-", "-"] if goal is not None else ["-"]
    cells = [f"{ratio:.2f}x"]
    if goal is not None:
        cells.append(("PASS" if ratio >= goal else "MISS") if test in goals else "-")
    return cells


def served_tables(samples: Samples, driver: str = "psycopg2") -> list[str]:
    """Return the served tables: req/s (best round) and paired ratios.

    :param samples: requests/second of each round per ``(app, test)``.
    :param driver: the raw apps' driver, for the title.
    """
    return [
        f"{title}\n{_report.grid(rows)}"
        for _, title, rows, _ in served_table_rows(samples, driver)
    ]


def served_table_rows(
    samples: Samples, driver: str = "psycopg2"
) -> list[tuple[str, str, list[list[str]], tuple[str, ...]]]:
    """Return each served table's slug, title, rows and charted columns.

    :param samples: as for :func:`served_tables`.
    :param driver: as for :func:`served_tables`.
    """
    tables = []
    served_apps = {app for app, _ in samples}
    for (title, names, ratios), slug in zip(SERVED_TABLES, SERVED_NAMES, strict=True):
        if not served_apps & set(names):
            continue
        title = title.format(driver=driver)
        head = ["test", *names]
        for mine, other, goal, _ in ratios:
            head.append(f"{mine}/{other}")
            if goal is not None:
                head.append(f"goal >={goal:g}x")
        rows = [head]
        for endpoint in contract.ENDPOINTS:
            row = [endpoint.name]
            row += [
                f"{max(samples.get((n, endpoint.name), [0.0])):,.0f}" for n in names
            ]
            for mine, other, goal, goals in ratios:
                row += _ratio_cells(samples, mine, other, goal, goals, endpoint.name)
            rows.append(row)
        tables.append((slug, title, rows, names))
    return tables


def _profile_sync(app: Any, n: int) -> pstats.Stats:
    environ = _drivers.wsgi_environ("/db")
    _drivers.run_wsgi(app, environ, 200)
    profiler = cProfile.Profile()
    profiler.runcall(_drivers.run_wsgi, app, environ, n)
    return pstats.Stats(profiler, stream=io.StringIO())


def _profile_async(app: Any, n: int) -> pstats.Stats:
    from bench.db_apps.kolben_orm import db

    scope = _drivers.asgi_scope("/db")
    loop = asyncio.new_event_loop()
    try:
        loop.run_until_complete(_drivers.run_asgi(app, scope, 200))
        profiler = cProfile.Profile()
        profiler.runcall(loop.run_until_complete, _drivers.run_asgi(app, scope, n))
        with app.app_context():
            loop.run_until_complete(db.adispose())
    finally:
        loop.close()
    return pstats.Stats(profiler, stream=io.StringIO())


def profile_table(url: str, n: int) -> list[list[str]]:
    """Profile ``n`` requests of ``/db`` through kolben.db, sync and async.

    :returns: the rows of a table of each package's share of the time.

    :param url: the database the apps serve.
    :param n: the requests profiled, after a warm-up.
    """
    from bench.db_apps import kolben_orm, kolben_orm_async

    sync = _profile_sync(kolben_orm.create_app(url, contract.SCHEMA), n)
    async_ = _profile_async(kolben_orm_async.create_app(url, contract.SCHEMA), n)
    columns = [
        ("sync view, WSGI", _shares.shares(sync)),
        ("async view, ASGI", _shares.shares(async_)),
    ]
    return _shares.shares_table(columns)


def _notes(results: dict[tuple[str, str], list[Any]]) -> list[str]:
    """Describe non-2xx answers and socket errors under load."""
    notes = []
    for (app, test), runs in results.items():
        requests = sum(r.requests for r in runs)
        non_2xx = sum(r.non_2xx for r in runs)
        errors = sum(r.socket_errors for r in runs)
        if non_2xx:
            notes.append(f"{app} {test}: {non_2xx} of {requests} answers were not 2xx")
        if errors:
            notes.append(f"{app} {test}: {errors} socket errors")
    return notes


def _served_part(
    url: str, args: argparse.Namespace, kept: _report.Tables
) -> list[str] | None:
    """Run and describe the served part; ``None`` if it could not run."""
    try:
        names = set(args.apps.split(",")) if args.apps else None
        results = run_served(url, args.duration, args.rounds, names)
    except served.ServerError as e:
        print(f"bench.db: {e}", file=sys.stderr)
        return None
    samples = {key: [r.rate for r in runs] for key, runs in results.items()}
    lines = [
        f"\nserved on {served.HOST}, 2 workers each; best of {args.rounds} rotating"
        f" rounds of wrk -t1 -c32 -d{args.duration}s per cell; req/s (higher is"
        " better). a/b: the median over the rounds of a's rate over b's.",
    ]
    lines += [
        f"\n{kept.add(slug, title, rows, names)}"
        for slug, title, rows, names in served_table_rows(samples, args.raw_driver)
    ]
    if args.rounds > 1:
        value, where = max(
            (_report.spread(v), f"{k[0]} {k[1]}") for k, v in samples.items()
        )
        lines.append(
            f"noise: the median round is at most {value:.1%} below the best ({where})"
        )
    kept.notes += _notes(results)
    lines += [f"note: {note}" for note in _notes(results)]
    return lines


def _inprocess_part(
    url: str, args: argparse.Namespace, kept: _report.Tables
) -> list[str]:
    """Run and describe the in-process comparisons and the profile."""
    timings = _db_inprocess.run(url, contract.SCHEMA, args.pairs, args.seconds)
    profile = profile_table(url, args.profile_requests)
    rows = _db_inprocess.table_rows(timings, OVERHEAD_GOAL, RAW_GOAL)
    comparisons = zip(_db_inprocess.NAMES, _db_inprocess.COMPARISONS, rows, strict=True)
    return [
        f"\nin-process against PostgreSQL (raw apps: {args.raw_driver}), the apps'"
        f" WSGI or ASGI callables called directly: {args.pairs} rounds of"
        f" ~{args.seconds:g} s per app and test, the apps taking turns of"
        f" {_db_inprocess.TURN} requests. req/s: the best round's. a/b: the median"
        " over the rounds of a's rate over b's, by wall time and by this process's"
        " CPU time, with the interquartile range of the rounds' ratios in brackets."
        " 'over': the median extra time per request (its quartiles).",
        *(
            f"\n{kept.add(slug, title, table, comparison.apps)}"
            for slug, comparison, (title, table) in comparisons
        ),
        "\n"
        + kept.add(
            "profile",
            f"profile of {args.profile_requests} GET /db through kolben.db (cProfile's"
            " own time per package; profiling inflates Python code, read the shares)",
            profile,
            profile[0][1:],
            unit="share of the profile's own time (%)",
        ),
    ]


def _reachable(url: str) -> bool:
    try:
        psycopg.connect(url, connect_timeout=5).close()
    except psycopg.OperationalError as e:
        print(f"bench.db: cannot reach PostgreSQL at {url}: {e}", file=sys.stderr)
        return False
    return True


def main(argv: Sequence[str] | None = None) -> int:
    """Create the schema, run the served and in-process parts, print, drop.

    :param argv: command-line arguments; ``sys.argv[1:]`` by default.
    """
    args = _parse(argv)
    # The raw apps, served or in-process, read it; so do their servers.
    os.environ["KOLBEN_BENCH_RAW_DRIVER"] = args.raw_driver
    if not args.skip_served and shutil.which("wrk") is None:
        print(
            "bench.db needs wrk on PATH. Install it with: apt-get install -y wrk"
            " (or run with --skip-served)",
            file=sys.stderr,
        )
        return 2
    url = contract.database_url()
    if not _reachable(url):
        return 2
    _schema.create_schema(url, contract.SCHEMA)
    try:
        lines: list[str] = []
        kept = _report.Tables("db", PACKAGES)
        if not args.skip_served:
            served_lines = _served_part(url, args, kept)
            if served_lines is None:
                return 1
            lines += served_lines
        if not args.skip_inprocess:
            lines += _inprocess_part(url, args, kept)
    finally:
        _schema.drop_schema(url, contract.SCHEMA)
    print(_report.versions(PACKAGES))
    print(f"machine at the end of the run: {_report.machine()}")
    print("\n".join(lines))
    kept.write(
        args.json,
        command="python -m bench.db" + (" --quick" if args.quick else ""),
        driver=args.raw_driver,
        duration=args.duration,
        rounds=args.rounds,
        pairs=args.pairs,
        seconds=args.seconds,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
