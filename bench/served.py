"""Requests/second of each framework's app under real servers, via wrk.

Run from the repository root (needs ``wrk``: ``apt-get install wrk``)::

    .venv/bin/python -m bench.served                 # ~5 minutes
    .venv/bin/python -m bench.served --quick         # ~1 minute
    .venv/bin/python -m bench.served --servers gunicorn,uvicorn --duration 5

Each server runs one worker on 127.0.0.1 and a free port; nothing else is
ever targeted. For each server, one instance per framework is started, its
answers are checked and it is warmed up for a second. Then, in each round,
every (framework, endpoint) gets ``wrk -t1 -c32 -d<duration>s``: an
endpoint's frameworks back to back, in an order that rotates from round to
round. The table shows each cell's best round; a ratio is the median of the
per-round ratios (see ``_report.paired_ratios``). The servers are stopped
before the next server's.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from bench import _report, apps

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"  # SECURITY: load only ever goes to loopback.
PACKAGES = ("kolben", "flask", "falcon", "starlette", "gunicorn", "uvicorn", "granian")
_PY = sys.executable


@dataclass(frozen=True)
class Server:
    """A server and how to start it on a port with one worker.

    :param name: the name printed and accepted by ``--servers``.
    :param protocol: the protocol of the apps it serves.
    :param argv: the command, with ``{port}`` and ``{target}`` to fill in.
    """

    name: str
    protocol: str
    argv: tuple[str, ...]

    def command(self, port: int | str, target: str) -> list[str]:
        """Return the command line for ``target`` on ``port``.

        :param port: the loopback port to bind.
        :param target: the app, as ``module:attribute``.
        """
        return [a.format(port=port, target=target, host=HOST) for a in self.argv]


SERVERS = (
    Server(
        "gunicorn",
        "wsgi",
        (_PY, "-m", "gunicorn", "--bind", "{host}:{port}", "--workers", "1")
        + ("--worker-class", "sync", "--log-level", "warning", "{target}"),
    ),
    Server(
        "granian-wsgi",
        "wsgi",
        (_PY, "-m", "granian", "--interface", "wsgi", "--host", "{host}")
        + ("--port", "{port}", "--workers", "1", "--blocking-threads", "1")
        + ("--log-level", "warning", "--no-access-log", "{target}"),
    ),
    Server(
        "uvicorn",
        "asgi",
        (_PY, "-m", "uvicorn", "--interface", "asgi3", "--host", "{host}")
        + ("--port", "{port}", "--workers", "1", "--log-level", "warning")
        + ("--no-access-log", "{target}"),
    ),
    Server(
        "granian-asgi",
        "asgi",
        (_PY, "-m", "granian", "--interface", "asgi", "--host", "{host}")
        + ("--port", "{port}", "--workers", "1", "--log-level", "warning")
        + ("--no-access-log", "{target}"),
    ),
)


@dataclass(frozen=True)
class WrkResult:
    """What one wrk run reported.

    :param rate: requests/second.
    :param requests: the number of requests completed.
    :param non_2xx: responses outside 2xx/3xx.
    :param socket_errors: connect, read, write and timeout errors together.
    """

    rate: float
    requests: int
    non_2xx: int
    socket_errors: int


def parse_wrk(output: str) -> WrkResult:
    """Parse wrk's summary.

    :param output: wrk's standard output.
    :raises ValueError: if there is no ``Requests/sec`` line.
    """
    rate = re.search(r"^Requests/sec:\s+([\d.]+)", output, re.MULTILINE)
    if rate is None:
        raise ValueError(f"wrk printed no Requests/sec line:\n{output}")
    done = re.search(r"^\s*(\d+) requests in", output, re.MULTILINE)
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    return WrkResult(
        rate=float(rate.group(1)),
        requests=int(done.group(1)) if done else 0,
        non_2xx=int(non_2xx.group(1)) if non_2xx else 0,
        socket_errors=sum(int(n) for n in errors.groups()) if errors else 0,
    )


def free_port(taken: set[int]) -> int:
    """Return a loopback port that is free now and not in ``taken``."""
    while True:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            sock.bind((HOST, 0))
            port = int(sock.getsockname()[1])
        if port not in taken:
            taken.add(port)
            return port


def _get(port: int, path: str, timeout: float = 2.0) -> tuple[int, str | None, bytes]:
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        conn.request("GET", path, headers={"Accept": "*/*"})
        response = conn.getresponse()
        return response.status, response.getheader("Content-Type"), response.read()
    finally:
        conn.close()


class ServerError(Exception):
    """A server did not start, or answered differently from the others."""


class Process:
    """A server process started from the repository root, its output kept.

    :param argv: the command.
    """

    def __init__(self, argv: list[str]) -> None:
        self.argv = argv
        self._log: IO[bytes] = tempfile.TemporaryFile()
        # A session of its own, so the server's workers can be killed with it.
        self.process = subprocess.Popen(
            self.argv,
            cwd=ROOT,
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def output(self) -> str:
        """Return what the server printed so far."""
        self._log.seek(0)
        return self._log.read().decode(errors="replace")

    def stop(self) -> None:
        """Terminate the server; kill its process group if it lingers 10 s."""
        pid = self.process.pid
        if self.process.returncode is None:
            # os.kill rather than Popen.terminate, which would reap a leader
            # that already exited; unreaped, its pid (the process group id)
            # cannot be reused, so the killpg below only hits this server.
            if not _exited(pid):
                os.kill(pid, signal.SIGTERM)
            deadline = time.monotonic() + 10
            while not _exited(pid) and time.monotonic() < deadline:
                time.sleep(0.05)
            try:
                os.killpg(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.process.wait()
        self._log.close()


class Running(Process):
    """A server process serving one app on a loopback port.

    :param server: the server to start.
    :param spec: the app to serve.
    :param taken: ports given to other servers of this run, to avoid.
    """

    def __init__(self, server: Server, spec: apps.AppSpec, taken: set[int]) -> None:
        self.port = free_port(taken)
        self.target = spec.target
        super().__init__(server.command(self.port, spec.target))

    def wait_ready(self, timeout: float = 20.0) -> None:
        """Wait until the server answers HTTP, or raise with its output.

        :param timeout: the longest wait, in seconds.
        """
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if _exited(self.process.pid):
                raise ServerError(f"{self.target} exited early:\n{self.output()}")
            try:
                _get(self.port, "/plaintext", timeout=1.0)
                return
            except OSError:
                time.sleep(0.1)
        raise ServerError(
            f"{self.target}: no answer within {timeout:g} s:\n{self.output()}"
        )

    def check_alive(self) -> None:
        """Raise, with the server's output, if the server has exited."""
        if _exited(self.process.pid):
            raise ServerError(f"{self.target} exited:\n{self.output()}")


