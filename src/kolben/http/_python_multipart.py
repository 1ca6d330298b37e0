"""What kolben needs of python-multipart: its parser, quiet logs, plain errors.

python-multipart logs a warning through :mod:`logging` before each error it
raises. With no logging configured, Python's last-resort handler would print
those to standard error, once per malformed request a client sends; kolben
answers such a request with a 400 that says what was wrong, so the warnings
are passed on at DEBUG level to the ``kolben.http.multipart`` logger instead.
Its exception texts ("Did not find CR at end of boundary (5)") are written for
its own developers; :func:`explain` says the same to the client.
"""

from __future__ import annotations

import importlib
import logging
import re
from typing import Any

from ._multipart_lf import MAX_HEADER_COUNT, MAX_HEADER_SIZE

__all__ = ["MultipartParser", "explain", "logger"]

#: Where python-multipart's warnings go, at DEBUG level.
logger = logging.getLogger("kolben.http.multipart")


def _load_parser_class() -> Any:
    """Return python-multipart's MultipartParser class."""
    try:
        from python_multipart.multipart import MultipartParser
    except ImportError:  # pragma: no cover - python-multipart before 0.0.13
        return importlib.import_module("multipart.multipart").MultipartParser
    return MultipartParser


MultipartParser = _load_parser_class()


class _DebugRelay(logging.Handler):
    """Log each record again, at DEBUG, on kolben's multipart logger."""

    def emit(self, record: logging.LogRecord) -> None:
        """Pass *record* on to :data:`logger` at DEBUG level.

        :param record: A record from python-multipart's logger.
        """
        if logger.isEnabledFor(logging.DEBUG):
            logger.debug("python-multipart: %s", record.getMessage())


def _relay_logs() -> None:
    """Send python-multipart's log records to kolben's logger, not stderr."""
    # The parser logs through the logger of the module that defines it.
    source = logging.getLogger(MultipartParser.__module__)
    if not any(isinstance(handler, _DebugRelay) for handler in source.handlers):
        source.addHandler(_DebugRelay())
    # Not propagating keeps the records from the root logger's handlers and
    # from the last-resort handler that prints to stderr.
    source.propagate = False


_relay_logs()

# Each of python-multipart's messages, by its start, and what it means; a
# captured number is the byte the parser refused.
_EXPLANATIONS = [
    (
        "Expected boundary character",
        "the body does not start with the boundary given in the Content-Type"
        " header ({marker!r})",
    ),
    (
        "Did not find CR at end of boundary",
        "the first boundary line has characters after the boundary {marker!r};"
        " the boundary in the body and in the Content-Type header differ",
    ),
    (
        "Did not find LF at end of boundary",
        "the first boundary line {marker!r} ends in CR without LF",
    ),
    (
        "Did not find - at end of boundary",
        "the body starts with {marker!r} and a single '-'; the closing boundary"
        " is {closing!r}",
    ),
    (
        r"Found invalid character (\d+) in header",
        "a part header name contains {byte!r}, which header names may not"
        " contain (is a header line missing its colon?)",
    ),
    ("Found 0-length header", "a part header line has no name before its colon"),
    (
        "Did not find LF character at end of header",
        "a part header line ends in CR without LF",
    ),
    (
        "Did not find LF at end of headers",
        "the blank line after a part's headers ends in CR without LF",
    ),
    (
        "Did not find CRLF after boundary padding",
        "a boundary line has characters after the spaces that follow the boundary",
    ),
    (
        "Maximum header size exceeded",
        f"a part header line is longer than {MAX_HEADER_SIZE} bytes",
    ),
    (
        "Maximum header count exceeded",
        f"a part has more than {MAX_HEADER_COUNT} headers",
    ),
]
_EXPLANATION_RES = [(re.compile(start), text) for start, text in _EXPLANATIONS]


def explain(error: Exception, boundary: bytes) -> str:
    """Say in plain words what a python-multipart parse error means.

    :param error: The exception python-multipart raised.
    :param boundary: The form's boundary, to quote in the explanation.
    :returns: The explanation followed by the original text as detail, or
        the original text alone when it is not one this function knows.
    """
    text = str(error)
    for pattern, explanation in _EXPLANATION_RES:
        match = pattern.match(text)
        if match is not None:
            byte = chr(int(match.group(1))) if pattern.groups else ""
            marker = "--" + boundary.decode("latin-1")
            reason = explanation.format(marker=marker, closing=marker + "--", byte=byte)
            return f"{reason} (parser detail: {text})"
    return text
