"""Argument types for :mod:`kolben.rest.reqparse`: Flask-RESTful's ``inputs``.

Each is a callable that takes the raw value (a string from a query, form or
header, or any JSON value) and returns the converted value, or raises
``ValueError`` with the message the 400 response carries::

    parser.add_argument("page", type=inputs.natural, default=0)
    parser.add_argument("active", type=inputs.boolean)
    parser.add_argument("homepage", type=inputs.url)

The messages are Flask-RESTful's. Dates and intervals are parsed with the
standard library (Flask-RESTful uses aniso8601 and pytz); returned times are
timezone-aware UTC where Flask-RESTful's are.
"""

from __future__ import annotations

import calendar
import re
from datetime import UTC, datetime, time, timedelta
from datetime import date as _date
from email.utils import mktime_tz, parsedate_tz
from typing import Any

__all__ = [
    "boolean",
    "date",
    "datetime_from_iso8601",
    "datetime_from_rfc822",
    "email",
    "int_range",
    "iso8601interval",
    "natural",
    "positive",
    "regex",
    "url",
]

#: The start of a day, in UTC: how a date becomes a datetime in an interval.
START_OF_DAY = time(0, 0, 0, tzinfo=UTC)
#: The last moment of a day, in UTC.
END_OF_DAY = time(23, 59, 59, 999999, tzinfo=UTC)

_HOST_LABEL = r"(?!-)[A-Za-z0-9-]{1,63}(?<!-)"
_DOMAIN = re.compile(rf"^(?:{_HOST_LABEL}\.)+(?!-)[A-Za-z0-9-]{{2,63}}(?<!-)\.?$")
_IPV4 = re.compile(r"^\d{1,3}(?:\.\d{1,3}){3}$")
_IPV6 = re.compile(r"^\[[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*\]$")
_URL = re.compile(
    r"^(?P<scheme>https?|ftps?)://"
    r"(?:[^:@/\s]+(?::[^@/\s]*)?@)?"  # user and password
    r"(?P<host>\[[^\]/\s]*\]|[^:/?#\s]+)"
    r"(?::\d+)?"
    r"(?:[/?#]\S*)?$",
    re.IGNORECASE,
)
_EMAIL = re.compile(
    r"^(?![.])(?!.*[.]{2})[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]{1,64}(?<![.])"
    rf"@(?:{_HOST_LABEL}\.)+[A-Za-z]{{2,63}}$"
)
_DURATION = re.compile(
    r"^P(?!$)(?:(?P<years>\d+)Y)?(?:(?P<months>\d+)M)?(?:(?P<weeks>\d+(?:[.,]\d+)?)W)?"
    r"(?:(?P<days>\d+(?:[.,]\d+)?)D)?"
    r"(?:T(?=\d)(?:(?P<hours>\d+(?:[.,]\d+)?)H)?(?:(?P<minutes>\d+(?:[.,]\d+)?)M)?"
    r"(?:(?P<seconds>\d+(?:[.,]\d+)?)S)?)?$"
)


def _valid_host(host: str) -> bool:
    if host.lower() == "localhost" or _IPV6.match(host):
        return True
    if _IPV4.match(host):
        return all(int(part) <= 255 for part in host.split("."))
    return bool(_DOMAIN.match(host))


def _is_url(value: str) -> bool:
    found = _URL.match(value)
    return found is not None and _valid_host(found["host"])


def url(value: Any) -> str:
    """Return ``value`` if it is an http(s) or ftp(s) URL with a valid host.

    :param value: the URL to check.
    :raises ValueError: it is not such a URL; the message suggests the
        ``http://`` form when adding it would make one.
    """
    if not isinstance(value, str) or not _is_url(value):
        message = f"{value} is not a valid URL"
        if isinstance(value, str) and _is_url("http://" + value):
            message += f". Did you mean: http://{value}"
        raise ValueError(message)
    return value


def email(value: Any) -> str:
    """Return ``value`` if it looks like an email address on a domain.

    Only the syntax is checked (no DNS lookups): a local part of the usual
    characters and a domain with a top-level label.

    :param value: the address to check.
    :raises ValueError: it is not such an address.
    """
    if not isinstance(value, str) or not _EMAIL.match(value):
        raise ValueError(f"{value} is not a valid email")
    return value


