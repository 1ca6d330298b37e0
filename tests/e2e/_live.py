"""Start and stop real servers for the e2e tests, and talk HTTP to them."""

from __future__ import annotations

import http.client
import json
import os
import select
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

#: The only address any of these tests ever contacts.
HOST = "127.0.0.1"
#: Seconds any single network operation may take.
TIMEOUT = 10.0
#: Seconds a server gets to start accepting requests.
START_TIMEOUT = 20.0
#: Seconds a server gets to exit after SIGTERM.
STOP_TIMEOUT = 10.0
#: The repository root: servers start here so ``tests.e2e.app`` imports.
REPO_ROOT = Path(__file__).resolve().parents[2]
APP = "tests.e2e.app:app"

#: Server flavours: each serves the same app object.
SERVERS = ["gunicorn", "gunicorn-gthread", "uvicorn"]
#: The flavours that serve several requests of one client at once.
CONCURRENT_SERVERS = ["gunicorn-gthread", "uvicorn"]


@dataclass
class LiveServer:
    """A server process serving the e2e app on a loopback port."""

    name: str
    port: int
    process: subprocess.Popen[bytes]
    log_path: Path

    @property
    def url(self) -> str:
        """The base URL: ``http://127.0.0.1:<port>``."""
        return f"http://{HOST}:{self.port}"

    def log(self) -> str:
        """Return everything the server printed so far."""
        return self.log_path.read_text(encoding="utf-8", errors="replace")


@dataclass
class Reply:
    """A complete HTTP response read by :func:`fetch`."""

    status: int
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def text(self) -> str:
        """The body decoded as UTF-8."""
        return self.body.decode("utf-8")

    def json(self) -> Any:
        """Return the body parsed as JSON."""
        return json.loads(self.body)


