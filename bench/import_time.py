"""Time ``import kolben`` against ``import flask`` in fresh interpreters.

Run from the repository root::

    .venv/bin/python -m bench.import_time            # 20 runs each, ~30 s
    .venv/bin/python -m bench.import_time --runs 50

Each run starts a new interpreter. Two measures, interleaved across the
packages run after run: the wall time of ``python -c "import X"`` less that
of ``python -c pass`` (the interpreter's own start-up), and the cumulative
time ``python -X importtime`` reports for the package. Byte-code is cached
in a private temporary folder (``PYTHONPYCACHEPREFIX``), warmed before
timing, so both packages load from ``.pyc`` as in a deployment and nothing
is written next to the sources.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence

from bench import _report

PACKAGES = ("kolben", "flask")


def _run(argv: list[str], env: dict[str, str]) -> tuple[float, str]:
    """Run ``argv``; return its wall time and standard error."""
    start = time.perf_counter()
    done = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"{' '.join(argv)} failed:\n{done.stderr}")
    return elapsed, done.stderr


def parse_importtime(stderr: str, package: str) -> tuple[float, int]:
    """Return the package's cumulative import time (s) and the module count.

    :param stderr: the standard error of ``python -X importtime``.
    :param package: the top-level package imported.
    :raises ValueError: if the package's own line is missing.
    """
    cumulative: float | None = None
    modules = 0
    for line in stderr.splitlines():
        if not line.startswith("import time:") or "[us]" in line:
            continue
        modules += 1
        _, _, rest = line.partition(":")
        _self, cum, name = (part.strip() for part in rest.split("|"))
        if name == package:
            cumulative = int(cum) / 1e6
    if cumulative is None:
        raise ValueError(f"no import time line for {package}:\n{stderr}")
    return cumulative, modules


def _env(cache: str) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = cache
    return env


def measure(runs: int, env: dict[str, str]) -> dict[str, dict[str, list[float]]]:
    """Time each package ``runs`` times, interleaved, rotating the order.

    :param runs: runs per package and measure.
    :param env: the environment of the interpreters.
    """
    py = sys.executable
    names = ("pass", *PACKAGES)
    samples: dict[str, dict[str, list[float]]] = {
        n: {"wall": [], "importtime": [], "modules": []} for n in names
    }
    for r in range(runs):
        order = names[r % len(names) :] + names[: r % len(names)]
        for name in order:
            code = "pass" if name == "pass" else f"import {name}"
            wall, _ = _run([py, "-c", code], env)
            samples[name]["wall"].append(wall)
            if name != "pass":
                _, err = _run([py, "-X", "importtime", "-c", code], env)
                cumulative, modules = parse_importtime(err, name)
                samples[name]["importtime"].append(cumulative)
                samples[name]["modules"].append(modules)
    return samples


def _print(samples: dict[str, dict[str, list[float]]], runs: int) -> None:
    base = statistics.median(samples["pass"]["wall"])
    print(_report.versions(PACKAGES))
    print(f"machine at the end of the run: {_report.machine()}")
    print(
        f"median of {runs} fresh interpreters per package, interleaved;"
        f" byte-code cached; interpreter start-up (python -c pass): {base * 1e3:.1f} ms"
    )
    rows = [["package", "wall - startup", "-X importtime", "modules in process"]]
    values: dict[str, tuple[float, float]] = {}
    for name in PACKAGES:
        wall = statistics.median(samples[name]["wall"]) - base
        cumulative = statistics.median(samples[name]["importtime"])
        modules = statistics.median(samples[name]["modules"])
        values[name] = (wall, cumulative)
        rows.append(
            [
                name,
                f"{wall * 1e3:.1f} ms",
                f"{cumulative * 1e3:.1f} ms",
                f"{modules:.0f}",
            ]
        )
    (kw, ki), (fw, fi) = values["kolben"], values["flask"]
    rows.append(["kolben/flask", f"{kw / fw:.2f}x", f"{ki / fi:.2f}x", ""])
    print(_report.grid(rows))


def main(argv: Sequence[str] | None = None) -> int:
    """Warm the byte-code cache, time the imports and print the table.

    :param argv: command-line arguments; ``sys.argv[1:]`` by default.
    """
    parser = argparse.ArgumentParser(
        prog="python -m bench.import_time", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--runs", type=int, default=20, help="runs per package")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="kolben-bench-pyc-") as cache:
        env = _env(cache)
        for name in PACKAGES:
            _run([sys.executable, "-c", f"import {name}"], env)
        samples = measure(args.runs, env)
    _print(samples, args.runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
