"""The ``Range``, ``Content-Range`` and ``If-Range`` headers (RFC 9110 14)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from .dates import http_date, parse_date
from .etag import quote_etag, unquote_etag

__all__ = [
    "ContentRange",
    "IfRange",
    "Range",
    "is_byte_range_valid",
    "parse_content_range_header",
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
        """Take the unit and the ``(start, stop)`` ranges."""
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
        """Compare unit and ranges with another range."""
        if not isinstance(other, Range):
            return NotImplemented
        return (self.units, self.ranges) == (other.units, other.ranges)

    __hash__ = None  # type: ignore[assignment]

    def __str__(self) -> str:
        """Return the header value."""
        return self.to_header()

    def __repr__(self) -> str:
        """Return a representation for debugging."""
        return f"<{type(self).__name__} {self.to_header()!r}>"


class ContentRange:
    """A ``Content-Range`` value; ``stop`` is exclusive like a slice.

    A response's :attr:`~kolben.response.Response.content_range` passes
    ``on_update``, so that changing a field rewrites the header. An unset
    range (``units`` is ``None``) is false and gives an empty header.

    :param units: The range unit, usually ``"bytes"``; ``None`` when unset.
    :param start: The first byte sent; ``None`` for ``bytes */length``.
    :param stop: One past the last byte sent.
    :param length: The full length, or ``None`` if unknown.
    :param on_update: Called with the range after each change.
    """

    __slots__ = ("length", "on_update", "start", "stop", "units")

    units: str | None
    start: int | None
    stop: int | None
    length: int | None

    def __init__(
        self,
        units: str | None,
        start: int | None,
        stop: int | None,
        length: int | None = None,
        on_update: Callable[[ContentRange], None] | None = None,
    ) -> None:
        """Take the unit, the range, the full length, and a change callback."""
        object.__setattr__(self, "on_update", None)
        self.set(start, stop, length, units)
        self.on_update = on_update

    def __setattr__(self, name: str, value: Any) -> None:
        """Set an attribute and report the change to the callback."""
        object.__setattr__(self, name, value)
        if name != "on_update" and self.on_update is not None:
            self.on_update(self)

    def set(
        self,
        start: int | None,
        stop: int | None,
        length: int | None = None,
        units: str | None = "bytes",
    ) -> None:
        """Set every field at once, telling ``on_update`` once.

        :param start: See the class.
        :param stop: See the class.
        :param length: See the class.
        :param units: See the class.
        """
        if not is_byte_range_valid(start, stop, length):
            raise ValueError(
                f"The range {start}-{stop} of {length} is not valid: start and"
                " stop must both be given (0 <= start < stop) or both be None."
            )
        setter = object.__setattr__
        setter(self, "units", units)
        setter(self, "start", start)
        setter(self, "stop", stop)
        setter(self, "length", length)
        if self.on_update is not None:
            self.on_update(self)

    def unset(self) -> None:
        """Clear the range, which removes a response's header."""
        self.set(None, None, units=None)

    def to_header(self) -> str:
        """Return the header value, e.g. ``bytes 0-499/1234``."""
        if self.units is None:
            return ""
        length = "*" if self.length is None else str(self.length)
        if self.start is None or self.stop is None:
            return f"{self.units} */{length}"
        return f"{self.units} {self.start}-{self.stop - 1}/{length}"

    def __bool__(self) -> bool:
        """Tell whether the value has a unit, i.e. is set."""
        return self.units is not None

    def __eq__(self, other: object) -> bool:
        """Compare with another ``ContentRange``."""
        if not isinstance(other, ContentRange):
            return NotImplemented
        return (self.units, self.start, self.stop, self.length) == (
            other.units,
            other.start,
            other.stop,
            other.length,
        )

    __hash__ = None  # type: ignore[assignment]

    def __str__(self) -> str:
        """Return the header value."""
        return self.to_header()

    def __repr__(self) -> str:
        """Return a representation for debugging."""
        return f"<{type(self).__name__} {self.to_header()!r}>"


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
        """Return the header value."""
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


def is_byte_range_valid(
    start: int | None, stop: int | None, length: int | None
) -> bool:
    """Return whether ``start``-``stop`` is a valid range of ``length`` bytes.

    :param start: The first byte, or ``None`` with ``stop`` for no range.
    :param stop: One past the last byte.
    :param length: The full length, or ``None`` if unknown.
    """
    if (start is None) != (stop is None):
        return False
    if start is None or stop is None:
        return length is None or length >= 0
    if length is None:
        return 0 <= start < stop
    return 0 <= start < stop and start < length


def parse_content_range_header(
    value: str | None, on_update: Callable[[ContentRange], None] | None = None
) -> ContentRange | None:
    """Parse a ``Content-Range`` header; ``None`` if missing or invalid.

    Never raises.

    :param value: The header value, e.g. ``bytes 0-499/1234``.
    :param on_update: See :class:`ContentRange`.
    """
    if value is None:
        return None
    units, _, spec = value.strip(" \t").partition(" ")
    rng, slash, length_text = spec.partition("/")
    if not slash:
        return None
    length = None if length_text == "*" else _parse_plain_int(length_text)
    if length is None and length_text != "*":
        return None
    if rng == "*":
        if not is_byte_range_valid(None, None, length):
            return None
        return ContentRange(units, None, None, length, on_update=on_update)
    first, dash, last = rng.partition("-")
    start, end = _parse_plain_int(first), _parse_plain_int(last)
    if not dash or start is None or end is None:
        return None
    if not is_byte_range_valid(start, end + 1, length):
        return None
    return ContentRange(units, start, end + 1, length, on_update=on_update)


def _parse_plain_int(text: str) -> int | None:
    """Return the value of unsigned ASCII digits, as the header grammar has."""
    if text and text.isascii() and text.isdigit():
        return int(text)
    return None
