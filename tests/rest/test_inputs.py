"""inputs: each function with good and bad values, and through a parser."""

from __future__ import annotations

import copy
import re
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from kolben import Kolben
from kolben.rest import Api, Resource, inputs, reqparse
from kolben.testing import KolbenClient

PLUS_TWO = timezone(timedelta(hours=2))


@pytest.mark.parametrize(
    "value",
    [
        "http://example.com",
        "https://www.example.com/path?q=1#f",
        "ftp://files.example.org/a",
        "http://user:pass@example.com:8080/",
        "http://localhost:5000",
        "http://127.0.0.1/",
        "http://[::1]:80/",
        "HTTP://EXAMPLE.COM",
    ],
)
def test_url_accepts(value: str) -> None:
    assert inputs.url(value) == value


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (
            "example.com",
            "example.com is not a valid URL. Did you mean: http://example.com",
        ),
        ("http://", "http:// is not a valid URL"),
        ("mailto:a@b.c", "mailto:a@b.c is not a valid URL"),
        ("http://exa mple.com", "http://exa mple.com is not a valid URL"),
        ("http://300.1.1.1", "http://300.1.1.1 is not a valid URL"),
        ("http://-bad-.com", "http://-bad-.com is not a valid URL"),
        (5, "5 is not a valid URL"),
    ],
)
def test_url_refuses(value: Any, message: str) -> None:
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        inputs.url(value)


@pytest.mark.parametrize("value", ["ada@example.com", "a.b+tag@sub.example.org"])
def test_email_accepts(value: str) -> None:
    assert inputs.email(value) == value


@pytest.mark.parametrize(
    "value", ["ada", "ada@", "@example.com", "a@b", "a..b@example.com", "a b@x.com", 3]
)
def test_email_refuses(value: Any) -> None:
    with pytest.raises(ValueError, match="is not a valid email$"):
        inputs.email(value)


def test_regex() -> None:
    digits = inputs.regex(r"^[0-9]+$")
    assert digits("123") == "123"
    for bad in ("12a", "", 12):
        with pytest.raises(ValueError, match=r'^Value does not match pattern: "\^'):
            digits(bad)
    lower = inputs.regex("^abc$", re.IGNORECASE)
    copied = copy.deepcopy(lower)
    assert copied("ABC") == "ABC"
    assert copied.pattern == "^abc$"


def test_date() -> None:
    assert inputs.date("2008-08-01") == datetime(2008, 8, 1)
    for bad in ("2008-13-01", "01/08/2008", "", 20080801):
        with pytest.raises(ValueError):
            inputs.date(bad)


@pytest.mark.parametrize(
    ("func", "good", "expected"),
    [
        (inputs.natural, "0", 0),
        (inputs.natural, 3, 3),
        (inputs.positive, "1", 1),
        (inputs.int_range(1, 10), "10", 10),
        (inputs.int_range(1, 10), 1, 1),
    ],
)
def test_integers_accept(func: Any, good: Any, expected: int) -> None:
    assert func(good) == expected


@pytest.mark.parametrize(
    ("func", "bad", "message"),
    [
        (
            inputs.natural,
            "-1",
            "Invalid argument: -1. argument must be a non-negative integer",
        ),
        (inputs.natural, "x", "x is not a valid integer"),
        (inputs.natural, None, "None is not a valid integer"),
        (
            inputs.positive,
            "0",
            "Invalid argument: 0. argument must be a positive integer",
        ),
        (inputs.positive, "1.5", "1.5 is not a valid integer"),
        (
            inputs.int_range(1, 10, argument="n"),
            "11",
            "Invalid n: 11. n must be within the range 1 - 10",
        ),
        (inputs.int_range(1, 10), "0", "argument must be within the range 1 - 10"),
        (inputs.int_range(1, 10), [], "[] is not a valid integer"),
    ],
)
def test_integers_refuse(func: Any, bad: Any, message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        func(bad)


def test_natural_names_the_argument() -> None:
    with pytest.raises(ValueError, match="^Invalid page: -2. page must be"):
        inputs.natural("-2", "page")


@pytest.mark.parametrize(
    ("value", "expected"),
    [("true", True), ("TRUE", True), ("1", True), ("false", False), ("0", False)]
    + [(True, True), (False, False)],
)
def test_boolean_accepts(value: Any, expected: bool) -> None:
    assert inputs.boolean(value) is expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "boolean type must be non-null"),
        (None, "boolean type must be non-null"),
        ("yes", "Invalid literal for boolean(): yes"),
        (2, "Invalid literal for boolean(): 2"),
    ],
)
def test_boolean_refuses(value: Any, message: str) -> None:
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        inputs.boolean(value)


def test_datetime_from_rfc822() -> None:
    assert inputs.datetime_from_rfc822("Wed, 02 Oct 2002 08:00:00 EST") == datetime(
        2002, 10, 2, 13, 0, tzinfo=UTC
    )
    assert inputs.datetime_from_rfc822("Sat, 01 Jan 2011 00:00:00 -0000") == datetime(
        2011, 1, 1, tzinfo=UTC
    )
    for bad in ("yesterday", "", None, "Wed, 02 Oct 99999999 08:00:00 EST"):
        with pytest.raises(ValueError, match="is not a valid RFC 822 date"):
            inputs.datetime_from_rfc822(bad)


