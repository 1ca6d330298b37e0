"""Tests for kolben.http.accept."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from kolben.http.accept import (
    Accept,
    CharsetAccept,
    LanguageAccept,
    MIMEAccept,
    parse_accept_header,
)


def test_parse_sorts_by_quality_then_specificity():
    accept = parse_accept_header("a;q=0.5, b, *;q=0.1, c;q=0.9", Accept)
    assert list(accept.values()) == ["b", "c", "a", "*"]
    assert accept.best == "b"
    assert accept[0] == ("b", 1.0)
    assert accept[1:2] == [("c", 0.9)]
    assert accept.to_header() == "b,c;q=0.9,a;q=0.5,*;q=0.1"
    assert str(accept) == accept.to_header()


def test_invalid_quality_entries_are_skipped():
    accept = parse_accept_header("a;q=x, b;q=2, c;q=-1, d;q=0.123456, e;q=1.0, , f")
    assert list(accept.values()) == ["e", "f"]


def test_quality_and_contains():
    accept = parse_accept_header("gzip;q=0.8, identity;q=0, *;q=0.1")
    assert accept["gzip"] == 0.8
    assert accept["GZIP"] == 0.8
    assert accept["br"] == 0.1
    assert accept.quality("identity") == 0
    # Flask code tests membership with a str; mypy sees a list of tuples.
    assert "gzip" in accept  # type: ignore[comparison-overlap]
    assert "identity" not in accept  # type: ignore[comparison-overlap]
    assert ("gzip", 0.8) in accept
    assert accept.find("gzip") == 0
    assert parse_accept_header("a").find("b") == -1
    assert parse_accept_header(None).best is None


def test_best_match():
    accept = parse_accept_header("gzip;q=0.8, br, *;q=0.1")
    assert accept.best_match(["gzip", "br"]) == "br"
    assert accept.best_match(["gzip", "deflate"]) == "gzip"
    assert accept.best_match(["deflate"]) == "deflate"
    assert parse_accept_header("a").best_match(["b"]) is None
    assert parse_accept_header("a").best_match(["b"], default="d") == "d"
    tie = parse_accept_header("x, y")
    assert tie.best_match(["y", "x"]) == "x"


def test_mime_accept_matching():
    accept = parse_accept_header(
        "text/html;q=0, application/json;q=0.9, text/*;q=0.5, */*;q=0.1", MIMEAccept
    )
    assert accept["text/html"] == 0
    assert accept["text/plain"] == 0.5
    assert accept["image/png"] == 0.1
    assert accept["Application/JSON"] == 0.9
    assert accept.best_match(["text/html", "application/json"]) == "application/json"
    assert accept.accept_json
    assert "text/html" not in accept  # type: ignore[comparison-overlap]


def test_mime_accept_ignores_params_for_matching():
    accept = parse_accept_header("text/html;level=1;q=0.2, text/html;q=0.7", MIMEAccept)
    assert accept[1] == ("text/html;level=1", 0.2)
    assert accept["text/html"] == 0.7
    assert accept["text/html;level=1"] == 0.7
    assert parse_accept_header('text/html;x="a b"', MIMEAccept)[0][0] == (
        'text/html;x="a b"'
    )


def test_mime_accept_wildcards_and_shortcuts():
    browser = parse_accept_header(
        "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
        MIMEAccept,
    )
    assert browser.accept_html
    assert browser.accept_xhtml
    assert browser.accept_json
    api = parse_accept_header("application/json", MIMEAccept)
    assert api.accept_json
    assert not api.accept_html
    assert not api.accept_xhtml
    star = parse_accept_header("*", MIMEAccept)
    assert star["image/png"] == 1
    assert parse_accept_header("image/*", MIMEAccept).best_match(["*/*"]) == "*/*"
    assert parse_accept_header("image/png", MIMEAccept).best_match(["image/*"]) == (
        "image/*"
    )
    assert parse_accept_header("text/plain", MIMEAccept)["image/plain"] == 0


def test_language_accept_prefix_matching():
    accept = parse_accept_header("de-CH, de;q=0.9, en;q=0.8", LanguageAccept)
    assert accept["de_ch"] == 1
    assert accept["de-AT"] == 0.9
    assert accept["en-US"] == 0.8
    assert accept["fr"] == 0
    assert accept.best_match(["en-US", "de"]) == "de"
    assert parse_accept_header("*", LanguageAccept)["fr"] == 1


def test_charset_accept_normalises_names():
    accept = parse_accept_header("utf8, latin1;q=0.5", CharsetAccept)
    assert accept["UTF-8"] == 1
    assert accept["iso-8859-1"] == 0.5
    assert accept["unknown-charset"] == 0
    assert parse_accept_header("x-custom", CharsetAccept)["X-CUSTOM"] == 1


def test_repr_and_empty():
    assert repr(Accept([("a", 1)])) == "Accept([('a', 1)])"
    assert not parse_accept_header("", MIMEAccept)
    assert type(parse_accept_header("", MIMEAccept)) is MIMEAccept


_kinds = st.sampled_from([Accept, MIMEAccept, LanguageAccept, CharsetAccept])


@given(st.text(), _kinds, st.lists(st.text(max_size=10), max_size=3))
def test_parse_accept_header_never_raises(value, cls, offers):
    accept = parse_accept_header(value, cls)
    qualities = [quality for _, quality in accept]
    assert qualities == sorted(qualities, reverse=True)
    assert all(0 <= quality <= 1 for quality in qualities)
    accept.best_match(offers)
    for offer in offers:
        assert 0 <= accept.quality(offer) <= 1
