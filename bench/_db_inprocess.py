"""The database benchmark's in-process part: apps called directly, in pairs.

Every app of a comparison is called through its WSGI or ASGI callable (no
server, no socket) against the same PostgreSQL schema. In each round and
test the apps take turns of :data:`TURN` requests, the first to go rotating
from round to round, until each has had about ``seconds``: so each round
puts every app of a comparison under the same moment of a machine that
other work may load. Each turn's wall time and the process's CPU time are
kept; a comparison's figure is the median over the rounds of the per-round
ratio, printed with the spread of those ratios (their interquartile range).
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from bench import _drivers, _report
from bench import db_apps as contract

#: Requests per turn: a few milliseconds, so the apps alternate quickly.
TURN = 10
#: A round's time per request of each (comparison, app, test): (wall, CPU)
#: seconds.
Timings = dict[tuple[str, str, str], list[tuple[float, float]]]
#: One comparison's timings, per ``(app, test)``.
Rounds = dict[tuple[str, str], list[tuple[float, float]]]
Runner = Callable[[int], None]


@dataclass(frozen=True)
class Comparison:
    """Apps timed against each other in the same rounds.

    :param title: the table's title.
    :param apps: the app names of :data:`bench.db_apps.APPS`; the first is
        compared with each of the others.
    :param tests: the tests (endpoint names) timed.
    """

    title: str
    apps: tuple[str, ...]
    tests: tuple[str, ...]


_TESTS = ("db", "queries", "fortunes")
COMPARISONS = (
    Comparison(
        "raw driver calls, sync views, WSGI", ("kolben-raw", "flask-raw"), _TESTS
    ),
    Comparison(
        "the same ORM queries, sync views, WSGI",
        ("kolben.db", "hand-written", "flask-sqlalchemy"),
        _TESTS,
    ),
    Comparison(
        "async views, ASGI (kolben.db: the sync views over WSGI)",
        ("kolben.db-async", "starlette-async", "kolben.db"),
        _TESTS,
    ),
)


async def _asgi_turn(app: Any, scope: dict[str, Any], n: int) -> None:
    """Serve ``n`` requests, then let the tasks they left (a close) finish.

    kolben.db closes an async view's session in a task after the response,
    as it does under a server; waiting for it here keeps its cost in this
    app's turn rather than the next app's.
    """
    await _drivers.run_asgi(app, scope, n)
    current = asyncio.current_task()
    while pending := [t for t in asyncio.all_tasks() if t is not current]:
        await asyncio.gather(*pending, return_exceptions=True)


class Apps:
    """The apps of the comparisons, built once, and the loop the ASGI ones use.

    :param url: the database.
    :param schema: the schema with ``world`` and ``fortune``.
    """

    def __init__(self, url: str, schema: str) -> None:
        self.loop = asyncio.new_event_loop()
        names = {name for c in COMPARISONS for name in c.apps}
        self.apps = {
            spec.name: (spec, spec.load().create_app(url, schema))
            for spec in contract.APPS
            if spec.name in names
        }

    def runner(self, name: str, path: str) -> Runner:
        """Return what serves ``n`` requests of ``path`` to the app ``name``."""
        spec, app = self.apps[name]
        if spec.server == "uvicorn":
            scope, loop = _drivers.asgi_scope(path), self.loop
            return lambda n: loop.run_until_complete(_asgi_turn(app, scope, n))
        environ = _drivers.wsgi_environ(path)
        return lambda n: _drivers.run_wsgi(app, environ, n)

    def close(self) -> None:
        """Close every app's connections and the loop."""
        from bench.db_apps import kolben_orm, starlette_orm_async

        for name, (spec, app) in self.apps.items():
            extensions = getattr(app, "extensions", {})
            if "bench_raw" in extensions:
                extensions["bench_raw"].close()
            elif name == "starlette-async":
                engine = starlette_orm_async.engine_of(app)
                self.loop.run_until_complete(engine.dispose())
            elif spec.module == "kolben_orm_async":
                with app.app_context():
                    self.loop.run_until_complete(kolben_orm.db.adispose())
        self.loop.close()


def _round(runners: Sequence[tuple[str, Runner]], seconds: float) -> dict[str, Any]:
    """Return each app's (wall, CPU) time per request over one round."""
    wall = dict.fromkeys((name for name, _ in runners), 0.0)
    cpu = dict(wall)
    done = 0
    clock, cpu_clock = time.perf_counter, time.process_time
    deadline = clock() + seconds * len(runners)
    while clock() < deadline:
        for name, run in runners:
            start, start_cpu = clock(), cpu_clock()
            run(TURN)
            cpu[name] += cpu_clock() - start_cpu
            wall[name] += clock() - start
        done += TURN
    return {name: (wall[name] / done, cpu[name] / done) for name in wall}


