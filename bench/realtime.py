"""WebSocket echo round trips and server-sent events per second, served.

Usage::

    python -m bench.realtime                  # ~1.5 min: 5 rounds
    python -m bench.realtime --quick          # ~20 s: 1 round
    python -m bench.realtime --frameworks kolben,starlette --rounds 9

kolben, Starlette and Quart (each if installed) serve the same two
endpoints (``bench/realtime_apps/``) under uvicorn, one worker each, side by
side on loopback ports. In each round every framework, in an order that
rotates, gets:

- **echo**: ``--connections`` WebSockets (16) each sending a 32-byte text
  message and waiting for it to come back, as often as it can, for
  ``--seconds`` (2); round trips per second over all of them;
- **sse**: ``--streams`` concurrent requests (2) of ``/events?n=<--events>``
  (20,000 events each), read to the end; events per second.

The client is a minimal hand-written WebSocket and HTTP client on asyncio
streams in this process (no library's per-message cost), so the servers'
share of the machine is as large as it can be. Every answer is checked: an
echo must be the message sent, a stream the exact bytes of the contract.
The ratios are the medians of the per-round ratios (``bench._report``).
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import os
import sys
import time
from collections.abc import Sequence
from importlib.util import find_spec

from . import _report, served
from .realtime_apps import APPS, ECHO_PATH, EVENTS_PATH, expected_stream

HOST = served.HOST
MESSAGE = b"x" * 32
#: kolben's goals, per measurement: at least Starlette.
GOALS = {"starlette": 1.0}
PACKAGES = ("kolben", "starlette", "quart", "uvicorn", "websockets")
MEASURES = ("echo round trips/s", "sse events/s")
#: The same per second of the server's CPU time (user and system).
CPU_MEASURES = ("echo round trips/CPU s", "sse events/CPU s")


class BenchError(Exception):
    """A server failed, or answered other than the contract says."""


class Server(served.Process):
    """uvicorn serving one framework's app on a loopback port."""

    def __init__(self, framework: str, ws: str) -> None:
        self.framework = framework
        self.port = served.free_port(set())
        super().__init__(
            [
                *(sys.executable, "-m", "uvicorn", "--host", HOST, "--port"),
                *(str(self.port), "--workers", "1", "--ws", ws),
                *("--no-access-log", "--log-level", "warning", APPS[framework]),
            ]
        )

    async def wait_ready(self, timeout: float = 20.0) -> None:
        """Wait until the server streams events, or raise with its output."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise BenchError(f"{self.framework} exited:\n{self.output()}")
            try:
                await stream(self.port, 1)
                return
            except OSError:
                await asyncio.sleep(0.1)
        raise BenchError(f"{self.framework}: no answer in {timeout:g} s")

    def cpu_seconds(self) -> float:
        """Return the CPU time the server process has used so far."""
        with open(f"/proc/{self.process.pid}/stat", encoding="ascii") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        # utime and stime, the 14th and 15th fields, in clock ticks.
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# -- the client ------------------------------------------------------------------


def client_frame(payload: bytes, opcode: int = 0x1) -> bytes:
    """Return one masked client frame (FIN set) of a payload under 126 bytes."""
    assert len(payload) < 126
    mask = os.urandom(4)
    masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
    return bytes((0x80 | opcode, 0x80 | len(payload))) + mask + masked


async def ws_connect(
    port: int, path: str
) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    """Open a WebSocket: send the handshake and read the 101."""
    reader, writer = await asyncio.open_connection(HOST, port)
    key = base64.b64encode(os.urandom(16)).decode()
    writer.write(
        (
            f"GET {path} HTTP/1.1\r\nHost: {HOST}:{port}\r\nUpgrade: websocket\r\n"
            f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
            "Sec-WebSocket-Version: 13\r\n\r\n"
        ).encode()
    )
    head = await reader.readuntil(b"\r\n\r\n")
    if not head.startswith(b"HTTP/1.1 101"):
        raise BenchError(f"WebSocket handshake refused: {head!r}")
    return reader, writer


async def echo_for(port: int, seconds: float) -> int:
    """Send messages and read their echoes until ``seconds`` pass; count them."""
    reader, writer = await ws_connect(port, ECHO_PATH)
    want = bytes((0x81, len(MESSAGE))) + MESSAGE
    size = len(want)
    count = 0
    deadline = time.perf_counter() + seconds
    frame = client_frame(MESSAGE)
    while time.perf_counter() < deadline:
        writer.write(frame)
        if await reader.readexactly(size) != want:
            raise BenchError("the echo was not the message sent")
        count += 1
    writer.write(client_frame(b"\x03\xe8", opcode=0x8))  # close, 1000
    try:
        await asyncio.wait_for(reader.read(), 5)
    finally:
        writer.close()
    return count


async def stream(port: int, n: int) -> None:
    """Read ``/events?n=<n>`` to its end; check it is the contract's bytes."""
    reader, writer = await asyncio.open_connection(HOST, port)
    writer.write(
        f"GET {EVENTS_PATH}?n={n} HTTP/1.1\r\nHost: {HOST}:{port}\r\n"
        "Connection: close\r\n\r\n".encode()
    )
    try:
        raw = await reader.read(-1)
    finally:
        writer.close()
    head, _, body = raw.partition(b"\r\n\r\n")
    if not head.startswith(b"HTTP/1.1 200") or b"text/event-stream" not in head:
        raise BenchError(f"not an event stream: {head!r}")
    if b"transfer-encoding: chunked" in head.lower():
        body = dechunk(body)
    if body != expected_stream(n):
        raise BenchError(f"the stream differs from the contract: {body[:200]!r}")


