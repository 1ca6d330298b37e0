"""Versions, targets and the ratio tables the benchmark scripts print."""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
from collections.abc import Iterable, Mapping, Sequence
from importlib.metadata import PackageNotFoundError, version

#: (other framework, least kolben/other ratio wanted), per protocol. These are
#: goals printed as PASS/MISS for information; nothing fails on a MISS.
TARGETS: dict[str, tuple[tuple[str, float], ...]] = {
    "wsgi": (("flask", 6.0), ("falcon", 1.0)),
    "asgi": (("falcon", 1.0), ("starlette", 3.0)),
}

#: How the ratios of :func:`paired_ratios` read, printed under the run's header.
PAIRED = (
    "kolben/x: the median over the rounds of kolben's rate over x's,"
    " the two timed back to back in each round"
)


def versions(packages: Iterable[str]) -> str:
    """Return one line with the Python version and each package's version.

    :param packages: distribution names to report.
    """
    parts = [f"Python {platform.python_version()} ({platform.python_implementation()})"]
    for name in packages:
        try:
            parts.append(f"{name} {version(name)}")
        except PackageNotFoundError:
            parts.append(f"{name} (not installed)")
    return ", ".join(parts)


def machine() -> str:
    """Return the CPU count and load average, to judge how quiet a run was."""
    one, five, _ = os.getloadavg()
    return f"{os.cpu_count()} CPUs, load average {one:.2f} (1 min), {five:.2f} (5 min)"


def spread(samples: Sequence[float]) -> float:
    """Return how far the median sample is below the best, as a fraction.

    :param samples: the rates measured in each round.
    """
    best = max(samples)
    return (best - statistics.median(samples)) / best if best else 0.0


def paired_ratios(
    samples: Mapping[tuple[str, str], Sequence[float]], mine: str = "kolben"
) -> dict[tuple[str, str], float]:
    """Return one framework's rate over each other's, per endpoint.

    Each ratio is the median, over the rounds, of the two rates measured in
    the same round, back to back: it follows the machine's drift, which a
    ratio of the best rounds (taken at different moments) does not.

    :param samples: the rate of each round per ``(framework, endpoint)``,
        rounds in the same order for every framework.
    :param mine: the framework over which the others are compared.
    :returns: the ratio per ``(other framework, endpoint)``; a round where
        either side served nothing (a failed wrk run) is left out.
    """
    ratios: dict[tuple[str, str], float] = {}
    for (framework, endpoint), theirs in samples.items():
        ours = samples.get((mine, endpoint))
        if framework == mine or ours is None:
            continue
        pairs = [a / b for a, b in zip(ours, theirs, strict=True) if a and b]
        if pairs:
            ratios[framework, endpoint] = statistics.median(pairs)
    return ratios


def ratio_table(
    protocol: str,
    frameworks: Sequence[str],
    endpoints: Sequence[str],
    rates: Mapping[tuple[str, str], float],
    ratios: Mapping[tuple[str, str], float],
) -> str:
    """Format requests/second per endpoint and kolben's ratios with targets.

    :param protocol: ``"wsgi"`` or ``"asgi"``, which picks the targets.
    :param frameworks: the column order; kolben first.
    :param endpoints: the row order.
    :param rates: requests/second per ``(framework, endpoint)``; a missing
        or zero entry prints as ``-``.
    :param ratios: kolben's ratio per ``(other framework, endpoint)``, from
        :func:`paired_ratios`; a missing one prints as ``-``.
    """
    targets = [t for t in TARGETS[protocol] if t[0] in frameworks]
    head = ["endpoint", *frameworks]
    for other, goal in targets:
        head += [f"kolben/{other}", f"goal >={goal:g}x"]
    rows = [head]
    for endpoint in endpoints:
        row = [endpoint]
        row += [_rate(rates.get((fw, endpoint), 0.0)) for fw in frameworks]
        for other, goal in targets:
            ratio = ratios.get((other, endpoint))
            if ratio:
                row += [f"{ratio:.2f}x", "PASS" if ratio >= goal else "MISS"]
            else:
                row += ["-", "-"]
        rows.append(row)
    return grid(rows)


def _rate(value: float) -> str:
    return f"{value:,.0f}" if value else "-"


