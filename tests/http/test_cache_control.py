"""Tests for kolben.http.cache_control."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kolben.http.cache_control import (
    RequestCacheControl,
    ResponseCacheControl,
    parse_cache_control_header,
)


def test_request_cache_control_reads_directives():
    cc = parse_cache_control_header(
        "no-cache, no-store, max-age=60, max-stale=5, min-fresh=10, no-transform,"
        " only-if-cached, stale-if-error=3"
    )
    assert isinstance(cc, RequestCacheControl)
    assert cc.no_cache is True
    assert cc.no_store is True
    assert cc.max_age == 60
    assert cc.max_stale == 5
    assert cc.min_fresh == 10
    assert cc.no_transform is True
    assert cc.only_if_cached is True
    assert cc.stale_if_error == 3


def test_request_cache_control_defaults_and_odd_values():
    cc = parse_cache_control_header(None)
    assert cc.no_cache is False
    assert cc.max_age is None
    assert cc.max_stale is None
    assert not cc
    odd = parse_cache_control_header("MAX-AGE=abc, max-stale")
    assert odd.max_age is None
    assert odd.max_stale == "*"
    assert "max-age" in odd
    assert odd.get("MAX-AGE") == "abc"


def test_request_cache_control_is_read_only():
    cc = parse_cache_control_header("max-age=1")
    with pytest.raises(AttributeError, match="read-only"):
        cc.max_age = 5
    with pytest.raises(AttributeError, match="read-only"):
        del cc.no_cache


def test_response_cache_control_writes_and_notifies():
    updates: list[str] = []
    cc = parse_cache_control_header(
        "public",
        on_update=lambda c: updates.append(c.to_header()),
        cls=ResponseCacheControl,
    )
    cc.max_age = 3600
    cc.public = False
    cc.private = True
    cc.no_cache = "Set-Cookie"
    cc.immutable = True
    cc.s_maxage = 10
    assert updates[0] == "public, max-age=3600"
    assert cc.to_header() == (
        'max-age=3600, private, no-cache="Set-Cookie", immutable, s-maxage=10'
    )
    assert len(updates) == 6
    cc.no_cache = None
    cc.max_age = None
    del cc.immutable
    assert cc.to_header() == "private, s-maxage=10"
    assert updates[-1] == cc.to_header()


def test_response_flag_or_value_directives():
    cc = ResponseCacheControl('no-cache="Set-Cookie, X", private')
    assert cc.no_cache == "Set-Cookie, X"
    assert cc.private is True
    assert ResponseCacheControl().no_cache is False
    cc.no_cache = True
    assert cc.to_header() == "no-cache, private"


def test_response_all_directives():
    cc = ResponseCacheControl()
    for name in (
        "no_store",
        "must_revalidate",
        "proxy_revalidate",
        "no_transform",
        "must_understand",
    ):
        setattr(cc, name, True)
        assert getattr(cc, name) is True
    cc.stale_while_revalidate = 30
    cc.stale_if_error = 60
    assert cc.to_header() == (
        "no-store, must-revalidate, proxy-revalidate, no-transform,"
        " must-understand, stale-while-revalidate=30, stale-if-error=60"
    )


def test_equality_str_repr():
    assert ResponseCacheControl("a, b=1") == RequestCacheControl("A, B=1")
    assert ResponseCacheControl("a") != "a"
    assert str(ResponseCacheControl("max-age=1")) == "max-age=1"
    assert repr(RequestCacheControl("max-age=1")) == (
        "<RequestCacheControl 'max-age=1'>"
    )
    assert ResponseCacheControl({"Max-Age": "5"}).max_age == 5
    assert ResponseCacheControl("x='a b'").to_header() == "x=\"'a b'\""
    assert ResponseCacheControl.max_age.__doc__


@given(st.text())
def test_parse_never_raises(value):
    request_cc = parse_cache_control_header(value)
    response_cc = parse_cache_control_header(value, cls=ResponseCacheControl)
    for max_age in (request_cc.max_age, response_cc.max_age):
        assert max_age is None or max_age >= 0
    assert request_cc.to_header() == response_cc.to_header()


@given(st.integers(0, 10**9), st.booleans(), st.booleans())
def test_response_header_round_trips(max_age, public, no_store):
    cc = ResponseCacheControl()
    cc.max_age = max_age
    cc.public = public
    cc.no_store = no_store
    again = parse_cache_control_header(cc.to_header(), cls=ResponseCacheControl)
    assert (again.max_age, again.public, again.no_store) == (max_age, public, no_store)
