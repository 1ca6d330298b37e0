"""Tests for Map.match and Map.allowed_methods: what a request routes to."""

from __future__ import annotations

from typing import Any

import pytest

from kolben.http.exceptions import BadRequest, HTTPException, MethodNotAllowed, NotFound
from kolben.routing import (
    BaseConverter,
    Map,
    RequestRedirect,
    Rule,
    ValidationError,
    WebsocketMismatch,
)


def _route(url_map: Map, path: str, method: str = "GET", **kwargs: Any) -> Any:
    """Return (endpoint, values), or what the matcher raised, for comparison."""
    try:
        rule, values = url_map.match(path, method, **kwargs)
    except RequestRedirect as exc:
        return ("redirect", exc.new_url)
    except MethodNotAllowed as exc:
        return (405, exc.valid_methods)
    except WebsocketMismatch:
        return (400,)
    except NotFound:
        return (404,)
    return (rule.endpoint, values)


def _map(*specs: tuple[str, str], **kwargs: Any) -> Map:
    return Map([Rule(rule, endpoint=endpoint) for rule, endpoint in specs], **kwargs)


def test_static_and_dynamic_rules() -> None:
    url_map = _map(("/", "index"), ("/users/<int:id>", "user"))
    rule, values = url_map.match("/users/42")
    assert (rule.endpoint, values) == ("user", {"id": 42})
    assert rule.rule == "/users/<int:id>"
    assert _route(url_map, "/") == ("index", {})
    assert _route(url_map, "/nope") == (404,)
    assert _route(Map(), "/") == (404,)


def test_match_returns_a_fresh_dict_each_time() -> None:
    url_map = Map([Rule("/", endpoint="index", defaults={"page": 1})])
    first = url_map.match("/")[1]
    first["page"] = 99
    assert url_map.match("/")[1] == {"page": 1}


def test_static_segment_beats_converter_whatever_the_order() -> None:
    url_map = _map(("/users/<name>", "by_name"), ("/users/new", "new"))
    assert _route(url_map, "/users/new") == ("new", {})
    assert _route(url_map, "/users/bob") == ("by_name", {"name": "bob"})


def test_int_beats_string_whatever_the_order() -> None:
    url_map = _map(("/p/<name>", "by_name"), ("/p/<int:id>", "by_id"))
    assert _route(url_map, "/p/42") == ("by_id", {"id": 42})
    assert _route(url_map, "/p/x42") == ("by_name", {"name": "x42"})


def test_declaration_order_breaks_ties() -> None:
    url_map = _map(("/<a>", "first"), ("/<b>", "second"))
    assert _route(url_map, "/x") == ("first", {"a": "x"})


def test_priority_is_decided_segment_by_segment() -> None:
    # At the first segment "<a>" and "<any(...)>" tie; "<a>" was declared
    # first, so its rules are tried before a later rule with a static second
    # segment (Werkzeug's depth-first order).
    url_map = _map(
        ("/<a>/<b>", "strings"), ("/<any(x, y):a>/edit", "any_edit"), ("/<a>/q", "q")
    )
    assert _route(url_map, "/x/edit") == ("strings", {"a": "x", "b": "edit"})
    assert _route(url_map, "/x/q") == ("q", {"a": "x"})


def test_more_static_text_in_a_segment_wins() -> None:
    url_map = _map(("/<name>", "page"), ("/<name>.json", "json"))
    assert _route(url_map, "/a.json") == ("json", {"name": "a"})
    assert _route(url_map, "/a.xml") == ("page", {"name": "a.xml"})


def test_path_converter_with_a_suffix_beats_a_bare_one() -> None:
    url_map = _map(("/wiki/<path:page>", "show"), ("/wiki/<path:page>/edit", "edit"))
    assert _route(url_map, "/wiki/a/b/edit") == ("edit", {"page": "a/b"})
    assert _route(url_map, "/wiki/a/b") == ("show", {"page": "a/b"})


