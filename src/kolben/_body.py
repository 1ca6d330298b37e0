"""Request bodies: how one is framed, bounded WSGI input, a refused body."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any, BinaryIO

from .http.exceptions import BadRequest, RequestEntityTooLarge

if TYPE_CHECKING:
    from .request import Request

_CHUNK = 64 * 1024

#: What a client is told when the server could not deliver its body.
READ_FAILED = (
    "The server could not read the request body: the client sent a malformed"
    " chunked body or closed the connection before sending all of it."
)


def framing_problem(lengths: Iterable[str], codings: str | None) -> str | None:
    """Return why a request's body framing is refused, or ``None``.

    RFC 9112 6.1 and 6.3: a request with both ``Content-Length`` and
    ``Transfer-Encoding``, with ``Content-Length`` values that are not one
    number, or with a ``Transfer-Encoding`` whose final coding is not
    ``chunked`` cannot be framed reliably. A server in front may have framed
    it differently from the one serving it, which is how requests are
    smuggled; such a request is answered 400 and its connection closed.

    :param lengths: Every ``Content-Length`` value the request carries.
    :param codings: Its ``Transfer-Encoding`` values joined by commas, or
        ``None`` when it has none.
    """
    # SECURITY: request smuggling. Servers disagree on these shapes (some
    # pass CL and TE together to the app), so the app refuses them itself.
    seen: int | None = None
    for value in lengths:
        if codings is not None:
            return (
                "The request has both Content-Length and Transfer-Encoding"
                " headers; send only one of them."
            )
        for item in value.split(","):
            item = item.strip()
            if not (item.isascii() and item.isdigit()):
                return f"The Content-Length header {value!r} is not a number."
            if seen is None:
                seen = int(item)
            elif int(item) != seen:
                return "The request has several Content-Length values that differ."
    if codings is not None:
        final = codings.rpartition(",")[2].strip().lower()
        if final != "chunked":
            return (
                f"The Transfer-Encoding {codings!r} does not end in chunked, so"
                " the length of the body cannot be known."
            )
    return None


def parse_content_length(value: str) -> int:
    """Return the number a ``Content-Length`` value states.

    A list of equal numbers (``5, 5``, what a proxy joining repeated
    headers makes) states one number; see :func:`framing_problem`.

    :raises BadRequest: If the value is not one number.
    """
    if value.isascii() and value.isdigit():
        # PERF: the common case, a plain number.
        return int(value)
    problem = framing_problem((value,), None)
    if problem is not None:
        raise BadRequest(problem)
    return int(value.partition(",")[0])


def refuse_if_too_large(request: Request) -> None:
    """Refuse a request whose declared length is over ``MAX_CONTENT_LENGTH``.

    The 413 is kept as the request's routing error, so it is raised before
    the view (after the before-request hooks, as a 404 would be) and the
    app's error handlers for 413 apply; no byte of the body is read.
    """
    length = request.content_length
    limit = request.max_content_length
    if length is not None and limit is not None and length > limit:
        request.routing_exception = too_large(length, limit)


def too_large(length: int, limit: int) -> RequestEntityTooLarge:
    """Return the 413 for a declared body length over ``MAX_CONTENT_LENGTH``."""
    return RequestEntityTooLarge(
        f"The request body is {length} bytes; the limit is {limit} bytes."
    )


def iter_stream(stream: BinaryIO) -> Iterator[bytes]:
    while chunk := stream.read(_CHUNK):
        yield chunk


def wsgi_body_stream(request: Request) -> BinaryIO:
    """Return ``wsgi.input`` bounded by Content-Length and the app's limit."""
    environ = request.environ
    length = request.content_length
    limit = request.max_content_length
    if length is not None and limit is not None and length > limit:
        raise too_large(length, limit)
    raw = environ.get("wsgi.input")
    if raw is None:
        return io.BytesIO()
    logger = request.app.logger if request.app is not None else None
    if length is not None:
        return LimitedStream(raw, length, None, logger)  # type: ignore[return-value]
    if environ.get("wsgi.input_terminated"):
        # Chunked upload: read to EOF, but never past the limit.
        return LimitedStream(raw, None, limit, logger)  # type: ignore[return-value]
    return io.BytesIO()


class LimitedStream(io.RawIOBase):
    """Read at most ``length`` bytes, or fail past ``limit`` bytes.

    Any error from the server's stream (a malformed chunked body, a client
    gone mid-body) is the client's doing: it becomes a 400, logged at info.
    """

    def __init__(
        self,
        raw: Any,
        length: int | None,
        limit: int | None,
        logger: logging.Logger | None = None,
    ) -> None:
        self._raw = raw
        self._remaining = length
        self._limit = limit
        self._read = 0
        self._logger = logger

    def _fail(self, reason: object) -> BadRequest:
        if self._logger is not None:
            self._logger.info("Could not read the request body: %s", reason)
        return BadRequest(READ_FAILED)

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
        except Exception as e:
            # gunicorn raises its own errors (InvalidChunkSize, NoMoreData,
            # ...), granian and others OSError: all mean the body is broken.
            raise self._fail(f"{type(e).__name__}: {e}") from e
        n = len(data)
        if self._remaining is not None:
            if n == 0:
                raise self._fail("the client closed the connection mid-body")
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
