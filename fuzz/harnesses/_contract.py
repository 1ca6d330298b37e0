"""What every harness checks: only the documented exceptions escape.

A harness calls a parser inside :func:`only_raises` with the exceptions the
parser documents. Anything else propagates, and libFuzzer records the input
as a crash. An :class:`~kolben.http.exceptions.HTTPException` that escapes
must not be a server error: bad input answers 4xx (or a routing redirect),
never 5xx.
"""

from __future__ import annotations

from types import TracebackType

from kolben.http.exceptions import HTTPException

__all__ = ["latin1", "only_raises", "split", "text"]


class only_raises:
    """Swallow the *expected* exceptions; let every other one through.

    A class rather than ``@contextmanager`` so type checkers know that the
    block may be left by a swallowed exception.

    :param expected: The exception classes the code under test documents.
    :raises AssertionError: If an expected HTTPException is a 5xx.
    """

    def __init__(self, *expected: type[BaseException]) -> None:
        self.expected = expected

    def __enter__(self) -> None:
        return None

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> bool:
        if exc is None or not isinstance(exc, self.expected):
            return False
        if isinstance(exc, HTTPException):
            code = exc.code
            assert code is not None and code < 500, f"{code}: {exc!r}"
        return True


def latin1(data: bytes) -> str:
    """Return *data* as WSGI and ASGI give header text: one char per byte."""
    return data.decode("latin-1")


def text(data: bytes) -> str:
    """Return *data* as text a developer or a decoded URL could hold."""
    return data.decode("utf-8", "replace")


def split(data: bytes, parts: int) -> list[bytes]:
    """Split *data* at NUL bytes into exactly *parts* pieces.

    A NUL separates the arguments of one call in a seed file, so a seed stays
    readable; missing pieces are empty, and the last piece keeps the rest.
    """
    pieces = data.split(b"\0", parts - 1)
    return pieces + [b""] * (parts - len(pieces))