def test_trailing_slash_redirects_with_308() -> None:
    url_map = _map(("/docs/", "docs"), ("/users/<name>/", "user"))
    assert _route(url_map, "/docs") == ("redirect", "/docs/")
    assert _route(url_map, "/users/bob") == ("redirect", "/users/bob/")
    assert _route(url_map, "/docs/") == ("docs", {})
    with pytest.raises(RequestRedirect) as info:
        url_map.match("/docs")
    assert info.value.code == 308
    assert isinstance(info.value, HTTPException)


def test_rule_without_trailing_slash_does_not_match_one() -> None:
    url_map = _map(("/about", "about"), ("/u/<name>", "user"))
    assert _route(url_map, "/about/") == (404,)
    assert _route(url_map, "/u/bob/") == (404,)


def test_non_strict_slashes_match_both_forms_without_redirect() -> None:
    url_map = _map(("/docs/", "docs"), ("/about", "about"), strict_slashes=False)
    for path in ("/docs", "/docs/"):
        assert _route(url_map, path) == ("docs", {})
    for path in ("/about", "/about/"):
        assert _route(url_map, path) == ("about", {})
    dynamic = Map([Rule("/u/<name>", endpoint="user", strict_slashes=False)])
    assert _route(dynamic, "/u/bob/") == ("user", {"name": "bob"})


def test_exact_rule_beats_slash_variants() -> None:
    url_map = _map(("/a", "leaf"), ("/a/", "branch"), strict_slashes=False)
    assert _route(url_map, "/a") == ("leaf", {})
    assert _route(url_map, "/a/") == ("branch", {})
    dynamic = _map(("/<x>", "leaf"), ("/<x>/", "branch"), strict_slashes=False)
    assert _route(dynamic, "/a") == ("leaf", {"x": "a"})
    assert _route(dynamic, "/a/") == ("branch", {"x": "a"})


def test_slash_redirect_only_for_a_method_the_rule_takes() -> None:
    url_map = Map([Rule("/docs/", endpoint="docs", methods=["GET"])])
    assert _route(url_map, "/docs", "GET") == ("redirect", "/docs/")
    assert _route(url_map, "/docs", "POST") == (404,)


def test_merge_slashes_redirects_to_the_merged_path() -> None:
    url_map = _map(("/a/b", "ab"), ("/docs/", "docs"), ("/u/<int:id>", "user"))
    assert _route(url_map, "/a//b") == ("redirect", "/a/b")
    assert _route(url_map, "//a///b") == ("redirect", "/a/b")
    assert _route(url_map, "//docs") == ("redirect", "/docs/")
    assert _route(url_map, "/u//5") == ("redirect", "/u/5")
    assert _route(url_map, "/x//y") == (404,)


def test_merge_slashes_can_be_turned_off() -> None:
    url_map = _map(("/a/b", "ab"), merge_slashes=False)
    assert _route(url_map, "/a//b") == (404,)
    per_rule = Map([Rule("/a/b", endpoint="ab", merge_slashes=False)])
    assert _route(per_rule, "/a//b") == (404,)


def test_slashes_inside_a_path_value_are_kept() -> None:
    url_map = _map(("/files/<path:name>", "files"))
    assert _route(url_map, "/files/a//b") == ("files", {"name": "a//b"})


def test_head_is_automatic_for_get() -> None:
    url_map = Map([Rule("/", endpoint="index", methods=["GET"])])
    assert _route(url_map, "/", "HEAD") == ("index", {})


def test_405_lists_the_methods_of_every_matching_rule() -> None:
    url_map = Map(
        [
            Rule("/items/<int:id>", endpoint="get", methods=["GET"]),
            Rule("/items/<int:id>", endpoint="put", methods=["PUT", "DELETE"]),
            Rule("/items/<name>", endpoint="named", methods=["PATCH"]),
        ]
    )
    assert _route(url_map, "/items/1", "PUT") == ("put", {"id": 1})
    assert _route(url_map, "/items/1", "POST") == (
        405,
        ["DELETE", "GET", "HEAD", "PATCH", "PUT"],
    )
    assert _route(url_map, "/items/x", "POST") == (405, ["PATCH"])
    assert url_map.allowed_methods("/items/1") == {
        "GET",
        "HEAD",
        "PUT",
        "DELETE",
        "PATCH",
    }
    assert url_map.allowed_methods("/nope") == set()