def grid(rows: list[list[str]]) -> str:
    """Align rows of cells into columns, the first left and the rest right.

    :param rows: the header row, then the data rows.
    """
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for n, row in enumerate(rows):
        cells = [row[0].ljust(widths[0])]
        cells += [cell.rjust(w) for cell, w in zip(row[1:], widths[1:], strict=True)]
        lines.append("  ".join(cells))
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def section(
    frameworks: Sequence[str],
    endpoints: Sequence[str],
    samples: Mapping[tuple[str, str], Sequence[float]],
) -> dict[str, object]:
    """Return one table of a run as the JSON the benchmark scripts write.

    :param frameworks: the column order; kolben first.
    :param endpoints: the row order.
    :param samples: the rate of each round per ``(framework, endpoint)``.
    :returns: ``frameworks``, ``endpoints``, ``rates`` (framework ->
        endpoint -> best rate) and ``ratios`` (other framework -> endpoint
        -> kolben's paired ratio, from :func:`paired_ratios`).
    """
    rates: dict[str, dict[str, float]] = {fw: {} for fw in frameworks}
    for (framework, endpoint), values in samples.items():
        if values:
            rates.setdefault(framework, {})[endpoint] = max(values)
    ratios: dict[str, dict[str, float]] = {}
    for (other, endpoint), ratio in paired_ratios(samples).items():
        ratios.setdefault(other, {})[endpoint] = ratio
    return {
        "frameworks": list(frameworks),
        "endpoints": list(endpoints),
        "rates": rates,
        "ratios": ratios,
    }


def add_json_option(parser: argparse.ArgumentParser) -> None:
    """Add ``--json PATH``, where a run writes its tables for the charts.

    :param parser: a benchmark script's argument parser.
    """
    parser.add_argument(
        "--json",
        metavar="PATH",
        help="also write the run's tables to PATH, for scripts/bench_charts.py",
    )


class Tables:
    """The tables of one run: printed as they are made, written as JSON.

    Each table keeps the cells it prints, so the page's Markdown table is
    the printed one, and names the columns its chart draws: their cells
    are numbers (``12,345``, ``2.50x``, ``12.5%``) or ``-`` for none.

    :param benchmark: the script's name, ``db`` for ``bench.db``.
    :param packages: the distributions whose versions the run records.
    """

    def __init__(self, benchmark: str, packages: Iterable[str]) -> None:
        self.benchmark = benchmark
        self.packages = tuple(packages)
        self.tables: list[dict[str, object]] = []
        self.notes: list[str] = []

    def add(
        self,
        name: str,
        title: str,
        rows: list[list[str]],
        chart: Sequence[str] = (),
        unit: str = "requests/second",
    ) -> str:
        """Keep one table and return it as printed: its title, then its grid.

        :param name: a short slug, unique in the run, naming the files
            drawn from the table.
        :param title: the line printed above the table.
        :param rows: the header row, then the data rows.
        :param chart: the headings of the columns the chart draws, one bar
            per row and column; none for a table without a chart.
        :param unit: what the charted cells count, the chart's axis label.
        """
        missing = [c for c in chart if c not in rows[0]]
        if missing:
            raise ValueError(f"table {name!r} has no column {missing}")
        self.tables.append(
            {
                "name": name,
                "title": title,
                "rows": [list(row) for row in rows],
                "chart": {"columns": list(chart), "unit": unit},
            }
        )
        return f"{title}\n{grid(rows)}"

    def run(self, **details: object) -> dict[str, object]:
        """Return what ``--json`` writes: the versions, the load, the tables.

        :param details: the run's settings (rounds, seconds, ...), kept as
            given.
        """
        return {
            "benchmark": self.benchmark,
            "versions": versions(self.packages),
            "machine": machine(),
            **details,
            "tables": self.tables,
            "notes": self.notes,
        }

    def write(self, path: str | None, **details: object) -> None:
        """Write :meth:`run` to ``path`` as JSON; nothing when it is ``None``.

        :param path: the ``--json`` option's value.
        :param details: as for :meth:`run`.
        """
        if path:
            with open(path, "w") as f:
                json.dump(self.run(**details), f, indent=1)
                f.write("\n")


def rate_rows(
    samples: Mapping[tuple[str, str], Sequence[float]], first: str = "app"
) -> list[list[str]]:
    """Return a table of each app's best rate, one column per endpoint.

    :param samples: the rate of each round per ``(app, endpoint)``; apps
        and endpoints in the order they come.
    :param first: the first column's heading.
    """
    names = list(dict.fromkeys(name for name, _ in samples))
    endpoints = list(dict.fromkeys(endpoint for _, endpoint in samples))
    rows = [[first, *endpoints]]
    for name in names:
        best = [max(samples.get((name, e), ()), default=0.0) for e in endpoints]
        rows.append([name, *(_rate(value) for value in best)])
    return rows


def ratio_rows(ratios: Sequence[tuple[str, float, float | None]]) -> list[list[str]]:
    """Return a table of paired ratios, each with its goal and verdict.

    :param ratios: ``(what, ratio, goal or None)`` per row, ``what`` read
        as ``a/b``.
    """
    rows = [["ratio", "median", "goal", "met"]]
    for what, ratio, goal in ratios:
        if goal is None:
            rows.append([what, f"{ratio:.2f}x", "-", "-"])
        else:
            verdict = "PASS" if ratio >= goal else "MISS"
            rows.append([what, f"{ratio:.2f}x", f">={goal:g}x", verdict])
    return rows
