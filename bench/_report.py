"""Versions, targets and the ratio tables the benchmark scripts print."""

from __future__ import annotations

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