def test_wrong_method_falls_through_to_a_lower_priority_rule() -> None:
    url_map = Map(
        [
            Rule("/users/new", endpoint="new_form", methods=["POST"]),
            Rule("/users/<name>", endpoint="user", methods=["GET"]),
        ]
    )
    assert _route(url_map, "/users/new", "GET") == ("user", {"name": "new"})
    assert _route(url_map, "/users/new", "POST") == ("new_form", {})
    assert _route(url_map, "/users/new", "PUT") == (405, ["GET", "HEAD", "POST"])


def test_static_405_and_allowed_methods() -> None:
    url_map = Map([Rule("/login", endpoint="login", methods=["GET", "POST"])])
    assert _route(url_map, "/login", "DELETE") == (405, ["GET", "HEAD", "POST"])
    assert url_map.allowed_methods("/login") == {"GET", "HEAD", "POST"}
    assert url_map.allowed_methods("//login") == {"GET", "HEAD", "POST"}


def test_rules_without_methods_take_any_method() -> None:
    url_map = _map(("/any", "any"))
    assert _route(url_map, "/any", "BREW") == ("any", {})
    assert url_map.allowed_methods("/any") == set()


def test_defaults_are_merged_into_values() -> None:
    url_map = Map([Rule("/blog/", endpoint="blog", defaults={"page": 1})])
    assert _route(url_map, "/blog/") == ("blog", {"page": 1})


def test_redirect_defaults_sends_the_default_url_to_the_canonical_rule() -> None:
    url_map = Map(
        [
            Rule("/all/", endpoint="entries", defaults={"page": 1}),
            Rule("/all/page/<int:page>", endpoint="entries"),
        ]
    )
    assert _route(url_map, "/all/page/1") == ("redirect", "/all/")
    assert _route(url_map, "/all/page/2") == ("entries", {"page": 2})
    assert _route(url_map, "/all/") == ("entries", {"page": 1})


def test_defaults_are_merged_when_an_earlier_rule_fell_through() -> None:
    url_map = Map(
        [
            Rule("/x/<int(max=5):n>", endpoint="small"),
            Rule("/x/<int:n>", endpoint="big", defaults={"kind": "big"}),
        ]
    )
    assert _route(url_map, "/x/9") == ("big", {"n": 9, "kind": "big"})


class Odd(BaseConverter):
    """Matches any number, but only builds odd ones."""

    regex = "[0-9]+"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: Any) -> str:
        if int(value) % 2 == 0:
            raise ValidationError()
        return str(value)


def test_redirect_defaults_skips_a_rule_that_cannot_build() -> None:
    url_map = Map(
        [
            Rule("/odd/<odd:n>/", endpoint="e", defaults={"page": 1}),
            Rule("/n/<int:n>/", endpoint="e", defaults={"page": 1}),
            Rule("/n/<int:n>/<int:page>", endpoint="e"),
        ],
        converters={"odd": Odd},
    )
    assert _route(url_map, "/n/3/1") == ("redirect", "/odd/3/")
    assert _route(url_map, "/n/4/1") == ("redirect", "/n/4/")
    assert _route(url_map, "/n/4/2") == ("e", {"n": 4, "page": 2})


def test_redirect_defaults_can_be_turned_off() -> None:
    url_map = Map(
        [
            Rule("/all/", endpoint="entries", defaults={"page": 1}),
            Rule("/all/page/<int:page>", endpoint="entries"),
        ],
        redirect_defaults=False,
    )
    assert _route(url_map, "/all/page/1") == ("entries", {"page": 1})