def run(url: str, schema: str, rounds: int, seconds: float) -> Timings:
    """Time every comparison in ``rounds`` rounds of paired turns.

    :param url: the database.
    :param schema: the schema with the benchmark's data.
    :param rounds: the rounds.
    :param seconds: about how long each app is timed per round and test.
    :returns: the time per request of each round per ``(comparison, app,
        test)``.
    """
    apps = Apps(url, schema)
    try:
        paths = {e.name: e.path for e in contract.ENDPOINTS}
        for name in apps.apps:
            for path in paths.values():
                if "updates" not in path:
                    apps.runner(name, path)(100)
        timings: Timings = {}
        for r in range(rounds):
            print(f"... in-process: round {r + 1} of {rounds}", file=sys.stderr)
            for comparison in COMPARISONS:
                names = list(comparison.apps)
                names = names[r % len(names) :] + names[: r % len(names)]
                for test in comparison.tests:
                    runners = [(n, apps.runner(n, paths[test])) for n in names]
                    for name, value in _round(runners, seconds).items():
                        key = (comparison.title, name, test)
                        timings.setdefault(key, []).append(value)
        return timings
    finally:
        apps.close()


def ratios(timings: Rounds, mine: str, other: str, test: str, cpu: bool) -> list[float]:
    """Return, per round, ``other``'s time per request over ``mine``'s.

    Above 1, ``mine`` is faster: the ratio is ``mine``'s rate over ``other``'s.
    """
    index = 1 if cpu else 0
    return [
        b[index] / a[index]
        for a, b in zip(timings[mine, test], timings[other, test], strict=True)
        if a[index] and b[index]
    ]


def _quartiles(values: list[float]) -> tuple[float, float, float]:
    if len(values) < 2:
        return values[0], values[0], values[0]
    low, mid, high = statistics.quantiles(values, n=4, method="inclusive")
    return low, statistics.median(values), high


def ratio_cell(values: list[float]) -> str:
    """``1.23x (1.10-1.31)``: the median ratio and its interquartile range."""
    low, mid, high = _quartiles(values)
    return f"{mid:.2f}x ({low:.2f}-{high:.2f})"


def overhead_cell(values: list[float]) -> str:
    """``+3.1% (+1.0..+5.2)``: the median extra time and its quartiles."""
    low, mid, high = _quartiles([1 / v - 1 for v in values])
    return f"{mid:+.1%} ({low:+.1%}..{high:+.1%})"


def _rate(timings: Rounds, name: str, test: str) -> str:
    return f"{1 / min(w for w, _ in timings[name, test]):,.0f}"


#: The slug of each comparison's table, naming the page's files drawn from it.
NAMES = ("inprocess-raw", "inprocess-orm", "inprocess-async")


def tables(timings: Timings, overhead_goal: float, raw_goal: float) -> list[str]:
    """Return the three in-process tables, as printed.

    :param timings: what :func:`run` returned.
    :param overhead_goal: the most kolben.db may add to the hand-written
        session's time per request.
    :param raw_goal: the least kolben-raw/flask-raw on ``/db`` and ``/fortunes``.
    """
    return [
        f"{title}\n{_report.grid(rows)}"
        for title, rows in table_rows(timings, overhead_goal, raw_goal)
    ]


def table_rows(
    timings: Timings, overhead_goal: float, raw_goal: float
) -> list[tuple[str, list[list[str]]]]:
    """Return each in-process table's title and rows, as :func:`tables`'s.

    :param timings: what :func:`run` returned.
    :param overhead_goal: as for :func:`tables`.
    :param raw_goal: as for :func:`tables`.
    """
    out = []
    for comparison in COMPARISONS:
        title = comparison.title
        rounds: Rounds = {(n, t): v for (c, n, t), v in timings.items() if c == title}
        mine, *others = comparison.apps
        head = ["test", *comparison.apps]
        # The hand-written session's column is the overhead, below.
        others = [o for o in others if o != "hand-written"]
        for other in others:
            head += [f"{mine}/{other} (wall)", "(CPU)"]
        if mine == "kolben.db":
            head += ["kolben.db over hand-written (wall)", "(CPU)", "goal"]
        if mine == "kolben-raw":
            head.append(f"goal >={raw_goal:g}x")
        rows = [head]
        for test in comparison.tests:
            row = [test, *(_rate(rounds, n, test) for n in comparison.apps)]
            for other in others:
                row += [
                    ratio_cell(ratios(rounds, mine, other, test, cpu))
                    for cpu in (False, True)
                ]
            if mine == "kolben.db":
                wall = ratios(rounds, mine, "hand-written", test, False)
                cpu = ratios(rounds, mine, "hand-written", test, True)
                row += [overhead_cell(wall), overhead_cell(cpu)]
                worst = max(1 / statistics.median(v) - 1 for v in (wall, cpu))
                row.append("PASS" if worst <= overhead_goal else "MISS")
            if mine == "kolben-raw":
                median = statistics.median(
                    ratios(rounds, mine, "flask-raw", test, False)
                )
                goal = test in ("db", "fortunes")
                row.append(("PASS" if median >= raw_goal else "MISS") if goal else "-")
            rows.append(row)
        out.append((comparison.title, rows))
    return out
