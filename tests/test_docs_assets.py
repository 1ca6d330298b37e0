"""The documentation's generated figures are the ones their scripts make."""

from __future__ import annotations

import importlib.util
import json
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "docs" / "_static" / "bench"


def _script(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


architecture_diagram = _script("architecture_diagram")
bench_charts = _script("bench_charts")


def test_the_committed_architecture_diagram_is_current() -> None:
    assert (ROOT / "docs" / "_static" / "request-path.svg").read_text() == (
        architecture_diagram.draw()
    )


def _runs(key: str) -> list[Path]:
    """The committed benchmark JSON files that hold ``key``."""
    return [p for p in sorted(BENCH.glob("*.json")) if key in json.loads(p.read_text())]


PAGE = ROOT / "docs" / "benchmarks.md"


def test_every_committed_run_is_a_known_shape() -> None:
    runs = sorted(BENCH.glob("*.json"))
    assert runs and set(runs) == {*_runs("protocols"), *_runs("tables")}


@pytest.mark.parametrize("source", _runs("protocols"), ids=lambda p: p.stem)
def test_each_benchmark_table_is_drawn_from_its_json(source: Path) -> None:
    run = json.loads(source.read_text())
    assert run["protocols"], "a benchmark run with no table"
    for name, section in run["protocols"].items():
        table = (BENCH / f"{source.stem}-{name}.md").read_text()
        assert table == bench_charts.table(section)
        assert (BENCH / f"{source.stem}-{name}.svg").exists()
        # Every framework's rate for every endpoint is in the table.
        for fw in section["frameworks"]:
            for endpoint in section["endpoints"]:
                rate = section["rates"][fw].get(endpoint)
                assert rate is None or f"{rate:,.0f}" in table


def test_the_charts_script_writes_a_table_and_a_chart_per_protocol(
    tmp_path: Path,
) -> None:
    run = {
        "benchmark": "inprocess",
        "protocols": {
            "wsgi": {
                "frameworks": ["kolben", "flask"],
                "endpoints": ["json"],
                "rates": {"kolben": {"json": 50_000.0}, "flask": {"json": 5_000.0}},
                "ratios": {"flask": {"json": 9.8}},
            }
        },
    }
    (tmp_path / "inprocess.json").write_text(json.dumps(run))
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "scripts" / "bench_charts.py"),
            "--folder",
            str(tmp_path),
        ],
        check=True,
        capture_output=True,
    )
    assert (
        "| `json` | 50,000 | 5,000 | 9.80x |"
        in (tmp_path / "inprocess-wsgi.md").read_text()
    )
    assert (tmp_path / "inprocess-wsgi.svg").read_text().startswith("<?xml")


@pytest.mark.parametrize("source", _runs("tables"), ids=lambda p: p.stem)
def test_each_printed_table_on_the_page_is_its_json(source: Path) -> None:
    run = json.loads(source.read_text())
    page = PAGE.read_text()
    assert run["tables"], "a benchmark run with no table"
    assert f"python -m bench.{run['benchmark']}" in page, "no command on the page"
    for printed in run["tables"]:
        stem = f"{source.stem}-{printed['name']}"
        if not printed["chart"]["columns"]:
            continue
        table = (BENCH / f"{stem}.md").read_text()
        assert table == bench_charts.rows_table(printed)
        assert (BENCH / f"{stem}.svg").read_text().startswith("<?xml")
        # The page shows the table, and its chart beside it.
        assert f"```{{include}} _static/bench/{stem}.md" in page
        assert f"```{{figure}} _static/bench/{stem}.svg" in page
        section = bench_charts.rows_section(printed)
        for column in printed["chart"]["columns"]:
            assert section["rates"][column], f"{stem}: nothing to draw in {column}"


def test_the_page_shows_no_figure_without_its_json() -> None:
    page = PAGE.read_text()
    shown = re.findall(r"_static/bench/([\w.-]+)\.(?:md|svg)", page)
    assert shown
    runs = {p.stem for p in BENCH.glob("*.json")}
    for stem in shown:
        assert (BENCH / f"{stem}.md").exists() and (BENCH / f"{stem}.svg").exists()
        assert stem.split("-")[0] in runs, f"{stem} is not drawn from a committed run"


def test_the_charts_script_writes_each_printed_tables_files(tmp_path: Path) -> None:
    run: dict[str, Any] = {
        "benchmark": "example",
        "tables": [
            {
                "name": "rates",
                "title": "t",
                "rows": [["app", "/a", "note"], ["kolben", "12,000", "a|b"]]
                + [["flask", "-", "<x>"]],
                "chart": {"columns": ["/a"], "unit": "requests/second"},
            },
            {
                "name": "ratios",
                "title": "t",
                "rows": [["ratio", "median"], ["kolben/flask", "0.94x (0.89-0.99)"]],
                "chart": {"columns": ["median"], "unit": "ratio (x)"},
            },
            {
                "name": "plain",
                "title": "t",
                "rows": [["a"], ["b"]],
                "chart": {"columns": [], "unit": "requests/second"},
            },
        ],
    }
    (tmp_path / "example.json").write_text(json.dumps(run))
    assert bench_charts.main(["--folder", str(tmp_path)]) == 0
    table = (tmp_path / "example-rates.md").read_text()
    assert table.splitlines()[2:] == [
        "| kolben | 12,000 | a\\|b |",
        "| flask | - | `<x>` |",
    ]
    assert bench_charts.rows_section(run["tables"][1])["rates"] == {
        "median": {"kolben/flask": 0.94}
    }
    assert "ratio (x)" in (tmp_path / "example-ratios.svg").read_text()
    assert not (tmp_path / "example-plain.md").exists()
    assert bench_charts.number("n/a") is None
