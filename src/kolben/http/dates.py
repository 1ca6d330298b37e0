"""Formatting and parsing of HTTP dates (RFC 9110 section 5.6.7)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from email.utils import parsedate_to_datetime

__all__ = ["dump_age", "http_date", "parse_age", "parse_date"]

# Day and month names are fixed by the RFC; strftime would follow the locale.
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = (
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "May",
    "Jun",
    "Jul",
    "Aug",
    "Sep",
    "Oct",
    "Nov",
    "Dec",
)


def http_date(timestamp: datetime | date | int | float | None = None) -> str:
    """Format a time as an IMF-fixdate, e.g. ``Sun, 06 Nov 1994 08:49:37 GMT``.

    Naive datetimes are taken as UTC; aware ones are converted to UTC. A
    ``date`` means midnight UTC of that day.

    :param timestamp: A datetime, date or POSIX timestamp; ``None`` means now.
    """
    if timestamp is None:
        dt = datetime.now(UTC)
    elif isinstance(timestamp, datetime):
        if timestamp.tzinfo is None:
            dt = timestamp
        else:
            dt = timestamp.astimezone(UTC)
    elif isinstance(timestamp, date):
        dt = datetime(timestamp.year, timestamp.month, timestamp.day)
    else:
        dt = datetime.fromtimestamp(timestamp, UTC)
    return (
        f"{_DAYS[dt.weekday()]}, {dt.day:02d} {_MONTHS[dt.month - 1]} "
        f"{dt.year:04d} {dt.hour:02d}:{dt.minute:02d}:{dt.second:02d} GMT"
    )


def parse_date(value: str | None) -> datetime | None:
    """Parse an HTTP date into an aware UTC datetime.

    IMF-fixdate, the obsolete RFC 850 format and asctime are accepted, as
    RFC 9110 requires of recipients. Anything unparseable yields ``None``.

    :param value: The header value, or ``None``.
    """
    if not value:
        return None
    try:
        dt = parsedate_to_datetime(value.strip())
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if dt.year < 100:
        # email.utils maps two-digit years to 19xx and 20xx, so a year this
        # small comes only of garbage (a signed year, say); formatted again,
        # it would read as 20xx.
        return None
    if dt.tzinfo is None:
        return dt.replace(tzinfo=UTC)
    try:
        return dt.astimezone(UTC)
    except (ValueError, OverflowError):
        # A far-future or far-past date with an offset can leave the range.
        return None


def parse_age(value: str | None = None) -> timedelta | None:
    """Parse a count of seconds (the ``Age`` header) into a timedelta.

    Anything but a non-negative integer gives ``None``. Never raises.

    :param value: The header value, e.g. ``"3600"``.
    """
    if not value:
        return None
    try:
        seconds = int(value)
        return timedelta(seconds=seconds) if seconds >= 0 else None
    except (ValueError, OverflowError):
        return None


def dump_age(age: timedelta | int | None = None) -> str | None:
    """Format a duration as a whole count of seconds, ``None`` for unknown.

    :param age: Seconds, or a timedelta.
    :raises ValueError: The age is negative.
    """
    if age is None:
        return None
    seconds = int(age.total_seconds()) if isinstance(age, timedelta) else int(age)
    if seconds < 0:
        raise ValueError(f"An age cannot be negative; got {seconds} seconds.")
    return str(seconds)
