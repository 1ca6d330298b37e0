"""Tests for kolben.http.policy."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from werkzeug.http import parse_csp_header as werkzeug_parse_csp_header

from kolben.http.policy import (
    COEP,
    COOP,
    ContentSecurityPolicy,
    dump_csp_header,
    parse_csp_header,
)


def test_directives_are_attributes_and_items():
    csp = ContentSecurityPolicy()
    csp.default_src = "'self'"
    csp.img_src = "*"
    assert csp["default-src"] == "'self'"
    assert csp.to_header() == "default-src 'self'; img-src *"
    assert str(csp) == csp.to_header()
    assert repr(csp) == "<ContentSecurityPolicy \"default-src 'self'; img-src *\">"
    csp.img_src = None
    del csp.script_src  # not set: nothing to do
    assert csp.img_src is None and csp.to_header() == "default-src 'self'"
    del csp.default_src
    assert not csp and csp.provided


def test_changes_are_reported():
    seen: list[dict[str, str]] = []
    csp = ContentSecurityPolicy(
        {"default-src": "'none'"}, lambda c: seen.append(dict(c))
    )
    csp.script_src = "'self'"
    csp.pop("default-src")
    csp.update({"img-src": "*"})
    csp.setdefault("img-src", "x")  # present: no change
    csp.setdefault("font-src", "x")
    csp |= {"media-src": "y"}
    csp.popitem()
    csp.clear()
    assert len(seen) == 7 and seen[-1] == {}


@pytest.mark.parametrize(
    "value",
    [
        None,
        "",
        "default-src 'self'",
        " default-src  'self' 'unsafe-inline' ;img-src *; ;bad;",
        "upgrade-insecure-requests; script-src https://a.example",
    ],
)
def test_parse_matches_werkzeug(value):
    ours = parse_csp_header(value)
    theirs = werkzeug_parse_csp_header(value)
    assert dict(ours) == dict(theirs)
    assert ours.provided == theirs.provided
    assert ours.to_header() == theirs.to_header()


def test_parse_with_a_subclass():
    class Policy(ContentSecurityPolicy):
        pass

    assert type(parse_csp_header("a b", cls=Policy)) is Policy
    assert dump_csp_header({"a": "b", "c": "d"}) == "a b; c d"


_word = st.text(
    alphabet=st.characters(codec="ascii", exclude_characters=" \t;\r\n\0"),
    min_size=1,
)


@given(st.dictionaries(_word, st.lists(_word, min_size=1).map(" ".join)))
def test_to_header_parses_back(directives):
    csp = ContentSecurityPolicy(directives)
    assert parse_csp_header(csp.to_header()) == directives


def test_cross_origin_policies_are_the_header_values():
    assert COOP("same-origin") is COOP.SAME_ORIGIN
    assert COOP.SAME_ORIGIN_ALLOW_POPUPS.value == "same-origin-allow-popups"
    assert COEP("require-corp") is COEP.REQUIRE_CORP
    assert COEP.UNSAFE_NONE.value == COOP.UNSAFE_NONE.value == "unsafe-none"
