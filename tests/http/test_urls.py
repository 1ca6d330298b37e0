"""Tests for kolben.http.urls."""

from __future__ import annotations

import urllib.parse

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kolben.http.exceptions import BadRequest
from kolben.http.multidict import ImmutableMultiDict, MultiDict
from kolben.http.urls import (
    iri_to_uri,
    parse_qs,
    quote,
    quote_plus,
    unquote,
    unquote_path,
    unquote_plus,
    url_encode,
    wsgi_decoding_dance,
)


def test_unquote_path_decodes_utf8():
    assert unquote_path("/caf%C3%A9/a%2Fb") == "/café/a/b"
    assert unquote_path(b"/caf%C3%A9") == "/café"
    assert unquote_path(b"/caf\xc3\xa9") == "/café"
    assert unquote_path("/plain") == "/plain"
    assert unquote_path("/é%20x") == "/é x"


def test_unquote_path_keeps_malformed_escapes():
    assert unquote_path("/100%") == "/100%"
    assert unquote_path("/%zz/%4") == "/%zz/%4"


@pytest.mark.parametrize("path", ["/%ff", b"/%C3", b"/\xff"])
def test_unquote_path_refuses_invalid_utf8(path):
    with pytest.raises(BadRequest, match="not valid UTF-8"):
        unquote_path(path)


def test_wsgi_decoding_dance():
    assert wsgi_decoding_dance("/ascii") == "/ascii"
    assert wsgi_decoding_dance("/caf\xc3\xa9") == "/café"
    with pytest.raises(BadRequest):
        wsgi_decoding_dance("/\xff")
    with pytest.raises(BadRequest):
        wsgi_decoding_dance("/\u20ac")


def test_parse_qs_basics():
    md = parse_qs("a=1&a=2&b=x+y%20z&&c&=v&d=")
    assert list(md.items(multi=True)) == [
        ("a", "1"),
        ("a", "2"),
        ("b", "x y z"),
        ("c", ""),
        ("", "v"),
        ("d", ""),
    ]
    assert type(md) is MultiDict
    assert parse_qs("") == MultiDict()


def test_parse_qs_only_splits_on_ampersand():
    assert parse_qs("a=1;b=2").to_dict() == {"a": "1;b=2"}


def test_parse_qs_decodes_utf8_and_keeps_bad_escapes():
    assert parse_qs(b"q=%E2%82%AC&r=\xe2\x82\xac")["q"] == "\u20ac"
    assert parse_qs(b"r=\xe2\x82\xac")["r"] == "\u20ac"
    assert parse_qs("k%zz=100%")["k%zz"] == "100%"
    assert parse_qs("%2B=%2B+")["+"] == "+ "


@pytest.mark.parametrize("qs", [b"a=%ff", b"a=\xff", "a=%C3", b"%ff=1"])
def test_parse_qs_invalid_utf8_is_bad_request(qs):
    with pytest.raises(BadRequest, match="The query string is not valid UTF-8"):
        parse_qs(qs)


def test_parse_qs_max_fields():
    assert len(parse_qs("a=1&b=2&&", max_fields=2)) == 2
    with pytest.raises(BadRequest, match="more than 2 fields"):
        parse_qs("a=1&b=2&c=3", max_fields=2)


def test_parse_qs_cls():
    md = parse_qs("a=1", cls=ImmutableMultiDict)
    assert type(md) is ImmutableMultiDict
    assert md["a"] == "1"


def test_url_encode():
    assert url_encode({"a": 1, "b": "x y", "c": None}) == "a=1&b=x+y"
    assert url_encode({"a": ["1", "2"]}) == "a=1&a=2"
    assert url_encode(MultiDict([("a", "1"), ("a", "2")])) == "a=1&a=2"
    assert url_encode([("z", "1"), ("a", "2"), ("z", "0")], sort=True) == (
        "a=2&z=1&z=0"
    )
    assert url_encode({"k": "&=+%#é/"}) == "k=%26%3D%2B%25%23%C3%A9/"
    assert url_encode({"b": b"\xff"}) == "b=%FF"


def test_quote_and_unquote():
    assert quote("/a b/é:x?") == "/a%20b/%C3%A9:x%3F"
    assert quote("a/b", safe="") == "a%2Fb"
    assert quote(b"\xff") == "%FF"
    assert quote_plus("a b&c") == "a+b%26c"
    assert unquote("a%20b%C3%A9") == "a bé"
    assert unquote("%ff") == "\ufffd"
    assert unquote_plus("a+b%2B") == "a b+"


def test_iri_to_uri():
    assert (
        iri_to_uri("http://user:pä@bücher.example:8080/ü b?q=ö&x=%20#frä")
        == "http://user:p%C3%A4@xn--bcher-kva.example:8080/%C3%BC%20b"
        "?q=%C3%B6&x=%20#fr%C3%A4"
    )
    assert iri_to_uri("/ü?x=1") == "/%C3%BC?x=1"
    assert iri_to_uri("http://example.com/a?b=c#d") == "http://example.com/a?b=c#d"
    assert iri_to_uri("http://[::1]:80/é") == "http://[::1]:80/%C3%A9"
    assert iri_to_uri("http://ü.example/") == "http://xn--tda.example/"


def test_iri_to_uri_invalid_idna_falls_back_to_percent_encoding():
    uri = iri_to_uri("http://" + "ü" * 70 + ".example/")
    assert uri.isascii()
    assert "%C3%BC" in uri


_text = st.text(max_size=10)


@given(st.lists(st.tuples(_text, _text), max_size=10))
def test_url_encode_then_parse_qs_round_trips(pairs):
    # Empty fields are skipped by the parser: only "=" pairs survive.
    md = MultiDict(pairs)
    parsed = parse_qs(url_encode(md))
    assert parsed == md


@given(st.binary(max_size=50))
def test_parse_qs_only_raises_bad_request(data):
    try:
        result = parse_qs(data)
    except BadRequest:
        return
    assert all(isinstance(v, str) for v in result.values())


@given(st.text(max_size=30))
def test_parse_qs_text_only_raises_bad_request(text):
    try:
        parse_qs(text)
    except BadRequest:
        pass


@given(st.text(max_size=30))
def test_quote_then_unquote_path_round_trips(text):
    assert unquote_path(quote(text)) == text


@pytest.mark.parametrize("iri", ["http://[::1/x", "http://\u00e4]/\u00fc?q=1", "//[ö"])
def test_iri_to_uri_encodes_a_url_that_does_not_split(iri):
    # Found by fuzzing: urlsplit raises ValueError for an unbalanced IPv6
    # bracket, so redirect() to such a URL was a 500.
    uri = iri_to_uri(iri)
    assert uri.isascii()
    assert urllib.parse.unquote(uri) == iri
