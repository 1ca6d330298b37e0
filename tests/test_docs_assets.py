"""The documentation's generated figures are the ones their scripts make."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType

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


@pytest.mark.parametrize("source", sorted(BENCH.glob("*.json")), ids=lambda p: p.stem)
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
