"""Tests for the URL converters: matching, parsing and building values."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from kolben.http.exceptions import NotFound
from kolben.routing import (
    DEFAULT_CONVERTERS,
    AnyConverter,
    BaseConverter,
    FloatConverter,
    IntegerConverter,
    Map,
    PathConverter,
    Rule,
    UnicodeConverter,
    UUIDConverter,
    ValidationError,
)


def _map(*rules: str, **kwargs: Any) -> Map:
    return Map([Rule(rule, endpoint=f"e{i}") for i, rule in enumerate(rules)], **kwargs)


def _endpoint_and_values(url_map: Map, path: str) -> tuple[str | None, dict[str, Any]]:
    rule, values = url_map.match(path)
    return rule.endpoint, values


def test_default_converters_are_flasks_and_read_only() -> None:
    assert dict(DEFAULT_CONVERTERS) == {
        "default": UnicodeConverter,
        "string": UnicodeConverter,
        "any": AnyConverter,
        "path": PathConverter,
        "int": IntegerConverter,
        "float": FloatConverter,
        "uuid": UUIDConverter,
    }
    with pytest.raises(TypeError):
        DEFAULT_CONVERTERS["x"] = UnicodeConverter  # type: ignore[index]


def test_each_map_gets_its_own_converters_dict() -> None:
    first, second = Map(), Map()
    first.converters["x"] = UnicodeConverter
    assert "x" not in second.converters
    assert "x" not in DEFAULT_CONVERTERS


def test_string_matches_one_segment() -> None:
    url_map = _map("/<name>")
    assert _endpoint_and_values(url_map, "/a b") == ("e0", {"name": "a b"})
    with pytest.raises(NotFound):
        url_map.match("/a/b")


@pytest.mark.parametrize(
    ("args", "good", "bad"),
    [
        ("length=2", ["de", "ü!"], ["d", "deu"]),
        ("minlength=2", ["ab", "abcdef"], ["a"]),
        ("maxlength=3", ["a", "abc"], ["abcd"]),
        ("minlength=2, maxlength=3", ["ab", "abc"], ["a", "abcd"]),
    ],
)
def test_string_length_options(args: str, good: list[str], bad: list[str]) -> None:
    url_map = _map(f"/<string({args}):cc>")
    for text in good:
        assert url_map.match(f"/{text}")[1] == {"cc": text}
    for text in bad:
        with pytest.raises(NotFound):
            url_map.match(f"/{text}")


def test_int_converts_and_rejects_non_digits() -> None:
    url_map = _map("/<int:n>")
    assert url_map.match("/042")[1] == {"n": 42}
    for text in ("-1", "1.5", "x", "1_000", "\u0663"):  # "\u0663" is Arabic 3
        with pytest.raises(NotFound):
            url_map.match(f"/{text}")


def test_int_signed_min_max_and_fixed_digits() -> None:
    assert _map("/<int(signed=True):n>").match("/-7")[1] == {"n": -7}
    bounded = _map("/<int(min=1, max=10):n>")
    assert bounded.match("/10")[1] == {"n": 10}
    for text in ("0", "11"):
        with pytest.raises(NotFound):
            bounded.match(f"/{text}")
    fixed = _map("/<int(fixed_digits=4):year>")
    assert fixed.match("/0999")[1] == {"year": 999}
    with pytest.raises(NotFound):
        fixed.match("/999")
    assert fixed.build("e0", {"year": 7}) == ("", "/0007")


def test_float_needs_a_dot_and_honours_options() -> None:
    url_map = _map("/<float:x>")
    assert url_map.match("/1.5")[1] == {"x": 1.5}
    for text in ("1", "-1.5", "1e5", ".5"):
        with pytest.raises(NotFound):
            url_map.match(f"/{text}")
    assert _map("/<float(signed=True):x>").match("/-0.25")[1] == {"x": -0.25}
    bounded = _map("/<float(min=0.5, max=1.0):x>")
    assert bounded.match("/1.0")[1] == {"x": 1.0}
    with pytest.raises(NotFound):
        bounded.match("/1.01")
    assert url_map.build("e0", {"x": 2}) == ("", "/2.0")


def test_uuid_converts_to_uuid_and_builds_canonical_text() -> None:
    url_map = _map("/<uuid:id>")
    value = uuid.UUID("12345678-1234-5678-1234-567812345678")
    assert url_map.match("/12345678-1234-5678-1234-567812345678")[1] == {"id": value}
    assert url_map.match("/12345678-1234-5678-1234-56781234567A")[1]["id"] == uuid.UUID(
        "12345678-1234-5678-1234-56781234567a"
    )
    with pytest.raises(NotFound):
        url_map.match("/12345678123456781234567812345678")
    built = url_map.build("e0", {"id": "12345678-1234-5678-1234-56781234567A"})
    assert built == ("", "/12345678-1234-5678-1234-56781234567a")


def test_any_matches_its_items_only_and_quotes_on_build() -> None:
    url_map = _map('/<any(about, help, "a b"):page>')
    assert url_map.match("/about")[1] == {"page": "about"}
    assert url_map.match("/a b")[1] == {"page": "a b"}
    with pytest.raises(NotFound):
        url_map.match("/contact")
    assert url_map.build("e0", {"page": "a b"}) == ("", "/a%20b")
    with pytest.raises(ValueError, match="'contact' is not one of"):
        url_map.build("e0", {"page": "contact"})


def test_any_prefers_no_item_over_another() -> None:
    url_map = _map("/<any(a, ab):x>/z")
    assert url_map.match("/ab/z")[1] == {"x": "ab"}
    assert url_map.match("/a/z")[1] == {"x": "a"}


def test_any_without_items_is_rejected_at_registration() -> None:
    with pytest.raises(ValueError, match="any\\(\\) needs at least one item"):
        _map("/<any():x>")


def test_path_matches_slashes_but_not_a_leading_one() -> None:
    url_map = _map("/files/<path:name>")
    assert url_map.match("/files/a/b.txt")[1] == {"name": "a/b.txt"}
    with pytest.raises(NotFound):
        url_map.match("/files/")


def test_path_keeps_slashes_when_building_string_quotes_them() -> None:
    url_map = _map("/files/<path:name>", "/users/<name>")
    assert url_map.build("e0", {"name": "a b/ü.txt"}) == ("", "/files/a%20b/%C3%BC.txt")
    # One-segment converters quote "/" so a value cannot add a segment.
    assert url_map.build("e1", {"name": "a/../b"}) == ("", "/users/a%2F..%2Fb")


def test_converter_weights_order_int_before_string_before_path() -> None:
    assert IntegerConverter.weight < UnicodeConverter.weight < PathConverter.weight
    url_map = _map("/<path:p>", "/<s>", "/<int:n>")
    assert _endpoint_and_values(url_map, "/5") == ("e2", {"n": 5})
    assert _endpoint_and_values(url_map, "/x") == ("e1", {"s": "x"})
    assert _endpoint_and_values(url_map, "/x/y") == ("e0", {"p": "x/y"})


class ListConverter(BaseConverter):
    """Comma separated values, as in Flask's documentation."""

    def to_python(self, value: str) -> list[str]:
        return value.split(",")

    def to_url(self, value: Any) -> str:
        return ",".join(super(ListConverter, self).to_url(item) for item in value)