class regex:
    """Accept strings that match a regular expression.

    Example::

        parser.add_argument("code", type=inputs.regex(r"^[0-9]+$"))

    :param pattern: the regular expression; searched for, so anchor it to
        match the whole value.
    :param flags: ``re`` flags.
    """

    def __init__(self, pattern: str, flags: int = 0) -> None:
        """Take the pattern and its ``re`` flags."""
        self.pattern = pattern
        self.flags = flags
        self.re = re.compile(pattern, flags)

    def __call__(self, value: Any) -> str:
        """Return ``value`` if the expression matches it, else raise ValueError."""
        if not isinstance(value, str) or not self.re.search(value):
            raise ValueError(f'Value does not match pattern: "{self.pattern}"')
        return value

    def __deepcopy__(self, memo: dict[int, Any]) -> regex:
        """Return a new validator with the same pattern and flags."""
        return regex(self.pattern, self.flags)


def date(value: Any) -> datetime:
    """Parse a date written ``YYYY-mm-dd``, as a datetime at midnight.

    :param value: the date.
    :raises ValueError: it is not such a date.
    """
    if not isinstance(value, str):
        raise ValueError(f"time data {value!r} does not match format '%Y-%m-%d'")
    return datetime.strptime(value, "%Y-%m-%d")


def _get_integer(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError, OverflowError):
        raise ValueError(f"{value} is not a valid integer") from None


def natural(value: Any, argument: str = "argument") -> int:
    """Accept the natural numbers: 0, 1, 2, ...

    :param value: the number.
    :param argument: the name the error message uses.
    :raises ValueError: it is not an integer, or it is negative.
    """
    number = _get_integer(value)
    if number < 0:
        raise ValueError(
            f"Invalid {argument}: {number}. {argument} must be a non-negative integer"
        )
    return number


def positive(value: Any, argument: str = "argument") -> int:
    """Accept the positive integers: 1, 2, 3, ...

    :param value: the number.
    :param argument: the name the error message uses.
    :raises ValueError: it is not an integer, or it is below 1.
    """
    number = _get_integer(value)
    if number < 1:
        raise ValueError(
            f"Invalid {argument}: {number}. {argument} must be a positive integer"
        )
    return number


class int_range:
    """Accept integers from ``low`` to ``high``, both included.

    Example::

        parser.add_argument("per_page", type=inputs.int_range(1, 100))

    :param low: the smallest value accepted.
    :param high: the largest value accepted.
    :param argument: the name the error message uses.
    """

    def __init__(self, low: int, high: int, argument: str = "argument") -> None:
        """Take the bounds and the argument's name for the error message."""
        self.low = low
        self.high = high
        self.argument = argument

    def __call__(self, value: Any) -> int:
        """Return ``value`` as an int if it is in range, else raise ValueError."""
        number = _get_integer(value)
        if number < self.low or number > self.high:
            arg = self.argument
            raise ValueError(
                f"Invalid {arg}: {number}. {arg} must be within the range"
                f" {self.low} - {self.high}"
            )
        return number


def boolean(value: Any) -> bool:
    """Parse ``"true"``/``"1"`` and ``"false"``/``"0"``, in any case.

    A JSON ``true`` or ``false`` passes through as it is.

    :param value: the value.
    :raises ValueError: anything else.
    """
    if isinstance(value, bool):
        return value
    if not value:
        raise ValueError("boolean type must be non-null")
    lowered = value.lower() if isinstance(value, str) else value
    if lowered in ("true", "1"):
        return True
    if lowered in ("false", "0"):
        return False
    raise ValueError(f"Invalid literal for boolean(): {value}")


def datetime_from_rfc822(datetime_str: Any) -> datetime:
    """Parse an RFC 822 date, such as ``"Wed, 02 Oct 2002 08:00:00 EST"``.

    :param datetime_str: the date.
    :return: the time, timezone-aware, in UTC.
    :raises ValueError: it is not such a date.
    """
    parsed = parsedate_tz(datetime_str) if isinstance(datetime_str, str) else None
    try:
        if parsed is None:
            raise ValueError
        return datetime.fromtimestamp(mktime_tz(parsed), UTC)
    except (ValueError, OverflowError, OSError):
        raise ValueError(f"{datetime_str} is not a valid RFC 822 date") from None


