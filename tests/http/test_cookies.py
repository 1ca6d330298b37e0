"""Tests for kolben.http.cookies."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kolben.http.cookies import dump_cookie, parse_cookie
from kolben.http.dates import parse_date
from kolben.http.multidict import ImmutableMultiDict, MultiDict


def test_parse_cookie_is_tolerant():
    cookies = parse_cookie('a=1; b="x y"; c; =d; e = 5 ; g=h=i; a=2;;')
    assert list(cookies.items(multi=True)) == [
        ("a", "1"),
        ("a", "2"),
        ("b", "x y"),
        ("c", ""),
        ("e", "5"),
        ("g", "h=i"),
    ]
    assert type(cookies) is MultiDict


def test_parse_cookie_unquotes_escapes():
    cookies = parse_cookie(r'f="q\"\054x\\"; u="\303\251"')
    assert cookies["f"] == 'q",x\\'
    assert cookies["u"] == "é"


def test_parse_cookie_skips_unterminated_quotes():
    assert parse_cookie('a="unterminated; b=2').to_dict() == {"b": "2"}
    assert parse_cookie('a="x\\"; b=2').to_dict() == {"b": "2"}
    assert parse_cookie('a="').to_dict() == {}


def test_parse_cookie_empty_and_cls_and_bytes():
    assert parse_cookie(None) == MultiDict()
    assert parse_cookie("") == MultiDict()
    cookies = parse_cookie("a=1", cls=ImmutableMultiDict)
    assert type(cookies) is ImmutableMultiDict
    assert parse_cookie("n=caf\xc3\xa9".encode("latin-1"))["n"] == "café"
    assert parse_cookie(b"n=\xff")["n"] == "\ufffd"


def test_dump_cookie_defaults():
    assert dump_cookie("k", "v") == "k=v; Path=/"
    assert dump_cookie("k") == "k=; Path=/"
    assert dump_cookie("k", "v", path=None) == "k=v"


def test_dump_cookie_quotes_values_outside_cookie_octets():
    assert dump_cookie("k", "a b", path=None) == 'k="a b"'
    assert dump_cookie("k", "v,x", path=None) == 'k="v\\054x"'
    assert dump_cookie("k", "a;b", path=None) == 'k="a\\073b"'
    assert dump_cookie("k", 'q"\\', path=None) == 'k="q\\"\\\\"'
    assert dump_cookie("k", "é", path=None) == 'k="\\303\\251"'
    assert dump_cookie("k", "a\r\nb", path=None) == 'k="a\\015\\012b"'


def test_dump_cookie_attributes_in_order():
    value = dump_cookie(
        "k",
        "v",
        max_age=60,
        domain=".Example.com",
        secure=True,
        httponly=True,
        samesite="lax",
    )
    parts = value.split("; ")
    assert parts[0] == "k=v"
    assert parts[1] == "Domain=Example.com"
    assert parts[2].startswith("Expires=")
    assert parts[3:] == ["Max-Age=60", "Secure", "HttpOnly", "Path=/", "SameSite=Lax"]


def test_max_age_sets_expires_in_the_future():
    value = dump_cookie("k", "v", max_age=timedelta(hours=1))
    assert "Max-Age=3600" in value
    expires = value.split("Expires=")[1].split(";")[0]
    parsed = parse_date(expires)
    assert parsed is not None
    delta = parsed - datetime.now(UTC)
    assert timedelta(minutes=59) < delta <= timedelta(hours=1)


def test_expires_accepts_datetime_int_and_string():
    when = datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert "Expires=Wed, 02 Jan 2030 03:04:05 GMT" in dump_cookie("k", expires=when)
    assert "Expires=Thu, 01 Jan 1970 00:00:00 GMT" in dump_cookie("k", expires=0)
    assert "Expires=whenever" in dump_cookie("k", expires="whenever")


def test_partitioned_implies_secure():
    assert dump_cookie("k", "v", partitioned=True, path=None) == (
        "k=v; Secure; Partitioned"
    )


@pytest.mark.parametrize(
    ("given_value", "expected"),
    [("strict", "Strict"), ("LAX", "Lax"), ("none", "None"), ("None", "None")],
)
def test_samesite_is_case_insensitive(given_value, expected):
    assert dump_cookie("k", samesite=given_value).endswith(f"SameSite={expected}")


def test_samesite_refuses_other_values():
    with pytest.raises(ValueError, match="samesite"):
        dump_cookie("k", samesite="sometimes")


@pytest.mark.parametrize("key", ["", "a;b", "a b", "a=b", "a\r\n", "é", 'a"'])
def test_invalid_keys_are_refused(key):
    with pytest.raises(ValueError, match="Invalid cookie name"):
        dump_cookie(key, "v")


@pytest.mark.parametrize("bad", ["/a;b", "/a\rb", "/a\nb", "/a\0"])
def test_path_and_domain_with_separators_are_refused(bad):
    with pytest.raises(ValueError, match="must not contain"):
        dump_cookie("k", path=bad)
    with pytest.raises(ValueError, match="must not contain"):
        dump_cookie("k", domain=bad)
    with pytest.raises(ValueError, match="must not contain"):
        dump_cookie("k", expires=bad)


def test_domain_validation_and_idna():
    with pytest.raises(ValueError, match="Invalid cookie domain"):
        dump_cookie("k", domain="a b.com")
    assert "Domain=xn--bcher-kva.example" in dump_cookie("k", domain="bücher.example")
    with pytest.raises(ValueError, match="Invalid cookie domain"):
        dump_cookie("k", domain="ü" * 70 + ".example")


def test_path_non_ascii_is_percent_encoded():
    assert dump_cookie("k", path="/café") == "k=; Path=/caf%C3%A9"


def test_oversized_cookie_raises_naming_the_size():
    with pytest.raises(ValueError, match=r"is 5010 bytes, over the limit of 4093"):
        dump_cookie("k", "x" * 5000)
    assert len(dump_cookie("k", "x" * 5000, max_size=0)) == 5010
    assert dump_cookie("k", "x" * 10, max_size=20) == "k=xxxxxxxxxx; Path=/"


_cookie_names = st.text(
    alphabet="!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
    min_size=1,
    max_size=10,
)


@given(_cookie_names, st.text(max_size=30))
def test_dump_then_parse_round_trips(key, value):
    header = dump_cookie(key, value, path=None, max_size=0)
    assert parse_cookie(header).to_dict() == {key: value}


@given(st.text())
def test_parse_cookie_never_raises(header):
    cookies = parse_cookie(header)
    assert all(key for key in cookies)


@given(st.binary())
def test_parse_cookie_never_raises_on_bytes(header):
    parse_cookie(header)