class EvenConverter(BaseConverter):
    """Only even numbers; odd ones fall through to the next rule."""

    regex = "[0-9]+"
    weight = 50

    def to_python(self, value: str) -> int:
        number = int(value)
        if number % 2:
            raise ValidationError()
        return number


def test_custom_converter_registered_after_creating_the_map() -> None:
    url_map = Map()
    url_map.converters["list"] = ListConverter
    url_map.add(Rule("/tags/<list:tags>", endpoint="tags"))
    assert url_map.match("/tags/a,b")[1] == {"tags": ["a", "b"]}
    assert url_map.build("tags", {"tags": ["x y", "z"]}) == ("", "/tags/x%20y,z")


def test_custom_converter_passed_to_the_map() -> None:
    url_map = Map(
        [Rule("/<even:n>", endpoint="even"), Rule("/<int:n>", endpoint="int")],
        converters={"even": EvenConverter},
    )
    assert url_map.converters["even"] is EvenConverter
    assert _endpoint_and_values(url_map, "/4") == ("even", {"n": 4})
    # ValidationError means "not this rule": the next rule gets its chance.
    assert _endpoint_and_values(url_map, "/3") == ("int", {"n": 3})


def test_validation_error_is_a_value_error() -> None:
    assert issubclass(ValidationError, ValueError)