def datetime_from_iso8601(datetime_str: Any) -> datetime:
    """Parse an ISO 8601 date and time, such as ``"2012-01-01T23:30:00+02:00"``.

    :param datetime_str: the date and time; the offset is optional.
    :return: the time, timezone-aware if the string has an offset.
    :raises ValueError: it is not such a date and time.
    """
    parsed = _iso_date_or_datetime(datetime_str)
    if not isinstance(parsed, datetime):
        raise ValueError(f"{datetime_str} is not a valid ISO 8601 datetime")
    return parsed


def _iso_date_or_datetime(value: Any) -> _date:
    if isinstance(value, str) and 8 <= len(value) <= 40:
        try:
            if "T" in value.upper()[8:]:
                return datetime.fromisoformat(value)
            return _date.fromisoformat(value)
        except ValueError:
            pass
    raise ValueError(f"{value} is not a valid ISO 8601 datetime")


def _add_months(moment: _date, months: int) -> _date:
    years, month = divmod(moment.month - 1 + months, 12)
    year = moment.year + years
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def _shift(moment: _date, duration: str, sign: int) -> _date:
    """Move ``moment`` by an ISO 8601 duration; years and months by calendar."""
    found = _DURATION.match(duration)
    if found is None:
        raise ValueError(duration)
    parts = {k: float(v.replace(",", ".")) for k, v in found.groupdict().items() if v}
    months = int(parts.pop("years", 0)) * 12 + int(parts.pop("months", 0))
    delta = timedelta(**parts)
    if delta % timedelta(days=1) and not isinstance(moment, datetime):
        moment = datetime.combine(moment, START_OF_DAY)
    moment = _add_months(moment, sign * months)
    return moment + delta if sign > 0 else moment - delta


def _parse_interval(value: str) -> tuple[_date, _date | None]:
    start_text, slash, end_text = value.partition("/")
    if not slash:
        return _iso_date_or_datetime(value), None
    if start_text.startswith("P"):
        end = _iso_date_or_datetime(end_text)
        return _shift(end, start_text, -1), end
    start = _iso_date_or_datetime(start_text)
    if end_text.startswith("P"):
        return start, _shift(start, end_text, 1)
    end = _iso_date_or_datetime(end_text)
    return (start, end) if _as_utc(start) <= _as_utc(end) else (end, start)


def _expand(start: _date, value: str) -> _date:
    """Return the end of the span a single date or datetime stands for."""
    if not isinstance(start, datetime):
        return start + timedelta(days=1)
    clock = re.sub(r"[+-].*|Z$", "", value.upper().partition("T")[2])
    return (
        start
        + [
            timedelta(hours=1),
            timedelta(minutes=1),
            timedelta(seconds=1),
        ][min(clock.count(":"), 2)]
    )


def _as_utc(moment: _date) -> datetime:
    if not isinstance(moment, datetime):
        moment = datetime.combine(moment, START_OF_DAY)
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def iso8601interval(
    value: Any, argument: str = "argument"
) -> tuple[datetime, datetime]:
    """Parse an ISO 8601 interval into its start (included) and end (excluded).

    A single date or datetime spans its resolution, up to a day:
    ``"2013-01-01"`` is that day, ``"2013-01-01T12"`` that hour. An interval
    is ``start/end``, ``start/duration`` or ``duration/end``; years and months
    of a duration move by the calendar. Naive times are taken as UTC.

    :param value: the interval.
    :param argument: the name the error message uses.
    :return: two timezone-aware datetimes, in UTC.
    :raises ValueError: it is not such an interval.
    """
    try:
        if not isinstance(value, str):
            raise ValueError(value)
        start, end = _parse_interval(value)
        if end is None:
            end = _expand(start, value)
        return _as_utc(start), _as_utc(end)
    except (ValueError, OverflowError):
        raise ValueError(
            f"Invalid {argument}: {value}. {argument} must be a valid ISO8601"
            " date/time interval."
        ) from None
