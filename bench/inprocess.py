"""Requests/second of each framework's app, called in-process with no socket.

Run from the repository root::

    .venv/bin/python -m bench.inprocess            # ~2 minutes
    .venv/bin/python -m bench.inprocess --quick    # ~20 seconds
    .venv/bin/python -m bench.inprocess --json out.json   # the figures as JSON too

WSGI apps are called with a copied environ and a fresh ``wsgi.input``; ASGI
apps are awaited one request after another on one event loop. Each
(framework, endpoint) cell is timed in several rounds and its best round is
printed. The frameworks' cells of one endpoint run back to back in each
round, and kolben's ratios are the median of the per-round ratios, so a slow
spell of the machine bears on both sides of a ratio alike.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from bench import _drivers, _report, apps

PACKAGES = ("kolben", "flask", "werkzeug", "falcon", "starlette")


@dataclass
class _Cell:
    """One (framework, endpoint) measurement and its rounds."""

    spec: apps.AppSpec
    endpoint: apps.Endpoint
    run: Callable[[int], None]
    n: int = 0
    rates: list[float] = field(default_factory=list)


def _parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.inprocess", description=__doc__.split("\n")[0]
    )
    parser.add_argument(
        "--quick", action="store_true", help="3 short rounds (~20 s) for a smoke run"
    )
    parser.add_argument("--rounds", type=int, help="rounds per cell (default 5)")
    parser.add_argument(
        "--seconds", type=float, help="length of one timed round (default 0.8)"
    )
    parser.add_argument("--protocol", choices=("wsgi", "asgi", "both"), default="both")
    parser.add_argument(
        "--json",
        metavar="PATH",
        help="also write the tables as JSON (scripts/bench_charts.py draws them)",
    )
    args = parser.parse_args(argv)
    args.rounds = args.rounds or (3 if args.quick else 5)
    args.seconds = args.seconds or (0.2 if args.quick else 0.8)
    return args


def _make_cells(
    protocols: Sequence[str], loop: asyncio.AbstractEventLoop
) -> list[_Cell]:
    """Load the apps, check every answer, and return the cells to time."""
    cells: list[_Cell] = []
    failures: list[str] = []
    for spec in (*apps.WSGI_APPS, *apps.ASGI_APPS):
        if spec.protocol not in protocols:
            continue
        app = spec.load()
        for endpoint in (*apps.ENDPOINTS, *apps.CHECK_ONLY):
            if spec.protocol == "wsgi":
                answer = _drivers.call_wsgi(app, endpoint.path)
            else:
                answer = _drivers.call_asgi(loop, app, endpoint.path)
            for problem in apps.problems(endpoint, *answer):
                failures.append(
                    f"{spec.framework} ({spec.protocol}) GET {endpoint.path}: {problem}"
                )
        for endpoint in apps.ENDPOINTS:
            cells.append(_Cell(spec, endpoint, _runner(spec, app, endpoint, loop)))
    if failures:
        sys.exit(
            "The apps do not answer alike, so timing them would compare different"
            " work. Fix these first:\n  " + "\n  ".join(failures)
        )
    return cells


def _runner(
    spec: apps.AppSpec,
    app: Any,
    endpoint: apps.Endpoint,
    loop: asyncio.AbstractEventLoop,
) -> Callable[[int], None]:
    if spec.protocol == "wsgi":
        template = _drivers.wsgi_environ(endpoint.path)
        return partial(_drivers.run_wsgi, app, template)
    scope = _drivers.asgi_scope(endpoint.path)

    def run(n: int) -> None:
        loop.run_until_complete(_drivers.run_asgi(app, scope, n))

    return run


def _time(run: Callable[[int], None], n: int) -> float:
    gc.collect()
    start = time.perf_counter()
    run(n)
    return time.perf_counter() - start


def _calibrate(cell: _Cell, seconds: float) -> None:
    """Warm the cell up and pick the request count of a ``seconds`` round."""
    cell.run(200)
    n = 100
    while (elapsed := _time(cell.run, n)) < min(0.05, seconds / 2):
        n *= 4
    cell.n = max(1, round(n * seconds / elapsed))


def measure(cells: list[_Cell], rounds: int, seconds: float) -> None:
    """Time every cell ``rounds`` times.

    The cells compared with each other (one protocol and endpoint, every
    framework) run back to back, so a slow spell of the machine falls on all
    of them alike; the order of those groups, and within each group, rotates
    from round to round.

    :param cells: the cells, calibrated here first.
    :param rounds: how many times each cell is timed.
    :param seconds: the length of one timed round.
    """
    for cell in cells:
        _calibrate(cell, seconds)
    groups: dict[tuple[str, str], list[_Cell]] = {}
    for cell in cells:
        groups.setdefault((cell.spec.protocol, cell.endpoint.name), []).append(cell)
    for r in range(rounds):
        for group in _rotated(list(groups.values()), r):
            for cell in _rotated(group, r):
                cell.rates.append(cell.n / _time(cell.run, cell.n))


def _rotated(items: list[Any], shift: int) -> list[Any]:
    shift %= len(items)
    return items[shift:] + items[:shift]


def results(cells: list[_Cell], rounds: int, seconds: float) -> dict[str, Any]:
    """Return the run's tables: best rates and paired ratios per protocol.

    :param cells: the measured cells.
    :param rounds: how many rounds each cell was timed.
    :param seconds: the length of one timed round.
    :returns: what ``--json`` writes: ``protocols`` maps ``"wsgi"`` and
        ``"asgi"`` to their ``frameworks``, ``endpoints``, ``rates``
        (framework -> endpoint -> best req/s) and ``ratios`` (other framework
        -> endpoint -> kolben's paired ratio), beside the run's versions,
        machine load, rounds and noise.
    """
    endpoints = [e.name for e in apps.ENDPOINTS]
    protocols: dict[str, Any] = {}
    for protocol, specs in (("wsgi", apps.WSGI_APPS), ("asgi", apps.ASGI_APPS)):
        mine = [c for c in cells if c.spec.protocol == protocol]
        if not mine:
            continue
        protocols[protocol] = _report.section(
            [s.framework for s in specs],
            endpoints,
            {(c.spec.framework, c.endpoint.name): c.rates for c in mine},
        )
    worst = max(cells, key=lambda c: _report.spread(c.rates))
    return {
        "benchmark": "inprocess",
        "versions": _report.versions(PACKAGES),
        "machine": _report.machine(),
        "rounds": rounds,
        "seconds": seconds,
        "noise": {
            "spread": _report.spread(worst.rates),
            "cell": f"{worst.spec.framework} {worst.spec.protocol}"
            f" {worst.endpoint.name}",
        },
        "protocols": protocols,
    }


def _print_results(run: dict[str, Any]) -> None:
    print(run["versions"])
    print(f"machine at the end of the run: {run['machine']}")
    print(
        f"in-process, sequential requests, best of {run['rounds']} interleaved"
        f" rounds of ~{run['seconds']:g} s per cell; req/s (higher is better)"
    )
    print(_report.PAIRED)
    for protocol, table in run["protocols"].items():
        rates = {
            (fw, endpoint): rate
            for fw, row in table["rates"].items()
            for endpoint, rate in row.items()
        }
        ratios = {
            (other, endpoint): ratio
            for other, row in table["ratios"].items()
            for endpoint, ratio in row.items()
        }
        print(f"\n{protocol.upper()}")
        print(
            _report.ratio_table(
                protocol, table["frameworks"], table["endpoints"], rates, ratios
            )
        )
    noise = run["noise"]
    print(
        f"\nnoise: the median round is at most {noise['spread']:.1%}"
        f" below the best ({noise['cell']})"
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Check the apps, time them, and print the tables.

    :param argv: command-line arguments; ``sys.argv[1:]`` by default.
    """
    args = _parse(argv)
    protocols = ("wsgi", "asgi") if args.protocol == "both" else (args.protocol,)
    loop = asyncio.new_event_loop()
    try:
        cells = _make_cells(protocols, loop)
        measure(cells, args.rounds, args.seconds)
    finally:
        loop.close()
    run = results(cells, args.rounds, args.seconds)
    _print_results(run)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(run, f, indent=1)
            f.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