def test_redirect_to_rules_redirect_with_the_values_filled_in() -> None:
    url_map = Map(
        [
            Rule("/old/<int:id>", endpoint="old", redirect_to="new/<id>"),
            Rule("/gone", endpoint="gone", redirect_to="https://example.org/x"),
        ]
    )
    assert _route(url_map, "/old/5") == ("redirect", "/new/5")
    assert _route(url_map, "/gone") == ("redirect", "https://example.org/x")


def test_build_only_rules_never_match() -> None:
    url_map = Map([Rule("/cdn/<path:f>", endpoint="cdn", build_only=True)])
    assert _route(url_map, "/cdn/a.js") == (404,)
    assert url_map.build("cdn", {"f": "a.js"}) == ("", "/cdn/a.js")


def test_validation_error_tries_the_next_rule_then_404s() -> None:
    url_map = Map(
        [
            Rule("/n/<int(max=9):n>", endpoint="small"),
            Rule("/n/<int(min=100):n>", endpoint="big"),
        ]
    )
    assert _route(url_map, "/n/5") == ("small", {"n": 5})
    assert _route(url_map, "/n/500") == ("big", {"n": 500})
    assert _route(url_map, "/n/50") == (404,)
    methods = Map([Rule("/n/<int(max=9):n>", endpoint="small", methods=["GET"])])
    assert methods.allowed_methods("/n/5") == {"GET", "HEAD"}
    assert methods.allowed_methods("/n/50") == set()
    assert _route(methods, "/n/50", "POST") == (404,)


def test_websocket_rules_and_mismatch() -> None:
    url_map = Map(
        [
            Rule("/ws", endpoint="ws", websocket=True),
            Rule("/http", endpoint="http"),
            Rule("/both", endpoint="both_http", methods=["GET"]),
            Rule("/both", endpoint="both_ws", websocket=True),
        ]
    )
    assert _route(url_map, "/ws", websocket=True) == ("ws", {})
    assert _route(url_map, "/ws") == (400,)
    assert _route(url_map, "/http", websocket=True) == (400,)
    assert _route(url_map, "/both") == ("both_http", {})
    assert _route(url_map, "/both", websocket=True) == ("both_ws", {})
    assert issubclass(WebsocketMismatch, BadRequest)
    assert WebsocketMismatch().code == 400


def test_subdomain_rules() -> None:
    url_map = Map(
        [
            Rule("/", endpoint="index"),
            Rule("/", endpoint="user_home", subdomain="<user>"),
            Rule("/status", endpoint="api_status", subdomain="api"),
            Rule("/<int:id>", endpoint="item", subdomain="<string(length=2):cc>"),
        ]
    )
    assert _route(url_map, "/", domain="") == ("index", {})
    assert _route(url_map, "/", domain="bob") == ("user_home", {"user": "bob"})
    assert _route(url_map, "/status", domain="api") == ("api_status", {})
    assert _route(url_map, "/status", domain="") == (404,)
    assert _route(url_map, "/5", domain="de") == ("item", {"cc": "de", "id": 5})
    assert _route(url_map, "/5", domain="deu") == (404,)


def test_domain_is_ignored_without_domain_rules() -> None:
    url_map = _map(("/", "index"), ("/<int:n>", "n"))
    assert _route(url_map, "/", domain="anything") == ("index", {})
    assert _route(url_map, "/3", domain="x.y") == ("n", {"n": 3})


def test_host_matching() -> None:
    url_map = Map(
        [
            Rule("/", endpoint="main", host="example.com"),
            Rule("/", endpoint="tenant", host="<tenant>.example.com"),
            Rule("/u/<int:id>", endpoint="user", host="<tenant>.example.com"),
            Rule("/", endpoint="local", host="localhost:8000"),
        ],
        host_matching=True,
    )
    assert _route(url_map, "/", domain="example.com") == ("main", {})
    assert _route(url_map, "/", domain="acme.example.com") == (
        "tenant",
        {"tenant": "acme"},
    )
    assert _route(url_map, "/u/3", domain="acme.example.com") == (
        "user",
        {"tenant": "acme", "id": 3},
    )
    assert _route(url_map, "/", domain="localhost:8000") == ("local", {})
    assert _route(url_map, "/", domain="other.org") == (404,)


