"""HTTP/1.1 by hand over asyncio streams, for clients that misbehave on purpose.

A client library hides what these tests need to control: when a body stops
half way, when a connection is dropped mid-response, how slowly bytes go out.
Every operation here has a timeout and only 127.0.0.1 is ever contacted.
"""

from __future__ import annotations

import asyncio
import socket
import struct
import time
from dataclasses import dataclass

from tests.e2e._live import HOST

#: Seconds any single exchange may take, connection included.
TIMEOUT = 15.0
#: A connection idle this long is replaced before its next request: servers
#: close idle ones (gunicorn after 2 s), and a request sent just as the server
#: closes is lost. Clients in the wild do the same.
IDLE_REUSE = 1.0


@dataclass
class Answer:
    """A response: its status, its headers (names in lower case) and body."""

    status: int
    headers: dict[str, str]
    body: bytes


async def read_answer(reader: asyncio.StreamReader) -> Answer:
    """Read one response from ``reader``: the head, then the whole body.

    :param reader: the connection's reader, at the start of a response.
    """
    head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1")
    status_line, *lines = head[:-4].split("\r\n")
    headers = {}
    for line in lines:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    if "content-length" in headers:
        body = await reader.readexactly(int(headers["content-length"]))
    elif headers.get("transfer-encoding", "").lower() == "chunked":
        body = await _read_chunked(reader)
    else:
        body = await reader.read()
    return Answer(int(status_line.split(" ", 2)[1]), headers, body)


async def _read_chunked(reader: asyncio.StreamReader) -> bytes:
    chunks = []
    while size := int((await reader.readuntil(b"\r\n")).split(b";")[0], 16):
        chunks.append(await reader.readexactly(size))
        await reader.readexactly(2)
    # The trailer section: header lines until an empty one.
    while await reader.readuntil(b"\r\n") != b"\r\n":
        pass
    return b"".join(chunks)


def request_head(
    method: str, path: str, length: int | None, headers: dict[str, str] | None = None
) -> bytes:
    """Return a request line and headers, ending in the blank line.

    :param method: the request method.
    :param path: the path and query string.
    :param length: the ``Content-Length`` to announce, if any.
    :param headers: more header fields.
    """
    fields = {"Host": HOST, **(headers or {})}
    if length is not None:
        fields["Content-Length"] = str(length)
    lines = "".join(f"{name}: {value}\r\n" for name, value in fields.items())
    return f"{method} {path} HTTP/1.1\r\n{lines}\r\n".encode("latin-1")


async def open_connection(
    port: int,
) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    """Connect to the server on 127.0.0.1:``port``.

    :param port: the server's port.
    """
    async with asyncio.timeout(TIMEOUT):
        return await asyncio.open_connection(HOST, port)


def reset(writer: asyncio.StreamWriter) -> None:
    """Close a connection with a TCP reset, as a crashed client does."""
    sock = writer.get_extra_info("socket")
    if sock is not None:
        # SO_LINGER with a zero timeout: close() sends RST, not FIN.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    writer.transport.abort()


class Connection:
    """A keep-alive connection that sends one request at a time."""

    def __init__(self, port: int) -> None:
        self.port = port
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None
        self._used = 0.0

    async def request(
        self,
        method: str,
        path: str,
        body: bytes = b"",
        headers: dict[str, str] | None = None,
    ) -> Answer:
        """Send a request and read its response, reconnecting if needed.

        :param method: the request method.
        :param path: the path and query string.
        :param body: the request body.
        :param headers: more header fields.
        """
        if self._writer is not None and time.monotonic() - self._used > IDLE_REUSE:
            self.close()
        if self._writer is None:
            self._reader, self._writer = await open_connection(self.port)
        assert self._reader is not None
        length = len(body) if body or method == "POST" else None
        self._writer.write(request_head(method, path, length, headers) + body)
        try:
            async with asyncio.timeout(TIMEOUT):
                await self._writer.drain()
                answer = await read_answer(self._reader)
        except BaseException:
            self.close()
            raise
        self._used = time.monotonic()
        if answer.headers.get("connection", "").lower() == "close":
            self.close()
        return answer

    def close(self) -> None:
        """Close the connection; the next request opens a new one."""
        if self._writer is not None:
            self._writer.close()
        self._reader = self._writer = None