def test_a_regex_with_a_slash_makes_a_converter_span_segments() -> None:
    class Dotted(BaseConverter):
        regex = "[^/]+(?:/[^/]+)*"

    class Explicit(BaseConverter):
        regex = "a/b"
        part_isolating = True

    assert Dotted.part_isolating is False
    assert Explicit.part_isolating is True
    assert UnicodeConverter.part_isolating is True


def test_converter_with_named_groups_is_rejected() -> None:
    class Named(BaseConverter):
        regex = "(?P<x>[a-z]+)"

    url_map = Map(converters={"named": Named})
    with pytest.raises(ValueError, match="must not use named groups"):
        url_map.add(Rule("/<named:x>"))


def test_converter_with_capturing_groups_still_reads_the_right_values() -> None:
    class Pair(BaseConverter):
        regex = "([a-z]+)-([a-z]+)"

    url_map = Map(
        [Rule("/<pair:p>/<int:n>", endpoint="pair")], converters={"pair": Pair}
    )
    assert url_map.match("/ab-cd/3")[1] == {"p": "ab-cd", "n": 3}


def test_base_converter_ignores_extra_arguments_like_werkzeug() -> None:
    converter = BaseConverter(Map(), 1, x=2)
    assert converter.to_python("a b") == "a b"
    assert converter.to_url("a b/c?") == "a%20b%2Fc%3F"


def test_number_converter_with_a_wider_regex_validates_in_to_python() -> None:
    class Hexish(IntegerConverter):
        regex = "[0-9a-f]+"

    url_map = Map(
        [Rule("/<hexish:n>", endpoint="n"), Rule("/<name>", endpoint="name")],
        converters={"hexish": Hexish},
    )
    assert _endpoint_and_values(url_map, "/12") == ("n", {"n": 12})
    assert _endpoint_and_values(url_map, "/ff") == ("name", {"name": "ff"})
    signed = Map([Rule("/<hexish(signed=True):n>")], converters={"hexish": Hexish})
    assert signed.match("/-12")[1] == {"n": -12}


def test_converter_with_an_invalid_regex_is_rejected() -> None:
    class Broken(BaseConverter):
        regex = "[a-"

    with pytest.raises(ValueError, match=r"Broken in URL rule '/<b:x>' has an invalid"):
        Map([Rule("/<b:x>")], converters={"b": Broken})


@pytest.mark.parametrize(
    "rule",
    [
        "/<int(min=abc):n>",
        "/<int(max=True):n>",
        "/<float(min='1'):x>",
        "/<int(fixed_digits=x):n>",
        "/<int(fixed_digits=-1):n>",
    ],
)
def test_number_converter_arguments_are_checked_when_the_rule_is_added(
    rule: str,
) -> None:
    # Found by fuzzing: min=abc was accepted, and the first request for the
    # rule compared an int with a str (a TypeError, so a 500).
    with pytest.raises(ValueError, match="rejected its arguments"):
        _map(rule)


@pytest.mark.parametrize(
    "rule", ["/<string(length=1e999):x>", "/<string(length=99999999999):x>"]
)
def test_converter_arguments_out_of_range_are_refused_at_registration(
    rule: str,
) -> None:
    # int(inf) and a regex repeat past re's limit raise OverflowError.
    with pytest.raises(ValueError, match=r"URL rule '/<string\(length="):
        _map(rule)
