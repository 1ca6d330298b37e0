"""Run the harnesses under libFuzzer, one subprocess each, one after another.

A long run grows ``fuzz/corpus/<name>/`` in place and writes crashing inputs
to ``fuzz/crashes/`` (git-ignored). A smoke run (``--smoke``, for CI) works
on a temporary copy of the corpus and writes nothing into the checkout.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from fuzz.harnesses import names

__all__ = ["Outcome", "main"]

_ROOT = Path(__file__).parent
_CORPUS = _ROOT / "corpus"
_CRASHES = _ROOT / "crashes"
# Header and body inputs larger than a real server accepts add no coverage.
_MAX_LEN = 8192
_STAT = re.compile(r"stat::(\w+):\s*(\d+)")


@dataclass
class Outcome:
    """What one harness run did: executions, speed and any crash found."""

    name: str
    returncode: int
    seconds: float
    runs: int
    execs_per_sec: int
    crashes: list[Path]
    log: str

    @property
    def failed(self) -> bool:
        """Whether the harness crashed, timed out or could not start."""
        return self.returncode != 0 or bool(self.crashes)


def _libfuzzer_flags(seconds: int, corpus: Path, crashes: Path, name: str) -> list[str]:
    """Return the libFuzzer arguments of one bounded run."""
    return [
        str(corpus),
        f"-max_total_time={seconds}",
        # A parser taking seconds over 8 KiB is a denial of service: a crash.
        "-timeout=10",
        "-rss_limit_mb=2048",
        f"-max_len={_MAX_LEN}",
        f"-artifact_prefix={crashes}/{name}-",
        "-print_final_stats=1",
    ]


def run_one(name: str, seconds: int, corpus: Path, crashes: Path) -> Outcome:
    """Fuzz harness *name* for *seconds* over *corpus*; crashes go to *crashes*.

    :param name: The harness module's name.
    :param seconds: libFuzzer's ``-max_total_time``.
    :param corpus: The corpus directory; new interesting inputs go there.
    :param crashes: The directory for crashing inputs.
    """
    corpus.mkdir(parents=True, exist_ok=True)
    crashes.mkdir(parents=True, exist_ok=True)
    before = set(crashes.glob(f"{name}-*"))
    command = [sys.executable, "-m", "fuzz.harnesses", name]
    command += _libfuzzer_flags(seconds, corpus, crashes, name)
    started = time.monotonic()
    try:
        done = subprocess.run(
            command,
            cwd=_ROOT.parent,
            stdout=subprocess.PIPE,
            # One stream, so the traceback stays next to libFuzzer's report.
            stderr=subprocess.STDOUT,
            text=True,
            errors="replace",
            # Startup and the final merge take a little longer than the budget.
            timeout=seconds + 60,
        )
        returncode, log = done.returncode, done.stdout
    except subprocess.TimeoutExpired as exc:
        # The output of a timed-out run is bytes even in text mode.
        output = exc.stdout or b""
        returncode, log = -1, f"{exc}\n{output.decode(errors='replace')}"
    stats = {key: int(value) for key, value in _STAT.findall(log)}
    return Outcome(
        name=name,
        returncode=returncode,
        seconds=time.monotonic() - started,
        runs=stats.get("number_of_executed_units", 0),
        execs_per_sec=stats.get("average_exec_per_sec", 0),
        crashes=sorted(set(crashes.glob(f"{name}-*")) - before),
        log=log,
    )


def _report(outcome: Outcome) -> None:
    """Print one line per harness, and the details of a failure."""
    status = "FAILED" if outcome.failed else "ok"
    print(
        f"{outcome.name:<18} {outcome.runs:>10} runs {outcome.execs_per_sec:>7}"
        f" exec/s {outcome.seconds:6.1f} s  {status}",
        flush=True,
    )
    if not outcome.failed:
        return
    print(f"--- {outcome.name}: libFuzzer exited with {outcome.returncode}")
    for crash in outcome.crashes:
        print(f"crashing input ({crash}):\n{crash.read_bytes()!r}")
    # atheris prints the Python traceback after this marker; without one
    # (a timeout, out of memory), libFuzzer's summary ends the log.
    lines = outcome.log.splitlines()
    start = next(
        (i for i, line in enumerate(lines) if "Uncaught Python exception" in line),
        max(len(lines) - 40, 0),
    )
    print("\n".join(lines[start : start + 60]), flush=True)


def run(selected: list[str], seconds: int, smoke: bool) -> int:
    """Run every selected harness in turn; return the process exit status.

    :param selected: Harness names; all of them when empty.
    :param seconds: Seconds per harness.
    :param smoke: Work on a temporary copy of the corpus and crash directory.
    """
    unknown = sorted(set(selected) - set(names()))
    if unknown:
        print(f"unknown harnesses {unknown}; known: {', '.join(names())}")
        return 2
    outcomes = []
    with tempfile.TemporaryDirectory(prefix="kolben-fuzz-") as scratch:
        for name in selected or names():
            corpus, crashes = _CORPUS / name, _CRASHES
            if smoke:
                corpus = Path(scratch) / "corpus" / name
                crashes = Path(scratch) / "crashes"
                if (_CORPUS / name).is_dir():
                    shutil.copytree(_CORPUS / name, corpus)
            outcome = run_one(name, seconds, corpus, crashes)
            _report(outcome)
            outcomes.append(outcome)
    total = sum(outcome.runs for outcome in outcomes)
    print(f"{total} runs in {sum(o.seconds for o in outcomes):.1f} s")
    return 1 if any(outcome.failed for outcome in outcomes) else 0


def merge(name: str, found: Path) -> int:
    """Add to ``fuzz/corpus/<name>/`` the inputs in *found* that add coverage.

    libFuzzer's ``-merge=1`` keeps an input of *found* only when it reaches
    code the committed corpus does not, so the corpus stays small enough to
    commit and the next run starts where this one ended.

    :param name: The harness.
    :param found: A corpus directory a long run grew.
    :returns: How many inputs were added.
    """
    corpus = _CORPUS / name
    before = set(corpus.iterdir())
    command = [sys.executable, "-m", "fuzz.harnesses", name, "-merge=1"]
    command += [f"-max_len={_MAX_LEN}", "-timeout=10", str(corpus), str(found)]
    subprocess.run(
        command,
        cwd=_ROOT.parent,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return len(set(corpus.iterdir()) - before)


def main(argv: list[str] | None = None) -> int:
    """Parse the command line of ``python -m fuzz`` and run it.

    :param argv: The arguments after the program name.
    """
    parser = argparse.ArgumentParser(prog="python -m fuzz")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("list", help="print the harness names")
    run_parser = commands.add_parser("run", help="fuzz harnesses one after another")
    run_parser.add_argument("names", nargs="*", help="harnesses to run (default: all)")
    run_parser.add_argument(
        "--smoke",
        action="store_true",
        help="a short bounded run on a temporary copy of the corpus, as CI does",
    )
    run_parser.add_argument(
        "--seconds", type=int, help="seconds per harness (default 2 smoke, 600 long)"
    )
    merge_parser = commands.add_parser(
        "merge", help="add a grown corpus's new-coverage inputs to the committed one"
    )
    merge_parser.add_argument("name", choices=names())
    merge_parser.add_argument("found", type=Path, help="the grown corpus directory")
    args = parser.parse_args(argv)
    if args.command == "list":
        print("\n".join(names()))
        return 0
    if args.command == "merge":
        added = merge(args.name, args.found)
        print(f"{args.name}: {added} inputs added to {_CORPUS / args.name}")
        return 0
    seconds = args.seconds or (2 if args.smoke else 600)
    return run(args.names, seconds, args.smoke)
