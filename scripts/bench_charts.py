"""Draw the benchmark page's charts and tables from the benchmarks' JSON.

``python -m bench.inprocess --json docs/_static/bench/inprocess.json`` (and
``bench.served --json ...``) write a run's figures; this script turns each
such file into, per protocol, a bar chart (SVG) and the Markdown table the
page includes beside it, so both always show the same run. The other
scripts (``bench.db``, ``bench.conduit``, ``bench.typed_api``,
``bench.realtime``, ``bench.production``, ``bench.jwt_api``,
``bench.metrics``) write the tables they print (``bench._report.Tables``):
each becomes ``<script>-<table>.md``, the printed cells, and
``<script>-<table>.svg``, a bar per row and charted column. Run from the
repository root::

    python scripts/bench_charts.py     # reads and writes docs/_static/bench/

Needs matplotlib, a documentation-only dependency (``pip install -e '.[docs]'``).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

FOLDER = Path(__file__).resolve().parent.parent / "docs" / "_static" / "bench"

#: One colour per framework, the same in every chart; kolben's stands out.
COLOURS = {
    "kolben": "#c2410c",
    "flask": "#64748b",
    "falcon": "#0f766e",
    "starlette": "#6d28d9",
    "bare": "#a3a3a3",
}
#: The colours of series not in :data:`COLOURS`, in order.
PALETTE = ("#c2410c", "#0f766e", "#64748b", "#6d28d9", "#a16207", "#be185d")
#: The largest over the smallest bar beyond which the axis is logarithmic.
LOG_ABOVE = 50
#: Characters that Markdown reads in a table cell, which is then shown as code.
_MARKUP = set("<*_`[]\\")


def table(section: dict[str, Any]) -> str:
    """Return one protocol's figures as a Markdown table.

    :param section: ``frameworks``, ``endpoints``, ``rates`` and ``ratios``
        of one protocol, as the benchmark scripts write them.
    """
    frameworks = section["frameworks"]
    others = [fw for fw in frameworks if fw in section["ratios"]]
    head = ["endpoint", *[f"{fw} (req/s)" for fw in frameworks]]
    head += [f"kolben / {other}" for other in others]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for endpoint in section["endpoints"]:
        row = [f"`{endpoint}`"]
        for fw in frameworks:
            rate = section["rates"].get(fw, {}).get(endpoint)
            row.append(f"{rate:,.0f}" if rate else "-")
        for other in others:
            ratio = section["ratios"][other].get(endpoint)
            row.append(f"{ratio:.2f}x" if ratio else "-")
        lines.append("| " + " | ".join(row) + " |")
    return "\n".join(lines) + "\n"


def number(cell: str) -> float | None:
    """Return the number a printed cell shows, ``None`` for ``-`` or text.

    :param cell: ``12,345``, ``2.50x``, ``12.5%``, ``0.94x (0.89-0.99)`` or ``-``.
    """
    text = cell.split(" ")[0].replace(",", "").rstrip("x%")
    try:
        return float(text)
    except ValueError:
        return None


def _cell(text: str) -> str:
    code = bool(_MARKUP & set(text))
    text = text.replace("|", "\\|")
    return f"`{text}`" if code else text


def rows_table(printed: dict[str, Any]) -> str:
    """Return a printed table (``bench._report.Tables``) as a Markdown table.

    :param printed: one of a run's ``tables``: its ``rows``, the header first.
    """
    head, *rows = printed["rows"]
    lines = ["| " + " | ".join(_cell(c) for c in head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def rows_section(printed: dict[str, Any]) -> dict[str, Any]:
    """Return the charted columns of a printed table in :func:`chart`'s shape.

    :param printed: as for :func:`rows_table`; its ``chart`` names the
        columns drawn, a bar per row (``-`` draws none).
    """
    head, *rows = printed["rows"]
    columns = printed["chart"]["columns"]
    labels = [row[0] for row in rows]
    values: dict[str, dict[str, float]] = {}
    for column in columns:
        i = head.index(column)
        values[column] = {
            row[0]: value for row in rows if (value := number(row[i])) is not None
        }
    return {"frameworks": columns, "endpoints": labels, "rates": values}


def chart(
    section: dict[str, Any], title: str, out: Path, unit: str = "requests/second"
) -> None:
    """Draw one protocol's rates as grouped horizontal bars, as an SVG.

    :param section: one protocol's figures, as for :func:`table`.
    :param title: the chart's title.
    :param out: the SVG file to write.
    :param unit: what the values count; requests per second are drawn in
        thousands.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import matplotlib.ticker

    # A fixed hash salt keeps the SVG's ids, and so the file, the same
    # from one run to the next.
    plt.rcParams["svg.hashsalt"] = "kolben-bench"
    plt.rcParams["svg.fonttype"] = "none"
    frameworks = section["frameworks"]
    endpoints = section["endpoints"]
    values = [v for rates in section["rates"].values() for v in rates.values()]
    per_second = unit == "requests/second"
    scale = 1000 if per_second and max(values, default=0) >= 10_000 else 1
    label = {
        (True, 1000): "thousand requests per second (higher is better)",
        (True, 1): "requests per second (higher is better)",
    }.get((per_second, scale), unit)
    height = 0.8 / len(frameworks)
    fig, ax = plt.subplots(figsize=(7, 0.9 + 0.75 * len(endpoints)))
    for n, fw in enumerate(frameworks):
        rates = [section["rates"].get(fw, {}).get(e, 0) / scale for e in endpoints]
        ys = [i + n * height for i in range(len(endpoints))]
        colour = COLOURS.get(fw, PALETTE[n % len(PALETTE)])
        ax.barh(ys, rates, height=height * 0.92, label=fw, color=colour)
    ax.set_yticks([i + 0.4 - height / 2 for i in range(len(endpoints))], endpoints)
    ax.invert_yaxis()
    drawn = [v / scale for v in values if v > 0]
    if drawn and max(drawn) / min(drawn) > LOG_ABOVE:
        # Rows of different orders (events and round trips) would leave the
        # smaller ones invisible on a linear axis.
        ax.set_xscale("log")
        label += ", log scale"
    ax.xaxis.set_major_formatter(
        matplotlib.ticker.FuncFormatter(lambda x, _: f"{x:,.10g}")
    )
    ax.set_xlabel(label)
    ax.set_title(title, loc="left", fontsize=11)
    ax.spines[["top", "right"]].set_visible(False)
    ax.grid(axis="x", alpha=0.3)
    ax.legend(
        loc="upper center",
        bbox_to_anchor=(0.5, -0.22 if len(endpoints) < 4 else -0.12),
        ncol=min(len(frameworks), 3),
        frameon=False,
    )
    fig.tight_layout()
    fig.savefig(out, format="svg", metadata={"Date": None})
    plt.close(fig)


