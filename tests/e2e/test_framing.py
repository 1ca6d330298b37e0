"""Bodies that cannot be framed or read, sent on the wire to real servers.

Each shape here answered 500 with a traceback, or was passed on to the app
so that a second, smuggled request rode on the same connection. The tests
speak raw HTTP/1.1 over a socket to 127.0.0.1 only.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator

import pytest

from tests.e2e import app as e2e_app
from tests.e2e._live import (
    HOST,
    LiveServer,
    fetch,
    start_server,
    stop_server,
)

pytestmark = pytest.mark.e2e

#: Every server kolben supports, with both of uvicorn's HTTP parsers.
FRAMING_SERVERS = [
    "gunicorn",
    "gunicorn-gthread",
    "granian-wsgi",
    "uvicorn-h11",
    "uvicorn-httptools",
]
ASGI_SERVERS = {"uvicorn-h11", "uvicorn-httptools"}
# granian (hyper) frames two of these shapes itself, so kolben never sees
# them: it lets Transfer-Encoding win over Content-Length (RFC 9112 6.3
# allows that) and then closes the connection, and it ends a truncated
# chunked body at the client's end of stream. docs/deployment.md says so.
CRASH_MARKERS = ("Traceback", "Exception in ASGI application", "Error handling request")
#: Seconds to wait for more bytes before deciding a connection stays open.
QUIET = 2.0


@pytest.fixture(scope="module", params=FRAMING_SERVERS)
def live_server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    """Start one server for the module; stop it at the end."""
    name = str(request.param)
    server = start_server(name, tmp_path_factory.mktemp(name), {})
    yield server
    stop_server(server)


@pytest.fixture
def server(live_server: LiveServer) -> Iterator[LiveServer]:
    """The server; the test fails if it logged a crash or stopped answering."""
    before = len(live_server.log())
    yield live_server
    assert fetch(live_server.url, "GET", "/ping").status == 200
    output = live_server.log()[before:]
    crashes = [marker for marker in CRASH_MARKERS if marker in output]
    assert not crashes, f"{live_server.name} logged a crash:\n{output}"


def exchange(
    server: LiveServer, data: bytes, *, half_close: bool = False
) -> tuple[bytes, bool]:
    """Send ``data`` and read until the server closes or goes quiet.

    Returns what arrived and whether the server closed the connection.

    :param half_close: shut down the sending side after ``data``, as a
        client that goes away mid-body does.
    """
    with socket.create_connection((HOST, server.port), timeout=10) as sock:
        sock.sendall(data)
        if half_close:
            sock.shutdown(socket.SHUT_WR)
        sock.settimeout(QUIET)
        received = bytearray()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                chunk = sock.recv(65536)
            except TimeoutError:
                return bytes(received), False
            except ConnectionResetError:
                return bytes(received), True
            if not chunk:
                return bytes(received), True
            received += chunk
    return bytes(received), False


def _head(path: str, *headers: str) -> bytes:
    lines = [f"POST {path} HTTP/1.1", f"Host: {HOST}", *headers, "", ""]
    return "\r\n".join(lines).encode()


def _status_lines(received: bytes) -> list[bytes]:
    return [line for line in received.split(b"\r\n") if line.startswith(b"HTTP/1.")]


SMUGGLED = f"GET /hello HTTP/1.1\r\nHost: {HOST}\r\n\r\n".encode()


# -- bodies the server cannot read ----------------------------------------------


@pytest.mark.parametrize("size", [b"zz", b"-7", b"0x7"])
def test_malformed_chunk_size_is_400(server: LiveServer, size: bytes) -> None:
    head = _head(
        "/json",
        "Content-Type: application/json",
        "Transfer-Encoding: chunked",
        "Connection: close",
    )
    received, _ = exchange(server, head + size + b"\r\n{}\r\n0\r\n\r\n")
    assert received.startswith(b"HTTP/1.1 400"), received


def test_chunk_shorter_than_declared_is_400(server: LiveServer) -> None:
    head = _head(
        "/json",
        "Content-Type: application/json",
        "Transfer-Encoding: chunked",
        "Connection: close",
    )
    received, _ = exchange(server, head + b"40\r\n{}", half_close=True)
    if server.name in ASGI_SERVERS:
        # The client left mid-body: the request stops quietly, no answer.
        assert not received.startswith(b"HTTP/1.1 5"), received
    elif server.name == "granian-wsgi":
        # granian hands the app the two bytes as the whole body.
        assert received.startswith(b"HTTP/1.1 200"), received
    else:
        assert received.startswith(b"HTTP/1.1 400"), received


def test_client_gone_mid_body_is_400_or_dropped(server: LiveServer) -> None:
    head = _head(
        "/json",
        "Content-Type: application/json",
        "Content-Length: 100",
        "Connection: close",
    )
    received, _ = exchange(server, head + b'{"a": ', half_close=True)
    if server.name in ASGI_SERVERS:
        assert not received.startswith(b"HTTP/1.1 5"), received
    else:
        assert received.startswith(b"HTTP/1.1 400"), received


# -- request smuggling ------------------------------------------------------------


@pytest.mark.parametrize(
    "framing",
    [
        ("Content-Length: 5", "Transfer-Encoding: chunked"),
        ("Transfer-Encoding: chunked", "Content-Length: 5"),
        ("Content-Length: 5", "Content-Length: 6"),
        ("Content-Length: 5, 6",),
        ("Transfer-Encoding: gzip",),
        ("Transfer-Encoding: chunked, gzip",),
    ],
    ids=["cl-te", "te-cl", "two-cl", "cl-list", "te-gzip", "te-not-final"],
)
def test_ambiguous_framing_is_400_and_nothing_is_smuggled(
    server: LiveServer, framing: tuple[str, ...]
) -> None:
    head = _head("/ignore-body", "Content-Type: text/plain", *framing)
    received, closed = exchange(server, head + b"0\r\n\r\n" + SMUGGLED)
    statuses = _status_lines(received)
    assert statuses, received
    # The request that rode behind the refused one was never served.
    assert b"Hello from kolben!" not in received, received
    assert len(statuses) == 1, received
    # Every server closes the connection, so nothing more rides on it: under
    # ASGI because kolben says Connection: close, under WSGI (which may not
    # say it) because each server does so itself; docs/deployment.md.
    assert closed, f"{server.name} kept the connection open after {framing}"
    names = {line.partition(":")[0] for line in framing}
    if server.name == "granian-wsgi" and len(names) == 2:
        assert statuses[0].startswith(b"HTTP/1.1 200"), received
        return
    assert statuses[0].startswith(b"HTTP/1.1 400"), received
    if server.name in ASGI_SERVERS:
        assert b"connection: close" in received.lower()


def test_equal_content_lengths_are_one_length(server: LiveServer) -> None:
    head = _head(
        "/json",
        "Content-Type: application/json",
        "Content-Length: 2, 2",
        "Connection: close",
    )
    received, _ = exchange(server, head + b"{}")
    # Some servers refuse the list themselves; none may fail or mis-frame.
    assert received.startswith((b"HTTP/1.1 200", b"HTTP/1.1 400")), received


def test_declared_length_over_the_limit_is_413_unread(server: LiveServer) -> None:
    length = 2 * e2e_app.MAX_CONTENT_LENGTH
    head = _head(
        "/ignore-body",
        "Content-Type: application/octet-stream",
        f"Content-Length: {length}",
        "Connection: close",
    )
    # Only the head is sent: the answer cannot have waited for the body.
    received, _ = exchange(server, head)
    assert received.startswith(b"HTTP/1.1 413"), received
    assert str(e2e_app.MAX_CONTENT_LENGTH).encode() in received


def test_a_well_framed_chunked_body_is_read(server: LiveServer) -> None:
    # The refusals above must not catch the chunked bodies every server frames.
    head = _head(
        "/json",
        "Content-Type: application/json",
        "Transfer-Encoding: chunked",
        "Connection: close",
    )
    received, _ = exchange(server, head + b"3\r\n[1,\r\n3\r\n 2]\r\n0\r\n\r\n")
    assert received.startswith(b"HTTP/1.1 200"), received
    assert b'"received":[1,2]' in received