def _exited(pid: int) -> bool:
    """Tell whether ``pid`` has exited, without reaping it."""
    return os.waitid(os.P_PID, pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is not None


def _wrk(port: int, path: str, seconds: int) -> WrkResult:
    url = f"http://{HOST}:{port}{path}"
    argv = ["wrk", "-t1", "-c32", f"-d{seconds}s", "--timeout", "5s", url]
    done = subprocess.run(
        argv, capture_output=True, text=True, timeout=seconds + 30, check=False
    )
    return parse_wrk(done.stdout)


def _check(port: int, spec: apps.AppSpec) -> list[str]:
    found = []
    for endpoint in (*apps.ENDPOINTS, *apps.CHECK_ONLY):
        answer = _get(port, endpoint.path)
        for problem in apps.problems(endpoint, *answer):
            found.append(f"{spec.framework} GET {endpoint.path}: {problem}")
    return found


Results = dict[tuple[str, str], list[WrkResult]]


def run_server(server: Server, duration: int, rounds: int) -> Results:
    """Serve every app of the server's protocol at once and load them in turn.

    All of the server's apps run side by side (idle while another is
    loaded), so each round can visit every (framework, endpoint) in a
    rotating order and a slow spell of the machine hits all of them alike.

    :param server: the server to run.
    :param duration: seconds of one wrk run.
    :param rounds: wrk runs per (framework, endpoint).
    :raises ServerError: if a server does not start or answers wrongly.
    """
    specs = _specs(server.protocol)
    running: list[tuple[apps.AppSpec, Running]] = []
    taken: set[int] = set()
    try:
        for spec in specs:
            running.append((spec, Running(server, spec, taken)))
        for spec, instance in running:
            instance.wait_ready()
            failures = _check(instance.port, spec)
            if failures:
                raise ServerError(
                    "the apps do not answer alike:\n  "
                    + "\n  ".join(failures)
                    + f"\n{spec.target} printed:\n{instance.output()[-3000:]}"
                )
            _wrk(instance.port, "/plaintext", 1)
        results: Results = {}
        for r in range(rounds):
            print(f"... {server.name}: round {r + 1}", file=sys.stderr, flush=True)
            order = running[r % len(running) :] + running[: r % len(running)]
            for endpoint in apps.ENDPOINTS:
                for spec, instance in order:
                    result = _wrk(instance.port, endpoint.path, duration)
                    instance.check_alive()
                    key = (spec.framework, endpoint.name)
                    results.setdefault(key, []).append(result)
        return results
    finally:
        for _, instance in running:
            try:
                instance.stop()
            except OSError as e:
                # Keep stopping the others; say which one may be left.
                print(f"could not stop {instance.argv}: {e}", file=sys.stderr)


def _parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.served", description=__doc__.split("\n")[0]
    )
    parser.add_argument(
        "--quick", action="store_true", help="1 round of 1 s per cell (~1 minute)"
    )
    parser.add_argument(
        "--duration", type=int, help="seconds of one wrk run (default 2)"
    )
    parser.add_argument(
        "--rounds", type=int, help="wrk runs per (framework, endpoint) (default 3)"
    )
    parser.add_argument(
        "--servers",
        default=",".join(s.name for s in SERVERS),
        help="comma-separated subset of: %(default)s",
    )
    parser.add_argument(
        "--json",
        metavar="PATH",
        help="also write the tables as JSON (scripts/bench_charts.py draws them)",
    )
    args = parser.parse_args(argv)
    args.duration = args.duration or (1 if args.quick else 2)
    args.rounds = args.rounds or (1 if args.quick else 3)
    names = [n.strip() for n in args.servers.split(",") if n.strip()]
    unknown = set(names) - {s.name for s in SERVERS}
    if unknown:
        parser.error(f"unknown servers: {', '.join(sorted(unknown))}")
    args.servers = [s for s in SERVERS if s.name in names]
    return args