def test_datetime_from_iso8601() -> None:
    parse = inputs.datetime_from_iso8601
    assert parse("2012-01-01T23:30:00+02:00") == datetime(
        2012, 1, 1, 23, 30, tzinfo=PLUS_TWO
    )
    assert parse("2012-01-01T23:30:00Z") == datetime(2012, 1, 1, 23, 30, tzinfo=UTC)
    assert parse("2012-01-01T23:30") == datetime(2012, 1, 1, 23, 30)
    assert parse("20120101T2330") == datetime(2012, 1, 1, 23, 30)
    for bad in ("2012-01-01", "2012-13-01T00:00", "noon", "", None, "x" * 100):
        with pytest.raises(ValueError, match="is not a valid ISO 8601 datetime$"):
            parse(bad)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[arg-type,misc]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2013-01-01", (utc(2013, 1, 1), utc(2013, 1, 2))),
        ("2013-01-01T12", (utc(2013, 1, 1, 12), utc(2013, 1, 1, 13))),
        ("2013-01-01T12:30", (utc(2013, 1, 1, 12, 30), utc(2013, 1, 1, 12, 31))),
        (
            "2013-01-01T12:30:15",
            (utc(2013, 1, 1, 12, 30, 15), utc(2013, 1, 1, 12, 30, 16)),
        ),
        ("2013-01-01T12:30+02:00", (utc(2013, 1, 1, 10, 30), utc(2013, 1, 1, 10, 31))),
        ("2013-01-01/2013-02-28", (utc(2013, 1, 1), utc(2013, 2, 28))),
        ("2013-02-28/2013-01-01", (utc(2013, 1, 1), utc(2013, 2, 28))),
        ("2013-01-01/P3D", (utc(2013, 1, 1), utc(2013, 1, 4))),
        ("2013-01-31/P1M", (utc(2013, 1, 31), utc(2013, 2, 28))),
        ("2013-01-01/P1Y2M", (utc(2013, 1, 1), utc(2014, 3, 1))),
        ("2013-01-01T12:00/PT30M", (utc(2013, 1, 1, 12), utc(2013, 1, 1, 12, 30))),
        ("2013-01-01/PT6H", (utc(2013, 1, 1), utc(2013, 1, 1, 6))),
        ("P1W/2013-01-08", (utc(2013, 1, 1), utc(2013, 1, 8))),
        (
            "2013-01-01T06:00/2013-01-01T12:00",
            (utc(2013, 1, 1, 6), utc(2013, 1, 1, 12)),
        ),
        ("2013-01-01T06:00Z/P0.5D", (utc(2013, 1, 1, 6), utc(2013, 1, 1, 18))),
    ],
)
def test_iso8601interval_accepts(
    value: str, expected: tuple[datetime, datetime]
) -> None:
    assert inputs.iso8601interval(value) == expected


@pytest.mark.parametrize(
    "value",
    [
        "",
        "2013-13-01",
        "2013-01-01/",
        "P1D/P2D",
        "2013-01-01/P",
        "2013-01-01/PT",
        "2013-01-01/P1.5M",
        "2013-01-01/P99999999Y",
        "soon",
        42,
    ],
)
def test_iso8601interval_refuses(value: Any) -> None:
    message = f"Invalid when: {value}. when must be a valid ISO8601 date/time interval."
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        inputs.iso8601interval(value, "when")


def test_inputs_through_a_parser(app: Kolben, client: KolbenClient) -> None:
    parser = reqparse.RequestParser(bundle_errors=True)
    parser.add_argument("active", type=inputs.boolean, location="args")
    parser.add_argument("homepage", type=inputs.url, location="args")
    parser.add_argument("per_page", type=inputs.int_range(1, 50), location="args")
    parser.add_argument("since", type=inputs.datetime_from_iso8601, location="args")
    parser.add_argument("span", type=inputs.iso8601interval, location="args")

    class Search(Resource):
        async def get(self) -> Any:
            args = parser.parse_args()
            return {k: str(v) for k, v in args.items()}

    Api(app).add_resource(Search, "/search")
    r = client.get(
        "/search?active=true&homepage=http://a.io&per_page=5"
        "&since=2020-01-01T00:00Z&span=2020-01-01"
    )
    assert r.json == {
        "active": "True",
        "homepage": "http://a.io",
        "per_page": "5",
        "since": "2020-01-01 00:00:00+00:00",
        "span": "(datetime.datetime(2020, 1, 1, 0, 0, tzinfo=datetime.timezone.utc),"
        " datetime.datetime(2020, 1, 2, 0, 0, tzinfo=datetime.timezone.utc))",
    }
    r = client.get("/search?active=maybe&homepage=a.io&per_page=99&since=x&span=y")
    assert r.status_code == 400
    assert r.json == {
        "message": {
            "active": "Invalid literal for boolean(): maybe",
            "homepage": "a.io is not a valid URL. Did you mean: http://a.io",
            # int_range takes the name when it is made, not from the parser.
            "per_page": "Invalid argument: 99. argument must be within the range"
            " 1 - 50",
            "since": "x is not a valid ISO 8601 datetime",
            "span": "Invalid span: y. span must be a valid ISO8601 date/time interval.",
        }
    }
