"""Tests for kolben.http.header_set."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from werkzeug.datastructures import HeaderSet as WerkzeugHeaderSet
from werkzeug.http import dump_header as werkzeug_dump_header
from werkzeug.http import parse_set_header as werkzeug_parse_set_header

from kolben.http.header_set import HeaderSet, dump_header, parse_set_header


def test_membership_ignores_case_and_keeps_order():
    hs = HeaderSet(["Accept", "Cookie"])
    assert "accept" in hs and "COOKIE" in hs and "Origin" not in hs
    hs.add("ACCEPT")
    hs.add("Origin")
    assert list(hs) == ["Accept", "Cookie", "Origin"]
    assert hs.to_header() == "Accept, Cookie, Origin"
    assert hs.as_set() == {"accept", "cookie", "origin"}
    assert hs.as_set(preserve_casing=True) == {"Accept", "Cookie", "Origin"}
    assert hs.find("origin") == 2 and hs.find("x") == -1
    assert hs.index("cookie") == 1
    assert hs[0] == "Accept" and len(hs) == 3
    assert repr(hs) == "HeaderSet(['Accept', 'Cookie', 'Origin'])"
    assert str(hs) == hs.to_header()
    with pytest.raises(IndexError):
        hs.index("x")


def test_removing_and_replacing_in_any_case():
    hs = HeaderSet(["Accept", "Cookie", "Origin"])
    hs.remove("ACCEPT")
    hs.discard("nothing")
    hs.discard("cookie")
    assert list(hs) == ["Origin"]
    with pytest.raises(KeyError):
        hs.remove("Accept")
    hs[0] = "Host"
    assert list(hs) == ["Host"] and "origin" not in hs
    hs.add("Origin")
    with pytest.raises(ValueError, match="already in the set"):
        hs[0] = "origin"
    del hs[0]
    hs.clear()
    assert not hs and hs.to_header() == ""


def test_it_compares_and_combines_as_a_set():
    hs = HeaderSet(["Accept", "Cookie"])
    assert hs == HeaderSet(["COOKIE", "accept"])
    assert hs != HeaderSet(["Accept"])
    union = hs | {"Origin"}
    assert isinstance(union, HeaderSet)
    assert list(union) == ["Accept", "Cookie", "Origin"]
    assert hs & {"cookie"} == HeaderSet(["Cookie"])


def test_every_change_is_reported_once():
    seen: list[str] = []
    hs = HeaderSet(["Accept"], on_update=lambda s: seen.append(s.to_header()))
    hs.add("accept")  # already present: no change
    hs.add("Cookie")
    hs.update(["Origin", "Host"])
    hs.remove("Host")
    hs[0] = "X"
    del hs[0]
    hs.clear()
    assert seen == [
        "Accept, Cookie",
        "Accept, Cookie, Origin, Host",
        "Accept, Cookie, Origin",
        "X, Cookie, Origin",
        "Cookie, Origin",
        "",
    ]


@pytest.mark.parametrize(
    "value",
    [None, "", "Accept", "accept, Cookie ,, origin", '"a, b", c', "a;q=1, b"],
)
def test_parse_set_header_matches_werkzeug(value):
    ours = parse_set_header(value)
    theirs = werkzeug_parse_set_header(value)
    assert list(ours) == list(theirs)
    assert ours.to_header() == theirs.to_header()


def test_parse_set_header_keeps_the_callback():
    seen: list[HeaderSet] = []
    hs = parse_set_header("a", seen.append)
    hs.add("b")
    assert seen == [hs]


@pytest.mark.parametrize(
    "items",
    [["foo", "bar baz"], {"foo": "bar baz", "flag": None, "title*": "UTF-8''x"}, []],
)
def test_dump_header_matches_werkzeug(items):
    assert dump_header(items) == werkzeug_dump_header(items)


_token = st.text(
    alphabet=st.characters(codec="latin-1", exclude_characters="\r\n\0"),
    min_size=1,
)


@given(st.lists(_token))
def test_to_header_parses_back_to_the_same_set(tokens):
    hs = HeaderSet(tokens)
    # Surrounding whitespace is not part of a list item (RFC 9110 5.6.1).
    if any(t != t.strip(" \t") or not t.strip(" \t") for t in hs):
        return
    assert list(parse_set_header(hs.to_header())) == list(hs)


@given(st.lists(_token))
def test_the_set_holds_what_werkzeugs_holds(tokens):
    assert HeaderSet(tokens).as_set() == WerkzeugHeaderSet(tokens).as_set()