def _notes(server: Server, results: Results) -> list[str]:
    """Describe answers of the wrong status class, and socket errors."""
    notes = []
    for endpoint in apps.ENDPOINTS:
        for (framework, name), runs in results.items():
            if name != endpoint.name:
                continue
            requests = sum(r.requests for r in runs)
            non_2xx = sum(r.non_2xx for r in runs)
            bad = requests - non_2xx if endpoint.status >= 400 else non_2xx
            errors = sum(r.socket_errors for r in runs)
            where = f"{server.name} {framework} {endpoint.name}"
            if bad:
                notes.append(
                    f"{where}: {bad} of {requests} responses had an unexpected"
                    " status class"
                )
            if errors:
                notes.append(f"{where}: {errors} socket errors")
    return notes


def _specs(protocol: str) -> tuple[apps.AppSpec, ...]:
    """Return the apps served for ``protocol``: the frameworks', then bare."""
    specs = apps.WSGI_APPS if protocol == "wsgi" else apps.ASGI_APPS
    return (*specs, apps.BARE_APPS[protocol])


def ceiling(protocol: str, samples: dict[tuple[str, str], list[float]]) -> str:
    """Return the line that says how far any framework could get here.

    The no-framework app's rate over the multiple-target framework's (Flask
    for WSGI, Starlette for ASGI) is the largest kolben/that ratio this
    server allows, since no framework does less work than none.

    :param protocol: ``"wsgi"`` or ``"asgi"``.
    :param samples: the rate of each round per ``(framework, endpoint)``.
    """
    other = max(_report.TARGETS[protocol], key=lambda target: target[1])[0]
    ratios = _report.paired_ratios(samples, mine="bare")
    parts = []
    for endpoint in apps.ENDPOINTS:
        ratio = ratios.get((other, endpoint.name))
        parts.append(f"{endpoint.name} {ratio:.2f}x" if ratio else "-")
    return f"ceiling (no framework at all) over {other}: " + ", ".join(parts)


