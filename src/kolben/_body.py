"""Request body streams: bounded WSGI input, and a body that was refused."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, BinaryIO

from .http.exceptions import BadRequest, RequestEntityTooLarge

if TYPE_CHECKING:
    from .request import Request

_CHUNK = 64 * 1024


def iter_stream(stream: BinaryIO) -> Iterator[bytes]:
    while chunk := stream.read(_CHUNK):
        yield chunk


def wsgi_body_stream(request: Request) -> BinaryIO:
    """Return ``wsgi.input`` bounded by Content-Length and the app's limit."""
    environ = request.environ
    length = request.content_length
    limit = request.max_content_length
    if length is not None and limit is not None and length > limit:
        raise RequestEntityTooLarge(
            f"The request body is {length} bytes; the limit is {limit} bytes."
        )
    raw = environ.get("wsgi.input")
    if raw is None:
        return io.BytesIO()
    if length is not None:
        return LimitedStream(raw, length, None)  # type: ignore[return-value]
    if environ.get("wsgi.input_terminated"):
        # Chunked upload: read to EOF, but never past the limit.
        return LimitedStream(raw, None, limit)  # type: ignore[return-value]
    return io.BytesIO()


class LimitedStream(io.RawIOBase):
    """Read at most ``length`` bytes, or fail past ``limit`` bytes."""

    def __init__(self, raw: Any, length: int | None, limit: int | None) -> None:
        self._raw = raw
        self._remaining = length
        self._limit = limit
        self._read = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        size = len(buffer)
        if self._remaining is not None:
            size = min(size, self._remaining)
        if size == 0:
            return 0
        try:
            data = self._raw.read(size)
        except (OSError, ValueError) as e:
            # A client that resets the connection mid-body makes the server's
            # input raise (ValueError once the server closed it): that is the
            # client's doing, a 400 as for a body cut short, not a logged 500.
            raise BadRequest("The client closed the connection mid-body.") from e
        n = len(data)
        if self._remaining is not None:
            if n == 0:
                raise BadRequest("The client closed the connection mid-body.")
            self._remaining -= n
        self._read += n
        if self._limit is not None and self._read > self._limit:
            raise RequestEntityTooLarge(
                f"The request body is over the limit of {self._limit} bytes."
            )
        buffer[:n] = data
        return n

    def read(self, size: int = -1) -> bytes:
        if size is None or size < 0:
            chunks = []
            while chunk := super().read(_CHUNK):
                chunks.append(chunk)
            return b"".join(chunks)
        return super().read(size) or b""


class FailingStream(io.RawIOBase):
    """A body that was refused: reading it raises the reason (413)."""

    def __init__(self, error: Exception) -> None:
        self._error = error

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        raise self._error
