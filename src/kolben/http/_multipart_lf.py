"""A multipart parser for bodies whose lines end in a bare LF (or CR).

python-multipart, the parser behind :class:`~kolben.http.forms.MultipartDecoder`,
requires the CRLF line breaks RFC 7578 asks for. Not every client sends them:
Internet Explorer 7, and scripts that build bodies by hand, end the boundary
and header lines with a bare LF, and python-multipart refuses such a body.
Rewriting the line endings before parsing cannot fix that, because a file
part is binary: every LF inside an uploaded JPEG would be rewritten too.

So the decoder uses this parser instead, and only when the body's first
boundary line ends in a bare line break (or in spaces before its CRLF, which
python-multipart refuses too); CRLF bodies keep the fast path.
It parses what Werkzeug's multipart parser parses: line breaks of CRLF, LF
or CR (mixed within one body), spaces or tabs after a boundary, an epilogue
after the closing one. Werkzeug is the reference in the tests, which check
with hypothesis that both give the same fields and files. Header lines
follow python-multipart's rules (token names, at most
:data:`MAX_HEADER_COUNT` headers of :data:`MAX_HEADER_SIZE` bytes), and the
parser emits python-multipart's callbacks (``on_part_begin``,
``on_header_field``, ... ``on_end``), so the decoder applies its limits and
checks to both parsers alike.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

__all__ = [
    "MAX_HEADER_COUNT",
    "MAX_HEADER_SIZE",
    "LFMultipartParser",
    "ParseError",
    "needs_lf_parser",
]

#: The most headers a part may have, as python-multipart allows.
MAX_HEADER_COUNT = 8
#: The longest header line, without its line break, as python-multipart allows.
MAX_HEADER_SIZE = 4096 + 128
# SECURITY: spaces or tabs after a boundary are kept in memory until the line
# break comes; past this many the line is data (or, first, an error).
_MAX_PADDING = 1024

_CR, _LF, _SPACE = 13, 10, 32
_LINE_BREAK = rb"(?:\r\n|\n|\r)"
_LINE_BREAK_RE = re.compile(rb"\r\n?|\n")
_LEADING_BREAKS_RE = re.compile(rb"[\r\n]*")
# What may follow "--boundary" on the first line, like python-multipart skips
# leading line breaks; a closing "--" ends the body at once.
_LINE_END_RE = re.compile(rb"--|[ \t]*" + _LINE_BREAK)
# RFC 9110 token characters, the only ones python-multipart allows in a name.
_TOKEN = (
    b"!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
)

_START, _HEADERS, _DATA, _END = range(4)

Callback = Callable[..., object]


class ParseError(ValueError):
    """The body is not valid multipart; the message says what was wrong."""


class LFMultipartParser:
    """A push parser for multipart bodies with any kind of line break.

    :param boundary: The boundary, without the leading ``--``.
    :param callbacks: python-multipart's callbacks by name; missing ones are
        not called.
    """

    __slots__ = (
        "_buffer",
        "_callbacks",
        "_delimiter",
        "_header_count",
        "_last_break",
        "_marker",
        "_skip",
        "_state",
    )

    def __init__(self, boundary: bytes, callbacks: Mapping[str, Callback]) -> None:
        self._marker = b"--" + boundary
        # Werkzeug's rule: a line break, the marker, then "--" (the end) or
        # optional spaces and a line break.
        self._delimiter = re.compile(
            _LINE_BREAK + re.escape(self._marker) + rb"(--|[ \t]*" + _LINE_BREAK + b")"
        )
        self._callbacks = callbacks
        self._buffer = bytearray()
        self._state = _START
        # The line break that ends the blank line after a part's headers is
        # kept at the start of the data: it may also start the delimiter of
        # an empty part. This many leading bytes are not data.
        self._skip = 0
        self._header_count = 0
        # The line break of the last header line, to check the blank line.
        self._last_break = b""

    def write(self, data: bytes) -> int:
        """Parse the next chunk of the body, calling the callbacks.

        :param data: Any number of bytes.
        :returns: ``len(data)``; everything is consumed or kept for later.
        :raises ParseError: If the body is not valid multipart.
        """
        if self._state == _END:
            return len(data)  # the epilogue is ignored, as RFC 2046 allows
        self._buffer += data
        step = (self._start, self._headers, self._data)
        while self._state != _END and step[self._state]():
            pass
        if self._state == _END:
            self._buffer.clear()
        return len(data)

    def _call(self, name: str, *args: object) -> None:
        callback = self._callbacks.get("on_" + name)
        if callback is not None:
            callback(*args)

    def _start(self) -> bool:
        """Read the first boundary line; return whether to go on."""
        buffer = self._buffer
        # Line breaks before the first boundary are skipped, as both
        # python-multipart and Werkzeug skip them.
        del buffer[: _LEADING_BREAKS_RE.match(buffer).end()]  # type: ignore[union-attr]
        marker = self._marker
        if len(buffer) < len(marker) or not buffer.startswith(marker):
            if not marker.startswith(buffer):
                raise ParseError(
                    "the body does not start with the boundary given in the"
                    f" Content-Type header ({marker.decode('latin-1')!r})"
                )
            return False
        end = _line_end(buffer, len(marker))
        if end is None:
            if len(buffer) > len(marker) + _MAX_PADDING:
                raise ParseError(
                    f"the first boundary line has more than {_MAX_PADDING} spaces"
                    " after the boundary"
                )
            return False
        if end < 0:
            raise ParseError(
                "the first boundary line has characters after the boundary"
                f" {_show(marker)}; the boundary in the body and in the"
                " Content-Type header differ"
            )
        if buffer[len(marker) : end] == b"--":
            self._call("end")
            self._state = _END
            return False
        del buffer[:end]
        self._begin_part()
        return True

    def _begin_part(self) -> None:
        self._call("part_begin")
        self._header_count = 0
        self._last_break = b""
        self._state = _HEADERS

    def _headers(self) -> bool:
        """Read one header line, or the blank line after them."""
        buffer = self._buffer
        match = _LINE_BREAK_RE.search(buffer)
        if match is None or (match.end() == len(buffer) and buffer[-1] == _CR):
            # No line break yet, or a CR whose LF may be in the next chunk.
            if len(buffer) - (match is not None) > MAX_HEADER_SIZE:
                raise _header_too_long()
            return False
        end = match.start()
        if end == 0:
            _check_blank_line(self._last_break, buffer[: match.end()])
            self._call("headers_finished")
            self._skip = match.end()
            self._state = _DATA
            return True
        if end > MAX_HEADER_SIZE:
            raise _header_too_long()
        self._header_line(bytes(buffer[:end]))
        self._last_break = bytes(buffer[end : match.end()])
        del buffer[: match.end()]
        return True

    def _header_line(self, line: bytes) -> None:
        """Emit the callbacks for one ``Name: value`` line."""
        self._header_count += 1
        if self._header_count > MAX_HEADER_COUNT:
            raise ParseError(f"a part has more than {MAX_HEADER_COUNT} headers")
        name, colon, _ = line.partition(b":")
        if not colon:
            raise ParseError(f"a part header line has no colon ({_show(line)})")
        if not name:
            raise ParseError(
                f"a part header line has no name before its colon ({_show(line)})"
            )
        bad = name.translate(None, _TOKEN)
        if bad:
            raise ParseError(
                f"a part header name contains {_show(bad[:1])}, which header"
                f" names may not contain ({_show(name)})"
            )
        start = len(name) + 1
        while start < len(line) and line[start] == _SPACE:
            start += 1
        self._call("header_begin")
        self._call("header_field", line, 0, len(name))
        self._call("header_value", line, start, len(line))
        self._call("header_end")

    def _data(self) -> bool:
        """Pass on part data up to the next delimiter or to a safe point."""
        buffer = self._buffer
        match = self._delimiter.search(buffer)
        if match is None:
            self._emit(self._safe_end())
            return False
        ending = match.group(1)
        if ending != b"--" and match.end() == len(buffer) and buffer[-1] == _CR:
            # "\r" may be the start of "\r\n": wait for the next byte.
            self._emit(match.start())
            return False
        self._emit(match.start())
        self._call("part_end")
        if ending == b"--":
            self._call("end")
            self._state = _END
            return False
        del buffer[: match.end() - match.start()]
        self._begin_part()
        return True

    def _emit(self, end: int) -> None:
        """Pass on the data before *end* and drop it from the buffer."""
        skip = self._skip
        if end > skip:
            self._call("part_data", bytes(self._buffer[skip:end]), 0, end - skip)
        self._skip = max(0, skip - end)
        del self._buffer[:end]

    def _safe_end(self) -> int:
        """Return where a delimiter that the next chunk completes could start.

        Only a line break near the end of the buffer can start one, or the
        line break before a last marker followed by spaces so far.
        """
        buffer = self._buffer
        size = len(buffer)
        low = size - len(self._marker) - 3
        marker = buffer.rfind(self._marker, max(0, low - _MAX_PADDING))
        if marker != -1:
            low = min(low, marker - 2)
        for index in range(max(0, low), size):
            if buffer[index] in b"\r\n" and self._could_start(index):
                return index
        return size

    def _could_start(self, index: int) -> bool:
        """Whether the buffer from *index* on is the start of a delimiter."""
        buffer = self._buffer
        after = index + 1
        if buffer[index] == _CR and after < len(buffer) and buffer[after] == _LF:
            after += 1
        rest = bytes(buffer[after:])
        marker = self._marker
        if len(rest) <= len(marker):
            return marker.startswith(rest)
        if not rest.startswith(marker):
            return False
        tail = rest[len(marker) :]
        return tail == b"-" or (len(tail) <= _MAX_PADDING and not tail.strip(b" \t"))


# The first boundary line's line break is looked for this far into the body;
# a body with none goes to python-multipart, which says what is wrong.
_SNIFF_LIMIT = 256


def needs_lf_parser(head: bytes, final: bool) -> bool | None:
    """Return whether a body needs this parser rather than python-multipart.

    It does when its first boundary line ends in a bare LF or CR, or has
    spaces or tabs before its CRLF (RFC 2046 allows them; python-multipart
    refuses them). Later lines do not count: that line is the one read.

    :param head: The first bytes of a multipart body.
    :param final: Whether the body has no more bytes.
    :returns: ``None`` when the next bytes decide.
    """
    # Both parsers skip line breaks before the first boundary.
    # PERF: a match, not lstrip, which would copy a whole first chunk.
    start = _LEADING_BREAKS_RE.match(head).end()  # type: ignore[union-attr]
    stop = start + _SNIFF_LIMIT
    lf = head.find(b"\n", start, stop)
    cr = head.find(b"\r", start, stop if lf == -1 else lf)
    if cr == -1:
        if lf != -1:
            return True
        return None if not final and len(head) < stop else False
    if cr + 1 < len(head):
        return head[cr + 1] != _LF or (cr > start and head[cr - 1] in b" \t")
    return None if not final else False


def _line_end(buffer: bytearray, start: int) -> int | None:
    """Return the end of a boundary line's ending at *start*.

    :returns: The index after it; ``None`` when the next chunk decides;
        ``-1`` when what follows the boundary is not a line ending.
    """
    match = _LINE_END_RE.match(buffer, start)
    if match is None:
        rest = buffer[start:]
        if rest == b"-" or not rest.strip(b" \t"):
            return None
        return -1
    if match.end() == len(buffer) and buffer[-1] == _CR:
        return None
    return match.end()


def _check_blank_line(before: bytes, blank: bytes | bytearray) -> None:
    """Refuse a blank line that Werkzeug would not see as one.

    Werkzeug ends a part's headers at CRLF CRLF, LF LF or CR CR, so a last
    header line ended by LF and a blank line of CRLF, say, is no end there;
    refusing it keeps the two parsers from reading such a body differently.

    :param before: The last header line's line break; empty if none.
    :param blank: The blank line's line break.
    """
    pair = before + blank
    if before and not any(end in pair for end in (b"\r\n\r\n", b"\n\n", b"\r\r")):
        raise ParseError(
            f"the blank line after a part's headers ends in {_show(bytes(blank))},"
            f" but the header line before it in {_show(before)}"
        )


def _header_too_long() -> ParseError:
    return ParseError(f"a part header line is longer than {MAX_HEADER_SIZE} bytes")


def _show(data: bytes) -> str:
    """Quote header bytes for a message."""
    return repr(data.decode("latin-1"))