def test_a_slash_in_the_domain_cannot_move_the_path() -> None:
    # SECURITY: with a Host of "a/b", the router must not see path "/b/x".
    url_map = Map(
        [Rule("/b/x", endpoint="bx", subdomain="<s>"), Rule("/x", endpoint="x")]
    )
    assert _route(url_map, "/x", domain="a/b") == (404,)
    assert url_map.allowed_methods("/x", domain="a/b") == set()


def test_redirect_targets_are_quoted_and_stay_on_this_host() -> None:
    # SECURITY: "/\\evil.com/" is read as "//evil.com/" by browsers.
    url_map = Map([Rule("/<name>/", endpoint="page")])
    assert _route(url_map, "/\\evil.com") == ("redirect", "/%5Cevil.com/")
    assert _route(url_map, "/a b\r\nX: y") == ("redirect", "/a%20b%0D%0AX:%20y/")
    open_redirect = Map([Rule("//<name>/", endpoint="x", merge_slashes=False)])
    assert _route(open_redirect, "//evil.com") == ("redirect", "/evil.com/")


def test_percent_decoded_paths_with_odd_characters() -> None:
    url_map = _map(("/<name>", "page"), ("/f/<path:p>", "file"))
    assert _route(url_map, "/a\nb") == ("page", {"name": "a\nb"})
    assert _route(url_map, "/f/a\n/b") == ("file", {"p": "a\n/b"})
    assert _route(url_map, "/ü%") == ("page", {"name": "ü%"})


def test_adding_rules_after_matching_recompiles() -> None:
    url_map = _map(("/a", "a"))
    assert _route(url_map, "/b") == (404,)
    url_map.add(Rule("/b", endpoint="b"))
    url_map.add(Rule("/c/<int:n>", endpoint="c"))
    assert _route(url_map, "/b") == ("b", {})
    assert _route(url_map, "/c/1") == ("c", {"n": 1})


def test_empty_matching_string_converter_can_outrank_a_static_slash_variant() -> None:
    # A converter that matches "" makes "/a/" a dynamic match that ranks
    # before the non-strict "/a" rule's slash variant.
    url_map = Map(
        [
            Rule("/a", endpoint="leaf", strict_slashes=False),
            Rule("/a/<string(minlength=0):rest>", endpoint="rest"),
        ]
    )
    assert _route(url_map, "/a/") == ("rest", {"rest": ""})
    assert _route(url_map, "/a") == ("leaf", {})


def test_many_rules_stay_correct_across_first_segment_buckets() -> None:
    rules = [Rule(f"/r{i}/<int:id>", endpoint=f"r{i}") for i in range(300)]
    rules.append(Rule("/<lang>/<int:id>", endpoint="lang"))
    url_map = Map(rules)
    assert _route(url_map, "/r299/7") == ("r299", {"id": 7})
    assert _route(url_map, "/r2/7") == ("r2", {"id": 7})
    assert _route(url_map, "/r2/x") == (404,)
    assert _route(url_map, "/de/7") == ("lang", {"lang": "de", "id": 7})
    assert _route(url_map, "/r2/7", "POST") == ("r2", {"id": 7})


def test_map_iteration_and_repr() -> None:
    first, second = Rule("/", endpoint="index"), Rule("/x", endpoint="x")
    url_map = Map([first, second])
    assert list(url_map) == [first, second]
    assert list(url_map.iter_rules("x")) == [second]
    assert list(url_map.iter_rules("missing")) == []
    assert len(url_map) == 2
    assert repr(url_map) == "Map([<Rule '/' -> index>, <Rule '/x' -> x>])"
    assert url_map.is_endpoint_expecting("index") is True
    lang = Rule("/<lang>/", endpoint="home")
    url_map.add(lang)
    assert url_map.is_endpoint_expecting("home", "lang")
    assert not url_map.is_endpoint_expecting("index", "lang")
