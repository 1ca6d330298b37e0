"""Tests for Rule: construction, validation, binding and its attributes."""

from __future__ import annotations

import pytest

from kolben.routing import Map, Rule


def test_rule_attributes_before_and_after_binding() -> None:
    rule = Rule("/users/<int:id>", endpoint="user", methods=["get", "put"])
    assert rule.rule == "/users/<int:id>"
    assert str(rule) == "/users/<int:id>"
    assert rule.endpoint == "user"
    assert rule.methods == frozenset({"GET", "HEAD", "PUT"})
    assert rule.arguments == frozenset({"id"})
    assert rule.defaults is None
    before = (rule.map, rule.strict_slashes, rule.subdomain)
    assert before == (None, None, None)
    assert rule.provide_automatic_options is False
    assert rule.websocket is False
    url_map = Map(strict_slashes=False, merge_slashes=False)
    url_map.add(rule)
    assert rule.map is url_map
    assert rule.strict_slashes is False
    assert rule.merge_slashes is False
    assert rule.subdomain == ""


def test_rule_settings_override_the_maps() -> None:
    rule = Rule("/a/", strict_slashes=False, merge_slashes=False)
    Map([rule])
    assert rule.strict_slashes is False
    assert rule.merge_slashes is False


def test_head_is_added_next_to_get_only() -> None:
    assert Rule("/", methods=["GET"]).methods == frozenset({"GET", "HEAD"})
    assert Rule("/", methods=["POST"]).methods == frozenset({"POST"})
    assert Rule("/").methods is None


def test_methods_as_a_string_is_a_type_error_with_the_fix() -> None:
    with pytest.raises(TypeError, match=r"must be a list of strings, like \['POST'\]"):
        Rule("/", methods="POST")


def test_websocket_rules_only_take_get() -> None:
    rule = Rule("/ws", websocket=True, methods=["GET", "OPTIONS"])
    assert rule.methods == frozenset({"GET", "HEAD", "OPTIONS"})
    with pytest.raises(ValueError, match=r"WebSocket rule '/ws' .*\['POST'\]"):
        Rule("/ws", websocket=True, methods=["GET", "POST"])


def test_rules_must_start_with_a_slash() -> None:
    with pytest.raises(ValueError, match="URL rule 'users' must start with a slash"):
        Rule("users")


def test_malformed_rules_fail_when_created() -> None:
    with pytest.raises(ValueError, match=r"Malformed URL rule '/<int:>'"):
        Rule("/<int:>")
    with pytest.raises(ValueError, match=r"'<x': .* subdomain of URL rule '/<x>'"):
        Rule("/<x>", subdomain="<x")


def test_unknown_converter_fails_at_registration_and_teaches_the_fix() -> None:
    url_map = Map()
    with pytest.raises(ValueError) as info:
        url_map.add(Rule("/<list:tags>"))
    message = str(info.value)
    assert "'/<list:tags>'" in message
    assert "unknown converter 'list'" in message
    assert "url_map.converters['list'] = YourConverter" in message
    assert len(url_map) == 0


def test_bad_converter_arguments_fail_at_registration() -> None:
    with pytest.raises(ValueError, match=r"'int' in URL rule '/<int\(nope=1\):x>'"):
        Map([Rule("/<int(nope=1):x>")])


def test_duplicate_variable_in_domain_and_path() -> None:
    with pytest.raises(ValueError, match=r"\['x'\] in both its domain and its path"):
        Map([Rule("/<x>", subdomain="<x>")])


def test_path_converter_in_a_domain_is_rejected() -> None:
    with pytest.raises(ValueError, match="a host name cannot contain"):
        Map([Rule("/", host="<path:h>")], host_matching=True)


def test_redirect_to_placeholders_must_be_variables() -> None:
    with pytest.raises(ValueError, match="uses <slug>, which is not a variable"):
        Map([Rule("/old/<int:id>", redirect_to="/new/<slug>")])


def test_a_rule_binds_to_one_map_only() -> None:
    rule = Rule("/")
    Map([rule])
    with pytest.raises(RuntimeError, match="already bound to a map"):
        Map([rule])


def test_map_add_only_takes_rules() -> None:
    with pytest.raises(TypeError, match="takes a Rule, not str"):
        Map().add("/x")  # type: ignore[arg-type]


def test_arguments_include_domain_variables_once_bound() -> None:
    rule = Rule("/<int:id>", subdomain="<user>")
    assert rule.arguments == frozenset({"id"})
    Map([rule])
    assert rule.arguments == frozenset({"id", "user"})


def test_is_static() -> None:
    assert Rule("/about").is_static
    assert not Rule("/<x>").is_static
    assert not Rule("/about", subdomain="<user>").is_static
    bound = Rule("/about", host="<h>.example.com")
    assert not bound.is_static
    Map([bound], host_matching=True)
    assert not bound.is_static
    ignored = Rule("/about", host="<h>.example.com")
    Map([ignored])  # without host matching the host is not used
    assert ignored.is_static


def test_defaults_are_copied() -> None:
    defaults = {"page": 1}
    rule = Rule("/", defaults=defaults)
    defaults["page"] = 2
    assert rule.defaults == {"page": 1}


def test_repr_shows_rule_methods_and_endpoint() -> None:
    rule = Rule("/users/<int:id>", endpoint="user", methods=["GET", "OPTIONS"])
    assert repr(rule) == "<Rule '/users/<int:id>' (GET, HEAD, OPTIONS) -> user>"
    assert repr(Rule("/", endpoint="index")) == "<Rule '/' -> index>"


def test_suitable_for_checks_method_values_and_defaults() -> None:
    rule = Rule("/<int:id>", endpoint="e", methods=["GET"], defaults={"v": 1})
    Map([rule])
    assert rule.suitable_for({"id": 1}, None)
    assert rule.suitable_for({"id": 1, "v": 1}, "GET")
    assert not rule.suitable_for({"id": 1}, "POST")
    assert not rule.suitable_for({}, "GET")
    assert not rule.suitable_for({"id": 1, "v": 2}, "GET")


def test_build_needs_a_bound_rule() -> None:
    with pytest.raises(RuntimeError, match="not bound to a map"):
        Rule("/").build({})


def test_merge_slashes_applies_to_the_rule_itself() -> None:
    merged = Rule("/a//b", endpoint="merged")
    kept = Rule("/c//d", endpoint="kept", merge_slashes=False)
    url_map = Map([merged, kept])
    assert url_map.match("/a/b")[0] is merged
    assert url_map.match("/c//d")[0] is kept
    assert url_map.build("merged") == ("", "/a/b")
    assert url_map.build("kept") == ("", "/c//d")
