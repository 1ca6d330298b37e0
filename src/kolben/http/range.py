"""The ``Range``, ``Content-Range`` and ``If-Range`` headers (RFC 9110 14)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from .dates import http_date, parse_date
from .etag import quote_etag, unquote_etag

__all__ = [
    "ContentRange",
    "IfRange",
    "Range",
    "parse_if_range_header",
    "parse_range_header",
]


class Range:
    """A parsed ``Range`` header: a unit and a list of half-open ranges.

    ``bytes=0-499`` is ``(0, 500)``; an open range ``500-`` is
    ``(500, None)``; a suffix ``-500`` (the last 500 bytes) is
    ``(-500, None)``.

    :param units: The range unit, usually ``"bytes"``.
    :param ranges: ``(start, stop)`` pairs as described above.
    """

    __slots__ = ("ranges", "units")

    def __init__(self, units: str, ranges: list[tuple[int, int | None]]) -> None:
        self.units = units
        self.ranges = ranges

    def range_for_length(self, length: int | None) -> tuple[int, int] | None:
        """Return the one requested byte range clamped to *length*.

        Returns ``None`` if the unit is not bytes, several ranges were asked
        for, or the range lies outside the representation (answer 416).

        :param length: The representation's length in bytes.
        """
        if self.units != "bytes" or length is None or len(self.ranges) != 1:
            return None
        start, stop = self.ranges[0]
        if stop is None:
            stop = length
            if start < 0:
                start = max(length + start, 0)
        if not 0 <= start < length or stop <= start:
            return None
        return start, min(stop, length)

    def make_content_range(self, length: int | None) -> ContentRange | None:
        """Return the ``Content-Range`` for :meth:`range_for_length`.

        :param length: The representation's length in bytes.
        """
        rng = self.range_for_length(length)
        if rng is None or length is None:
            return None
        return ContentRange(self.units, rng[0], rng[1], length)

    def to_header(self) -> str:
        """Return the header value, e.g. ``bytes=0-499,-500``."""
        specs = []
        for start, stop in self.ranges:
            if stop is None:
                specs.append(f"{start}" if start < 0 else f"{start}-")
            else:
                specs.append(f"{start}-{stop - 1}")
        return f"{self.units}={','.join(specs)}"

    def to_content_range_header(self, length: int | None) -> str | None:
        """Return the ``Content-Range`` value for *length*, if satisfiable.

        :param length: The representation's length in bytes.
        """
        content_range = self.make_content_range(length)
        return None if content_range is None else content_range.to_header()

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Range):
            return NotImplemented
        return (self.units, self.ranges) == (other.units, other.ranges)

    __hash__ = None  # type: ignore[assignment]

    def __str__(self) -> str:
        return self.to_header()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.to_header()!r}>"


@dataclass(slots=True)
class ContentRange:
    """A ``Content-Range`` value; ``stop`` is exclusive like a slice.

    :param units: The range unit, usually ``"bytes"``.
    :param start: The first byte sent.
    :param stop: One past the last byte sent.
    :param length: The full length, or ``None`` if unknown.
    """

    units: str
    start: int
    stop: int
    length: int | None

    def to_header(self) -> str:
        """Return the header value, e.g. ``bytes 0-499/1234``."""
        length = "*" if self.length is None else str(self.length)
        return f"{self.units} {self.start}-{self.stop - 1}/{length}"

    def __str__(self) -> str:
        return self.to_header()


@dataclass(slots=True)
class IfRange:
    """A parsed ``If-Range`` header: an entity tag or a date, or neither.

    :param etag: The unquoted strong tag, if the header held one.
    :param date: The date, if the header held one.
    """

    etag: str | None = None
    date: datetime | None = None

    def to_header(self) -> str:
        """Return the header value, or ``""`` if empty."""
        if self.date is not None:
            return http_date(self.date)
        if self.etag is not None:
            return quote_etag(self.etag)
        return ""

    def __str__(self) -> str:
        return self.to_header()


def _parse_int(text: str) -> int | None:
    """Return the value of an ASCII digit string, else ``None``."""
    text = text.strip()
    if text and text.isascii() and text.isdigit():
        return int(text)
    return None


def _parse_spec(spec: str) -> tuple[int, int | None] | None:
    """Parse one range spec like ``0-499``, ``500-`` or ``-500``."""
    first, dash, last = spec.partition("-")
    if not dash:
        return None
    if not first.strip():
        suffix = _parse_int(last)
        if not suffix:
            # "-0" asks for nothing; treat it like a malformed header.
            return None
        return -suffix, None
    start = _parse_int(first)
    if start is None:
        return None
    if not last.strip():
        return start, None
    end = _parse_int(last)
    if end is None or end < start:
        return None
    return start, end + 1


def parse_range_header(value: str | None) -> Range | None:
    """Parse a ``Range`` header; ``None`` if missing or invalid.

    A header with any invalid range spec is ignored as a whole, which RFC
    9110 allows. Never raises.

    :param value: The header value, e.g. ``bytes=0-499``.
    """
    if not value:
        return None
    units, eq, specs = value.partition("=")
    units = units.strip().lower()
    if not eq or not units:
        return None
    ranges = []
    for spec in specs.split(","):
        if not spec.strip():
            continue
        parsed = _parse_spec(spec)
        if parsed is None:
            return None
        ranges.append(parsed)
    if not ranges:
        return None
    return Range(units, ranges)


def parse_if_range_header(value: str | None) -> IfRange:
    """Parse an ``If-Range`` header into a date or a strong entity tag.

    A weak tag cannot validate a range (RFC 9110 13.1.5), nor can a tag
    that is not a quoted string, so both give an empty IfRange. Never raises.

    :param value: The header value.
    """
    if not value:
        return IfRange()
    value = value.strip()
    if value[:1] == '"' or value[:2] in ("W/", "w/"):
        etag, weak = unquote_etag(value)
        # A quote left in the tag means it was not one quoted string.
        if weak or etag is None or '"' in etag:
            return IfRange()
        return IfRange(etag=etag)
    return IfRange(date=parse_date(value))