def free_port() -> int:
    """Return a loopback port that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


#: Further flavours for the tests of what servers pass on from the wire:
#: uvicorn with each of its HTTP parsers, and granian's WSGI interface.
WIRE_SERVERS = ["uvicorn-h11", "uvicorn-httptools", "granian-wsgi"]


#: ASGI servers with WebSockets: uvicorn with each of its two WebSocket
#: implementations, and hypercorn.
WEBSOCKET_SERVERS = ["uvicorn-websockets", "uvicorn-wsproto", "hypercorn"]


def _command(name: str, port: int, app: str, threads: int) -> list[str]:
    if name in ("uvicorn-websockets", "uvicorn-wsproto"):
        return [
            *(sys.executable, "-m", "uvicorn", "--host", HOST, "--port", str(port)),
            *("--lifespan", "on", "--ws", name.removeprefix("uvicorn-"), app),
        ]
    if name == "hypercorn":
        return [
            *(sys.executable, "-m", "hypercorn", "--bind", f"{HOST}:{port}"),
            # "asgi:": Python 3.11 cannot mark the dual WSGI/ASGI object as a
            # coroutine function, so hypercorn would guess WSGI.
            *("--graceful-timeout", "5", f"asgi:{app}"),
        ]
    if name.startswith("uvicorn"):
        parser = ("--http", name.removeprefix("uvicorn-")) if "-" in name else ()
        return [
            *(sys.executable, "-m", "uvicorn", "--host", HOST, "--port", str(port)),
            *("--lifespan", "on", *parser, app),
        ]
    if name == "granian-asgi":
        return [
            *(sys.executable, "-m", "granian", "--interface", "asgi"),
            *("--host", HOST, "--port", str(port), "--workers", "1", app),
        ]
    if name == "granian-wsgi":
        return [
            *(sys.executable, "-m", "granian", "--interface", "wsgi"),
            *("--host", HOST, "--port", str(port), "--workers", "1", app),
        ]
    worker = (
        ["-k", "sync"]
        if name == "gunicorn"
        else ["-k", "gthread", "--threads", str(threads)]
    )
    return [
        *(sys.executable, "-m", "gunicorn", "-w", "1", *worker),
        *("-b", f"{HOST}:{port}", "--graceful-timeout", "5"),
        # The default control socket lives in the home directory and is
        # shared by every gunicorn of the user: keep the tests self-contained.
        *("--no-control-socket", app),
    ]


def start_server(
    name: str,
    log_dir: Path,
    env: Mapping[str, str],
    *,
    app: str = APP,
    threads: int = 4,
) -> LiveServer:
    """Start server ``name`` and wait until it answers, or fail with its log.

    The app must answer ``GET /ping`` with 200 once it is ready.

    :param name: one of :data:`SERVERS`.
    :param log_dir: the folder for the server's output.
    :param env: extra environment variables for the server process.
    :param app: the app to serve, as ``module:name``.
    :param threads: the worker threads of gunicorn's gthread worker.
    """
    port = free_port()
    log_path = log_dir / f"{name}-{port}.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            _command(name, port, app, threads),
            cwd=REPO_ROOT,
            env={**os.environ, "PYTHONUNBUFFERED": "1", **env},
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    server = LiveServer(name, port, process, log_path)
    try:
        _wait_until_ready(server)
    except BaseException:
        stop_server(server)
        raise
    return server


def _wait_until_ready(server: LiveServer) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            pytest.fail(
                f"{server.name} exited with {server.process.returncode} before"
                f" serving:\n{server.log()}"
            )
        try:
            # Accepting a connection is not enough: gunicorn's master accepts
            # before its worker has imported the app. Wait for a real answer.
            if fetch(server.url, "GET", "/ping", timeout=1.0).status == 200:
                return
        except OSError:
            pass
        time.sleep(0.05)
    pytest.fail(
        f"{server.name} did not answer within {START_TIMEOUT} s:\n{server.log()}"
    )


def stop_server(server: LiveServer) -> int:
    """Stop the server with SIGTERM, or kill it; return its exit status.

    :param server: the server to stop.
    :raises pytest.fail.Exception: it had to be killed.
    """
    process = server.process
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=STOP_TIMEOUT)
            pytest.fail(
                f"{server.name} ignored SIGTERM for {STOP_TIMEOUT} s and was"
                f" killed:\n{server.log()}"
            )
    assert process.returncode is not None
    return process.returncode


def clean_exit_status(name: str) -> int:
    """Return the exit status of server ``name`` after a graceful SIGTERM stop.

    :param name: one of :data:`SERVERS`.
    """
    # uvicorn shuts down gracefully, then re-raises the signal it caught so
    # that its parent sees why it stopped; gunicorn's master exits with 0.
    return -signal.SIGTERM if name == "uvicorn" else 0


def _port(base_url: str) -> int:
    parts = urlsplit(base_url)
    # SECURITY: these tests must never reach beyond the loopback address.
    assert parts.hostname == HOST, base_url
    assert parts.port is not None, base_url
    return parts.port


def connect(base_url: str, timeout: float = TIMEOUT) -> http.client.HTTPConnection:
    """Return an unopened ``http.client`` connection to the server.

    :param base_url: the server's base URL; it must be on 127.0.0.1.
    :param timeout: seconds each socket operation may take.
    """
    return http.client.HTTPConnection(HOST, _port(base_url), timeout=timeout)


def fetch(
    base_url: str,
    method: str,
    path: str,
    body: bytes | None = None,
    headers: Mapping[str, str] | None = None,
    timeout: float = TIMEOUT,
) -> Reply:
    """Send one request on a fresh connection and read the whole response.

    :param base_url: the server's base URL; it must be on 127.0.0.1.
    :param method: the request method.
    :param path: the path and query string.
    :param body: the request body.
    :param headers: request headers.
    :param timeout: seconds each socket operation may take.
    """
    conn = connect(base_url, timeout)
    try:
        conn.request(method, path, body=body, headers=dict(headers or {}))
        response = conn.getresponse()
        return Reply(response.status, response.headers, response.read())
    finally:
        conn.close()


def raw_exchange(base_url: str, request: bytes) -> bytes:
    """Send raw request bytes and return every byte until the server closes.

    :param base_url: the server's base URL; it must be on 127.0.0.1.
    :param request: the complete request; it should ask for
        ``Connection: close``.
    """
    with socket.create_connection((HOST, _port(base_url)), timeout=TIMEOUT) as sock:
        sock.sendall(request)
        chunks = []
        while data := sock.recv(65536):
            chunks.append(data)
    return b"".join(chunks)


def send_until_answered(
    base_url: str, head: bytes, body: Iterable[bytes]
) -> tuple[Reply | None, bool]:
    """Send a request whose body the server may refuse part way.

    Body pieces are sent only while the server has not answered yet. Returns
    the response (``None`` if the connection was reset before any of it
    could be read) and whether sending was cut short.

    :param base_url: the server's base URL; it must be on 127.0.0.1.
    :param head: the request line and headers, ending in a blank line.
    :param body: the body, in pieces.
    """
    with socket.create_connection((HOST, _port(base_url)), timeout=TIMEOUT) as sock:
        sock.sendall(head)
        cut_short = _send_body(sock, body)
        response = http.client.HTTPResponse(sock, method="POST")
        try:
            response.begin()
            return Reply(response.status, response.headers, response.read()), (
                cut_short
            )
        except ConnectionResetError:
            return None, cut_short
        finally:
            response.close()


def _send_body(sock: socket.socket, body: Iterable[bytes]) -> bool:
    """Send ``body`` until the server answers or stops reading."""
    for piece in body:
        view = memoryview(piece)
        while view:
            readable, writable, _ = select.select([sock], [sock], [], TIMEOUT)
            if readable:
                return True
            if not writable:
                return True
            try:
                view = view[sock.send(view) :]
            except (BrokenPipeError, ConnectionResetError):
                return True
    return False
