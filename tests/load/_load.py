"""The clients of the load tests: a mix of requests, faults and slow writers.

Each client keeps one connection alive for its ordinary requests and opens a
connection of its own for each fault (an upload it abandons, a stream it
leaves), as real clients that crash or give up do.
"""

from __future__ import annotations

import asyncio
import hashlib
import itertools
import json
import random
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from tests.load._wire import (
    TIMEOUT,
    Answer,
    Connection,
    open_connection,
    read_answer,
    request_head,
    reset,
)

#: The share of each kind of request in every hundred, in a fixed order.
WEIGHTS = {
    "hello": 44,
    "read": 20,
    "sqlite": 15,
    "postgres": 8,
    "stream": 5,
    "stream_abort": 3,
    "upload": 2,
    "upload_abort": 3,
}
MIX = [kind for kind, weight in WEIGHTS.items() for _ in range(weight)]
random.Random(8).shuffle(MIX)

BOUNDARY = "kolben-load-boundary"
#: Larger than the multipart parser keeps in memory: uploads reach the disk.
UPLOAD = random.Random(3).randbytes(600_000)
UPLOAD_BODY = (
    (
        f"--{BOUNDARY}\r\n"
        'Content-Disposition: form-data; name="file"; filename="load.bin"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n"
    ).encode()
    + UPLOAD
    + f"\r\n--{BOUNDARY}--\r\n".encode()
)
UPLOAD_HEADERS = {"Content-Type": f"multipart/form-data; boundary={BOUNDARY}"}
UPLOAD_SHA256 = hashlib.sha256(UPLOAD).hexdigest()
#: How much of the upload an aborting client sends before it leaves.
UPLOAD_ABORT_AT = 560_000
TEXT = {"Content-Type": "text/plain"}


@dataclass
class Ledger:
    """What the clients sent, what the server acknowledged, what went wrong."""

    sent: dict[str, set[str]] = field(
        default_factory=lambda: {"sqlite": set(), "postgres": set()}
    )
    acked: dict[str, set[str]] = field(
        default_factory=lambda: {"sqlite": set(), "postgres": set()}
    )
    answers: Counter[str] = field(default_factory=Counter)
    unexpected: list[str] = field(default_factory=list)
    requests: int = 0
    ids: itertools.count[int] = field(default_factory=itertools.count)

    def check(self, kind: str, answer: Answer, status: int) -> bool:
        """Count ``answer``; note it if its status is not ``status``."""
        self.answers[f"{kind} {answer.status}"] += 1
        if answer.status != status:
            self.unexpected.append(f"{kind}: {answer.status} {answer.body[:300]!r}")
            return False
        return True


class Client:
    """One of the concurrent clients; it runs the requests it is handed."""

    def __init__(self, port: int, ledger: Ledger) -> None:
        self.port = port
        self.ledger = ledger
        self.conn = Connection(port)
        self.last_write: str | None = None

    async def hello(self, n: int) -> None:
        """Ask for a plain page."""
        answer = await self.conn.request("GET", "/hello")
        if self.ledger.check("hello", answer, 200):
            assert answer.body == b"Hello from kolben!", answer

    async def read(self, n: int) -> None:
        """Read back this client's last acknowledged write: it must be there."""
        item = self.last_write or "never-written"
        answer = await self.conn.request("GET", f"/sqlite/{item}")
        self.ledger.check("read", answer, 200 if self.last_write else 404)

    async def write(self, db: str) -> None:
        """Write a row with a new id to ``db``; a 200 acknowledges it."""
        item = f"{db[0]}{next(self.ledger.ids)}"
        self.ledger.sent[db].add(item)
        answer = await self.conn.request("POST", f"/{db}", item.encode(), TEXT)
        if self.ledger.check(db, answer, 200):
            self.ledger.acked[db].add(item)
            if db == "sqlite":
                self.last_write = item

    async def sqlite(self, n: int) -> None:
        """Write a row to SQLite."""
        await self.write("sqlite")

    async def postgres(self, n: int) -> None:
        """Write a row to PostgreSQL."""
        await self.write("postgres")

    async def stream(self, n: int) -> None:
        """Read a short streamed response to its end."""
        answer = await self.conn.request("GET", "/stream?chunks=5&delay=0.005")
        if self.ledger.check("stream", answer, 200):
            assert answer.body.count(b"\n") == 5, answer

    async def upload(self, n: int) -> None:
        """Upload a file larger than the parser keeps in memory."""
        answer = await self.conn.request("POST", "/upload", UPLOAD_BODY, UPLOAD_HEADERS)
        if self.ledger.check("upload", answer, 200):
            assert json.loads(answer.body) == {"sha256": UPLOAD_SHA256}, answer

    async def stream_abort(self, n: int) -> None:
        """Leave a long stream after its first chunk, by FIN or by reset."""
        path = "/stream?chunks=500&delay=0.01"
        reader, writer = await open_connection(self.port)
        try:
            writer.write(request_head("GET", path, None))
            async with asyncio.timeout(TIMEOUT):
                await reader.readuntil(b"chunk 0 ")
        finally:
            self._leave(writer, n)
        self.ledger.answers["stream_abort"] += 1

    async def upload_abort(self, n: int) -> None:
        """Send most of an upload, then leave, by FIN or by reset."""
        head = request_head("POST", "/upload", len(UPLOAD_BODY), UPLOAD_HEADERS)
        _, writer = await open_connection(self.port)
        try:
            writer.write(head + UPLOAD_BODY[:UPLOAD_ABORT_AT])
            async with asyncio.timeout(TIMEOUT):
                await writer.drain()
        finally:
            self._leave(writer, n)
        self.ledger.answers["upload_abort"] += 1

    @staticmethod
    def _leave(writer: asyncio.StreamWriter, n: int) -> None:
        if n % 4 < 2:
            reset(writer)
        else:
            writer.close()