def dechunk(body: bytes) -> bytes:
    """Return the payload of a chunked HTTP body."""
    out: list[bytes] = []
    at = 0
    while True:
        end = body.index(b"\r\n", at)
        size = int(body[at:end].split(b";")[0], 16)
        if size == 0:
            return b"".join(out)
        out.append(body[end + 2 : end + 2 + size])
        at = end + 2 + size + 2


async def measure(server: Server, args: argparse.Namespace) -> dict[str, float]:
    """Return the rates, and the operations per server CPU second, of a server."""
    cpu, started = server.cpu_seconds(), time.perf_counter()
    counts = await asyncio.gather(
        *(echo_for(server.port, args.seconds) for _ in range(args.connections))
    )
    trips = sum(counts)
    echo = trips / (time.perf_counter() - started)
    echo_cpu = server.cpu_seconds() - cpu
    cpu, started = server.cpu_seconds(), time.perf_counter()
    await asyncio.gather(
        *(stream(server.port, args.events) for _ in range(args.streams))
    )
    n = args.streams * args.events
    events = n / (time.perf_counter() - started)
    events_cpu = server.cpu_seconds() - cpu
    return {
        MEASURES[0]: echo,
        MEASURES[1]: events,
        # Operations per second of the server's own CPU time, which other
        # work on the machine disturbs far less than the wall-clock rates.
        CPU_MEASURES[0]: trips / echo_cpu if echo_cpu else 0.0,
        CPU_MEASURES[1]: n / events_cpu if events_cpu else 0.0,
    }


# -- the run ---------------------------------------------------------------------


def _parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.realtime")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=2.0)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--events", type=int, default=20_000)
    parser.add_argument("--streams", type=int, default=2)
    parser.add_argument(
        "--ws", default="websockets-sansio", help="uvicorn's --ws implementation"
    )
    parser.add_argument("--frameworks", default=",".join(APPS))
    parser.add_argument("--quick", action="store_true", help="1 round of 1 s")
    _report.add_json_option(parser)
    args = parser.parse_args(argv)
    if args.quick:
        args.rounds, args.seconds, args.events = 1, 1.0, 10_000
    return args


def installed(frameworks: Sequence[str]) -> list[str]:
    """Return the frameworks whose package is installed, in the given order."""
    return [fw for fw in frameworks if find_spec(fw) is not None]


async def run(
    args: argparse.Namespace, frameworks: list[str]
) -> dict[tuple[str, str], list[float]]:
    """Start the servers, check and warm them, time every round, stop them."""
    servers = [Server(fw, args.ws) for fw in frameworks]
    samples: dict[tuple[str, str], list[float]] = {
        (fw, m): [] for fw in frameworks for m in (*MEASURES, *CPU_MEASURES)
    }
    try:
        for server in servers:
            await server.wait_ready()
            await echo_for(server.port, 0.3)  # checks the echo, and warms up
            await stream(server.port, 1000)
        for r in range(args.rounds):
            shift = r % len(servers)
            for server in servers[shift:] + servers[:shift]:
                for m, value in (await measure(server, args)).items():
                    samples[server.framework, m].append(value)
    finally:
        for server in servers:
            server.stop()
    return samples


def table(frameworks: list[str], samples: dict[tuple[str, str], list[float]]) -> str:
    """Format the best rate of each cell and kolben's paired ratios."""
    return _report.grid(table_rows(frameworks, samples))


def table_rows(
    frameworks: list[str], samples: dict[tuple[str, str], list[float]]
) -> list[list[str]]:
    """Return the rows of :func:`table`, its header first."""
    ratios = _report.paired_ratios(samples)
    others = [fw for fw in frameworks if fw != "kolben"]
    head = ["", *frameworks]
    for other in others:
        head.append(f"kolben/{other}")
        if other in GOALS:
            head.append(f"goal >={GOALS[other]:g}x")
    rows = [head]
    for m in (*MEASURES, *CPU_MEASURES):
        row = [m, *(f"{max(samples[fw, m]):,.0f}" for fw in frameworks)]
        for other in others:
            ratio = ratios.get((other, m))
            row.append(f"{ratio:.2f}x" if ratio else "-")
            if other in GOALS:
                row.append(
                    "-" if not ratio else "PASS" if ratio >= GOALS[other] else "MISS"
                )
        rows.append(row)
    return rows


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark and print its table."""
    args = _parse(argv)
    frameworks = installed(args.frameworks.split(","))
    if "kolben" not in frameworks or len(frameworks) < 2:
        print("needs kolben and at least one of starlette, quart", file=sys.stderr)
        return 2
    missing = sorted(set(args.frameworks.split(",")) - set(frameworks))
    title = f"uvicorn --ws {args.ws}, 1 worker each; {args.rounds} rounds"
    print(title)
    print(_report.PAIRED)
    samples = asyncio.run(run(args, frameworks))
    kept = _report.Tables("realtime", PACKAGES)
    rows = table_rows(frameworks, samples)
    print(
        kept.add("served", title, rows, frameworks, unit="per second").split("\n", 1)[1]
    )
    worst = max(_report.spread(v) for v in samples.values())
    print(f"worst median-to-best spread over the rounds: {worst:.0%}")
    if missing:
        kept.notes.append(f"not installed, left out: {', '.join(missing)}")
        print(kept.notes[-1])
    print(_report.versions(PACKAGES))
    print(_report.machine())
    command = "python -m bench.realtime" + (" --quick" if args.quick else "")
    kept.write(args.json, command=command, rounds=args.rounds, seconds=args.seconds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
