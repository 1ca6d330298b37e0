"""Tests for the rule syntax parser and the converter argument parser."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kolben.routing.parser import Variable, parse_converter_args, parse_rule


def test_parse_rule_splits_static_text_and_variables() -> None:
    assert parse_rule("/users/<int(min=1):id>/<name>.json") == [
        "/users/",
        Variable("int", (), {"min": 1}, "id"),
        "/",
        Variable("default", (), {}, "name"),
        ".json",
    ]


def test_parse_rule_reads_quoted_arguments_with_syntax_characters() -> None:
    (_, variable) = parse_rule("/<any('a>b', \"c)d\", 'e:f'):x>")
    assert variable == Variable("any", ("a>b", "c)d", "e:f"), {}, "x")


@pytest.mark.parametrize(
    ("rule", "reason"),
    [
        ("/<int:>", "expected a variable name after 'int:'"),
        ("/<>", "expected a name after '<'"),
        ("/<:x>", "expected a name after '<'"),
        ("/<x", "expected '>' at position 3"),
        ("/<int:x", "expected '>'"),
        ("/<x y>", "expected '>'"),
        ("/a>b", "'>' at position 2 closes nothing"),
        ("/<int(:x>", "'(' at position 5 is never closed"),
        ("/<any('a):x>", "'(' at position 5 is never closed"),
        ("/<int(1)x>", "expected ':' after the arguments"),
        ("/<int(1 2):x>", "cannot parse converter arguments"),
        ("/<x>/<int:x>", "variable 'x' appears twice"),
        ("/<int(max=1, max=2):x>", "'max' is given twice"),
        ("/<int(max=1, 2):x>", "positional converter argument after a keyword"),
    ],
)
def test_malformed_rules_raise_value_error_naming_the_rule(
    rule: str, reason: str
) -> None:
    with pytest.raises(ValueError) as info:
        parse_rule(rule)
    assert f"Malformed URL rule {rule!r}" in str(info.value)
    assert reason in str(info.value)


@pytest.mark.parametrize(
    ("text", "args", "kwargs"),
    [
        ("", (), {}),
        ("  ", (), {}),
        ("2", (2,), {}),
        ("-3, +4", (-3, 4), {}),
        ("1.5, .5, 2e3", (1.5, 0.5, 2000.0), {}),
        ("True, False, None", (True, False, None), {}),
        ("about, help_me, v1.0", ("about", "help_me", "v1.0"), {}),
        ("'a b', \"c,d\"", ("a b", "c,d"), {}),
        ("length=2", (), {"length": 2}),
        ("1, signed = True, max=10,", (1,), {"signed": True, "max": 10}),
        ("inf, nan", ("inf", "nan"), {}),
    ],
)
def test_parse_converter_args_like_python_call_arguments(
    text: str, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> None:
    assert parse_converter_args(text) == (args, kwargs)


@pytest.mark.parametrize("text", ["1,,2", "a b", "x=", "=1", "'open", ",", "f(x)"])
def test_parse_converter_args_rejects_malformed_lists(text: str) -> None:
    with pytest.raises(ValueError):
        parse_converter_args(text)


_IDENTIFIERS = st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,8}", fullmatch=True)
_VALUES: st.SearchStrategy[Any] = st.one_of(
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=False, allow_infinity=False, min_value=-1e9, max_value=1e9),
    st.booleans(),
    st.none(),
    st.text(st.characters(exclude_characters="\"'"), max_size=10),
    _IDENTIFIERS.filter(lambda name: name not in ("True", "False", "None")),
)


def _format(value: Any) -> str:
    if isinstance(value, str):
        bare = value.isidentifier() and value not in ("True", "False", "None")
        return value if bare else '"' + value + '"'
    return repr(value)


@given(
    st.lists(_VALUES, max_size=4),
    st.dictionaries(_IDENTIFIERS, _VALUES, max_size=4),
)
def test_converter_args_round_trip(args: list[Any], kwargs: dict[str, Any]) -> None:
    text = ", ".join(
        [_format(value) for value in args]
        + [f"{name}={_format(value)}" for name, value in kwargs.items()]
    )
    assert parse_converter_args(text) == (tuple(args), kwargs)


@given(st.text(max_size=40))
def test_parse_converter_args_only_raises_value_error(text: str) -> None:
    try:
        args, kwargs = parse_converter_args(text)
    except ValueError:
        return
    assert isinstance(args, tuple) and isinstance(kwargs, dict)


@given(st.text(alphabet="/<>():,=ab1 '\"_", max_size=30))
def test_parse_rule_only_raises_value_error(rule: str) -> None:
    try:
        items = parse_rule(rule)
    except ValueError as exc:
        assert repr(rule) in str(exc)
        return
    static = "".join(item for item in items if isinstance(item, str))
    # Whatever parses is static text plus well-formed placeholders.
    assert "<" not in static and ">" not in static
    names = [item.name for item in items if isinstance(item, Variable)]
    assert len(names) == len(set(names))


_SEGMENT = st.one_of(
    st.text(st.characters(exclude_characters="<>/"), min_size=1, max_size=6),
    st.builds(
        lambda conv, name: Variable(conv, (), {}, name),
        st.sampled_from(["default", "int", "path", "uuid"]),
        _IDENTIFIERS,
    ),
)


@given(st.lists(_SEGMENT, min_size=1, max_size=5, unique_by=str))
def test_parse_rule_round_trips_generated_rules(segments: list[Any]) -> None:
    names = [s.name for s in segments if isinstance(s, Variable)]
    if len(names) != len(set(names)):
        return
    rule = "".join(
        "/" + (s if isinstance(s, str) else f"<{s.converter}:{s.name}>")
        for s in segments
    )
    items = parse_rule(rule)
    assert [item for item in items if isinstance(item, Variable)] == [
        s for s in segments if isinstance(s, Variable)
    ]
    rebuilt = "".join(
        item if isinstance(item, str) else f"<{item.converter}:{item.name}>"
        for item in items
    )
    assert rebuilt == rule