def main(argv: list[str] | None = None) -> int:
    """Write a chart and a table per protocol of every JSON file in the folder."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--folder", type=Path, default=FOLDER)
    args = parser.parse_args(argv)
    sources = sorted(args.folder.glob("*.json"))
    if not sources:
        print(f"no benchmark JSON in {args.folder}", file=sys.stderr)
        return 2
    for source in sources:
        run = json.loads(source.read_text())
        for printed in run.get("tables", ()):
            if not printed["chart"]["columns"]:
                continue
            stem = f"{source.stem}-{printed['name']}"
            (args.folder / f"{stem}.md").write_text(rows_table(printed))
            title = f"bench.{run['benchmark']}: {printed['name']}"
            unit = printed["chart"]["unit"]
            chart(rows_section(printed), title, args.folder / f"{stem}.svg", unit)
            print(f"wrote {stem}.md and {stem}.svg")
        for protocol, section in run.get("protocols", {}).items():
            stem = f"{source.stem}-{protocol}"
            (args.folder / f"{stem}.md").write_text(table(section))
            title = f"{run['benchmark']}, {protocol.upper()}"
            chart(section, title, args.folder / f"{stem}.svg")
            print(f"wrote {stem}.md and {stem}.svg")
    return 0


if __name__ == "__main__":
    sys.exit(main())
