"""Tests for kolben.http.etag."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kolben.http.etag import (
    ETags,
    evaluate_preconditions,
    generate_etag,
    is_resource_modified,
    parse_etags,
    precondition_failed,
    quote_etag,
    unquote_etag,
)

LAST = datetime(2024, 1, 2, 3, 4, 5, 123, tzinfo=UTC)
LAST_HTTP = "Tue, 02 Jan 2024 03:04:05 GMT"
EARLIER_HTTP = "Mon, 01 Jan 2024 00:00:00 GMT"


def test_etags_membership():
    etags = ETags(["a", "b"], ["w"])
    assert etags.contains("a")
    assert not etags.contains("w")
    assert etags.contains_weak("w")
    assert etags.contains_weak("a")
    assert etags.is_strong("a") and not etags.is_strong("w")
    assert etags.is_weak("w") and not etags.is_weak("a")
    assert etags.contains_raw('"a"')
    assert etags.contains_raw('W/"w"')
    assert not etags.contains_raw('"w"')
    assert not etags.contains_raw("")
    assert "a" in etags and "w" not in etags and 1 not in etags
    assert etags.as_set() == {"a", "b"}
    assert etags.as_set(include_weak=True) == {"a", "b", "w"}
    assert sorted(etags) == ["a", "b"]
    assert len(etags) == 2
    assert etags
    assert not ETags()


def test_star_tag_matches_everything():
    star = ETags(star_tag=True)
    assert star.contains("anything")
    assert star.contains_weak("anything")
    assert star.to_header() == "*"
    assert star


def test_to_header_and_equality():
    etags = ETags(["b", "a"], ["w"])
    assert etags.to_header() == '"a", "b", W/"w"'
    assert parse_etags(etags.to_header()) == etags
    assert hash(parse_etags(etags.to_header())) == hash(etags)
    assert etags != "a"
    assert repr(etags) == '<ETags \'"a", "b", W/"w"\'>'


def test_parse_etags():
    etags = parse_etags('"a", W/"b", w/"c", bare, "with,comma"')
    assert etags.as_set() == {"a", "bare", "with,comma"}
    assert etags.is_weak("b") and etags.is_weak("c")
    assert parse_etags("*").star_tag
    assert parse_etags('"a", *').star_tag
    assert not parse_etags(None)
    assert not parse_etags("")


def test_quote_and_unquote():
    assert quote_etag("x") == '"x"'
    assert quote_etag("x", weak=True) == 'W/"x"'
    with pytest.raises(ValueError):
        quote_etag('a"b')
    assert unquote_etag('"x"') == ("x", False)
    assert unquote_etag('W/"x"') == ("x", True)
    assert unquote_etag("x") == ("x", False)
    assert unquote_etag(None) == (None, False)


def test_generate_etag_is_stable_sha1():
    assert generate_etag(b"") == "da39a3ee5e6b4b0d3255bfef95601890afd80709"
    assert generate_etag(b"a") != generate_etag(b"b")


def test_if_none_match_gives_304_for_get_and_412_otherwise():
    kwargs: dict[str, Any] = {"if_none_match": '"x"', "etag": '"x"'}
    assert evaluate_preconditions("GET", **kwargs) == 304
    assert evaluate_preconditions("HEAD", **kwargs) == 304
    assert evaluate_preconditions("PUT", **kwargs) == 412
    assert evaluate_preconditions("GET", if_none_match='W/"x"', etag="x") == 304
    assert evaluate_preconditions("GET", if_none_match='"y"', etag="x") is None
    assert evaluate_preconditions("GET", if_none_match="*", etag=None) == 304


def test_if_none_match_takes_precedence_over_if_modified_since():
    result = evaluate_preconditions(
        "GET",
        if_none_match='"other"',
        if_modified_since=LAST_HTTP,
        etag="x",
        last_modified=LAST,
    )
    assert result is None


def test_if_modified_since():
    assert (
        evaluate_preconditions("GET", if_modified_since=LAST_HTTP, last_modified=LAST)
        == 304
    )
    assert (
        evaluate_preconditions(
            "GET", if_modified_since=EARLIER_HTTP, last_modified=LAST
        )
        is None
    )
    assert (
        evaluate_preconditions("POST", if_modified_since=LAST_HTTP, last_modified=LAST)
        is None
    )
    naive = LAST.replace(tzinfo=None)
    assert (
        evaluate_preconditions("GET", if_modified_since=LAST_HTTP, last_modified=naive)
        == 304
    )
    assert (
        evaluate_preconditions("GET", if_modified_since="junk", last_modified=LAST)
        is None
    )


def test_if_match_uses_strong_comparison():
    assert evaluate_preconditions("PUT", if_match='"x"', etag="x") is None
    assert evaluate_preconditions("PUT", if_match='"x"', etag='W/"x"') == 412
    assert evaluate_preconditions("PUT", if_match='W/"x"', etag="x") == 412
    assert evaluate_preconditions("PUT", if_match='"y"', etag="x") == 412
    assert evaluate_preconditions("PUT", if_match='"y"') == 412
    assert evaluate_preconditions("PUT", if_match="*") is None


def test_if_unmodified_since():
    assert (
        evaluate_preconditions(
            "PUT", if_unmodified_since=EARLIER_HTTP, last_modified=LAST
        )
        == 412
    )
    assert (
        evaluate_preconditions("PUT", if_unmodified_since=LAST_HTTP, last_modified=LAST)
        is None
    )
    assert (
        evaluate_preconditions(
            "PUT",
            if_match='"x"',
            if_unmodified_since=EARLIER_HTTP,
            etag="x",
            last_modified=LAST,
        )
        is None
    )


def test_is_resource_modified_and_precondition_failed_wrap_the_evaluation():
    assert not is_resource_modified(
        "GET", if_none_match='"x"', if_modified_since=None, etag="x"
    )
    assert is_resource_modified(
        "GET", if_none_match='"y"', if_modified_since=None, etag="x"
    )
    assert is_resource_modified("GET", if_none_match=None, if_modified_since=None)
    assert precondition_failed("PUT", if_match='"y"', etag="x")
    assert precondition_failed("DELETE", if_none_match='"x"', etag="x")
    assert not precondition_failed("GET", if_none_match='"x"', etag="x")


def test_if_range():
    def modified(if_range: str, **kwargs: Any) -> bool:
        return is_resource_modified(
            "GET",
            if_none_match=None,
            if_modified_since=None,
            ignore_if_range=False,
            if_range=if_range,
            **kwargs,
        )

    assert not modified('"x"', etag="x")
    assert modified('"y"', etag="x")
    assert modified('W/"x"', etag="x")
    assert modified('"x"', etag='W/"x"')
    assert modified('"x"')
    assert not modified(LAST_HTTP, last_modified=LAST)
    assert modified(EARLIER_HTTP, last_modified=LAST)
    assert modified("junk", last_modified=LAST)
    # Ignored unless asked for.
    assert not is_resource_modified(
        "GET", if_none_match='"x"', if_modified_since=None, etag="x", if_range='"y"'
    )


@given(st.text())
def test_parse_etags_never_raises(value):
    etags = parse_etags(value)
    assert isinstance(etags.to_header(), str)


_tags = st.text(
    alphabet=st.characters(
        min_codepoint=0x21, max_codepoint=0x7E, exclude_characters='"'
    ),
    max_size=10,
)


@given(st.lists(_tags, max_size=5), st.lists(_tags, max_size=5))
def test_etags_header_round_trips(strong, weak):
    etags = ETags(strong, weak)
    assert parse_etags(etags.to_header()) == etags


@given(_tags, st.booleans())
def test_quote_then_unquote_round_trips(tag, weak):
    assert unquote_etag(quote_etag(tag, weak)) == (tag, weak)
