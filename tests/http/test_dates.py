"""Tests for kolben.http.dates."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kolben.http.dates import dump_age, http_date, parse_age, parse_date

NOV_6 = datetime(1994, 11, 6, 8, 49, 37, tzinfo=UTC)


def test_http_date_formats_imf_fixdate():
    assert http_date(NOV_6) == "Sun, 06 Nov 1994 08:49:37 GMT"
    assert http_date(NOV_6.replace(tzinfo=None)) == "Sun, 06 Nov 1994 08:49:37 GMT"
    assert http_date(784111777) == "Sun, 06 Nov 1994 08:49:37 GMT"
    assert http_date(784111777.9) == "Sun, 06 Nov 1994 08:49:37 GMT"
    assert http_date(date(1994, 11, 6)) == "Sun, 06 Nov 1994 00:00:00 GMT"


def test_http_date_converts_aware_datetimes_to_utc():
    plus_two = timezone(timedelta(hours=2))
    local = datetime(1994, 11, 6, 10, 49, 37, tzinfo=plus_two)
    assert http_date(local) == "Sun, 06 Nov 1994 08:49:37 GMT"


def test_http_date_defaults_to_now():
    parsed = parse_date(http_date())
    assert parsed is not None
    assert abs(parsed - datetime.now(UTC)) < timedelta(seconds=5)


@pytest.mark.parametrize(
    "value",
    [
        "Sun, 06 Nov 1994 08:49:37 GMT",
        "Sunday, 06-Nov-94 08:49:37 GMT",
        "Sun Nov  6 08:49:37 1994",
        "  Sun, 06 Nov 1994 08:49:37 GMT  ",
    ],
)
def test_parse_date_accepts_the_three_formats(value):
    assert parse_date(value) == NOV_6


def test_parse_date_returns_aware_utc():
    parsed = parse_date("Sun, 06 Nov 1994 10:49:37 +0200")
    assert parsed == NOV_6
    assert parsed is not None and parsed.tzinfo is UTC


@pytest.mark.parametrize(
    "value",
    [
        None,
        "",
        "garbage",
        "Sun, 99 Nov 1994 08:49:37 GMT",
        "32 Foo 1",
        "Fri, 31 Dec 9999 23:00:00 -0500",
    ],
)
def test_parse_date_returns_none_for_garbage(value):
    assert parse_date(value) is None


_datetimes = st.datetimes(
    min_value=datetime(1900, 1, 1), max_value=datetime(9999, 12, 31)
).map(lambda dt: dt.replace(microsecond=0))


@given(_datetimes)
def test_http_date_then_parse_date_round_trips(value):
    assert parse_date(http_date(value)) == value.replace(tzinfo=UTC)


@given(st.text())
def test_parse_date_never_raises(value):
    parsed = parse_date(value)
    assert parsed is None or parsed.tzinfo is UTC


@pytest.mark.parametrize(
    ("value", "seconds"),
    [("3600", 3600), ("0", 0), ("-1", None), ("x", None), ("", None), (None, None)],
)
def test_parse_age(value, seconds):
    expected = None if seconds is None else timedelta(seconds=seconds)
    assert parse_age(value) == expected
    assert parse_age("9" * 30) is None  # too large for a timedelta


def test_dump_age():
    assert dump_age(timedelta(minutes=2)) == "120"
    assert dump_age(5) == "5"
    assert dump_age(None) is None
    with pytest.raises(ValueError, match="cannot be negative"):
        dump_age(-1)


def test_a_date_whose_year_cannot_be_written_back_is_unparseable():
    # Found by fuzzing: email.utils read this as the year 42, which an
    # IMF-fixdate writes as 0042 and every parser reads back as 2042.
    assert parse_date("31 Dec -999 3:5-1958") is None
    assert parse_date("Wed, 31 Dec 2042 13:44:00 GMT") is not None