Operation = Callable[[Client, int], Awaitable[None]]
OPERATIONS: dict[str, Operation] = {kind: getattr(Client, kind) for kind in WEIGHTS}


async def run_clients(
    port: int, clients: int, count: int, ledger: Ledger, budget: float
) -> None:
    """Send ``count`` requests of the mix from ``clients`` concurrent clients.

    :param port: the server's port on 127.0.0.1.
    :param clients: how many clients run at once.
    :param count: how many requests they send in all.
    :param ledger: where the answers are counted.
    :param budget: seconds they may take; past that they are stopped.
    """
    numbers = iter(range(ledger.requests, ledger.requests + count))

    async def client_loop() -> None:
        client = Client(port, ledger)
        try:
            for n in numbers:
                kind = MIX[n % len(MIX)]
                try:
                    await OPERATIONS[kind](client, n)
                except Exception as e:
                    # Any failure of a request is recorded; the tests fail on it.
                    ledger.unexpected.append(f"{kind}: {e!r}")
                    client.conn.close()
                ledger.requests += 1
        finally:
            client.conn.close()

    async with asyncio.timeout(budget), asyncio.TaskGroup() as group:
        for _ in range(clients):
            group.create_task(client_loop())


async def slow_writes(port: int, count: int, ledger: Ledger) -> list[float]:
    """Write ``count`` rows a byte a second while a client keeps asking.

    Returns how long each of the other client's requests took meanwhile.

    :param port: the server's port on 127.0.0.1.
    :param count: how many slow clients there are.
    :param ledger: where their writes are recorded.
    """
    started = [asyncio.Event() for _ in range(count)]

    async def slow_client(number: int) -> None:
        item = f"s{number:04d}"
        ledger.sent["sqlite"].add(item)
        reader, writer = await open_connection(port)
        try:
            headers = {**TEXT, "Connection": "close"}
            writer.write(request_head("POST", "/sqlite", len(item), headers))
            for i, byte in enumerate(item.encode()):
                if i:
                    await asyncio.sleep(1.0)
                writer.write(bytes([byte]))
                await writer.drain()
                started[number].set()
            async with asyncio.timeout(TIMEOUT):
                answer = await read_answer(reader)
        finally:
            writer.close()
        if ledger.check("slow", answer, 200):
            ledger.acked["sqlite"].add(item)

    async def probe(writers: list[asyncio.Task[None]]) -> list[float]:
        for event in started:
            await event.wait()
        conn, durations = Connection(port), []
        try:
            while not all(task.done() for task in writers):
                begin = time.monotonic()
                answer = await conn.request("GET", "/hello")
                durations.append(time.monotonic() - begin)
                ledger.check("probe", answer, 200)
                await asyncio.sleep(0.05)
        finally:
            conn.close()
        return durations

    async with asyncio.timeout(4 * 1.0 + 2 * TIMEOUT), asyncio.TaskGroup() as group:
        writers = [group.create_task(slow_client(i)) for i in range(count)]
        durations = group.create_task(probe(writers))
    return durations.result()


#: The figures the load tests measured, for the summary at the end of the run.
REPORT: list[str] = []