def _table(server: Server, results: Results) -> str:
    samples = {key: [r.rate for r in runs] for key, runs in results.items()}
    rates = {key: max(values) for key, values in samples.items()}
    command = " ".join(server.command("<port>", "<module:app>")).replace(_PY, "python")
    table = _report.ratio_table(
        server.protocol,
        [s.framework for s in _specs(server.protocol)],
        [e.name for e in apps.ENDPOINTS],
        rates,
        _report.paired_ratios(samples),
    )
    return f"{server.name} ({server.protocol.upper()}): {command}\n{table}\n" + ceiling(
        server.protocol, samples
    )


def _section(server: Server, results: Results) -> dict[str, object]:
    """Return one server's table as JSON, with the command that served it."""
    samples = {key: [r.rate for r in runs] for key, runs in results.items()}
    command = " ".join(server.command("<port>", "<module:app>")).replace(_PY, "python")
    return {
        **_report.section(
            [s.framework for s in _specs(server.protocol)],
            [e.name for e in apps.ENDPOINTS],
            samples,
        ),
        "protocol": server.protocol,
        "command": command,
    }


def main(argv: Sequence[str] | None = None) -> int:
    """Run every selected server with every app and print the tables.

    :param argv: command-line arguments; ``sys.argv[1:]`` by default.
    """
    args = _parse(argv)
    if shutil.which("wrk") is None:
        print(
            "bench.served needs wrk on PATH. Install it with: apt-get install wrk",
            file=sys.stderr,
        )
        return 2
    notes: list[str] = []
    tables: list[str] = []
    spreads: list[tuple[float, str]] = []
    sections: dict[str, object] = {}
    for server in args.servers:
        try:
            results = run_server(server, args.duration, args.rounds)
        except ServerError as e:
            print(f"{server.name}: {e}", file=sys.stderr)
            return 1
        tables.append(_table(server, results))
        sections[server.name] = _section(server, results)
        notes += _notes(server, results)
        for (framework, endpoint), runs in results.items():
            value = _report.spread([r.rate for r in runs])
            spreads.append((value, f"{server.name} {framework} {endpoint}"))
    print(_report.versions(PACKAGES))
    print(f"machine at the end of the run: {_report.machine()}")
    print(
        f"served on {HOST}, 1 worker; best of {args.rounds} interleaved rounds of"
        f" wrk -t1 -c32 -d{args.duration}s per cell, after a 1 s warm-up;"
        " req/s (higher is better)"
    )
    print(_report.PAIRED)
    for table in tables:
        print(f"\n{table}")
    if args.rounds > 1 and spreads:
        value, where = max(spreads)
        print(
            f"\nnoise: the median round is at most {value:.1%} below the best ({where})"
        )
    for note in notes:
        print(f"note: {note}")
    if args.json:
        run = {
            "benchmark": "served",
            "versions": _report.versions(PACKAGES),
            "machine": _report.machine(),
            "rounds": args.rounds,
            "duration": args.duration,
            "protocols": sections,
        }
        with open(args.json, "w") as f:
            json.dump(run, f, indent=1)
            f.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
