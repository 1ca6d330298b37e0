"""Tests for Map.build: picking a rule, quoting, query strings, errors."""

from __future__ import annotations

from typing import Any

import pytest

from kolben.routing import BaseConverter, BuildError, Map, Rule, ValidationError


class Positive(BaseConverter):
    """Builds only positive numbers; refuses others with ValidationError."""

    regex = "[0-9]+"

    def to_url(self, value: Any) -> str:
        if int(value) <= 0:
            raise ValidationError()
        return str(value)


def _build(url_map: Map, endpoint: str, **values: Any) -> str:
    return url_map.build(endpoint, values)[1]


def test_build_static_and_dynamic_rules() -> None:
    url_map = Map(
        [Rule("/", endpoint="index"), Rule("/users/<int:id>", endpoint="user")]
    )
    assert url_map.build("index") == ("", "/")
    assert url_map.build("user", {"id": 42}) == ("", "/users/42")


def test_unknown_values_go_to_the_query_string_in_order() -> None:
    url_map = Map([Rule("/search", endpoint="search")])
    built = _build(url_map, "search", q="a b&c", page=2, tags=["x", "y"], skip=None)
    assert built == "/search?q=a+b%26c&page=2&tags=x&tags=y"
    assert url_map.build("search", {"q": "x"}, append_unknown=False) == ("", "/search")
    assert _build(url_map, "search", empty=[], gone=None) == "/search"


def test_query_keeps_readable_characters() -> None:
    url_map = Map([Rule("/", endpoint="index")])
    assert _build(url_map, "index", next="/a/b?c=d:e@f") == "/?next=/a/b?c%3Dd:e@f"


def test_path_values_are_percent_quoted() -> None:
    url_map = Map(
        [
            Rule("/u/<name>", endpoint="user"),
            Rule("/f/<path:p>", endpoint="file"),
            Rule("/ü/ber", endpoint="static"),
        ]
    )
    assert _build(url_map, "user", name="a b") == "/u/a%20b"
    assert _build(url_map, "user", name="ü") == "/u/%C3%BC"
    assert _build(url_map, "user", name="a/b?c#d%") == "/u/a%2Fb%3Fc%23d%25"
    assert _build(url_map, "user", name="it's(ok)!") == "/u/it's(ok)!"
    assert _build(url_map, "file", p="a b/c.txt") == "/f/a%20b/c.txt"
    assert _build(url_map, "static") == "/%C3%BC/ber"


def test_values_that_are_none_are_dropped() -> None:
    url_map = Map([Rule("/", endpoint="index"), Rule("/<x>", endpoint="x")])
    assert _build(url_map, "index", x=None) == "/"
    with pytest.raises(BuildError):
        url_map.build("x", {"x": None})


def test_defaults_pick_the_rule_and_must_match_given_values() -> None:
    url_map = Map(
        [
            Rule("/all/", endpoint="entries", defaults={"page": 1}),
            Rule("/all/page/<int:page>", endpoint="entries"),
        ]
    )
    assert _build(url_map, "entries") == "/all/"
    assert _build(url_map, "entries", page=1) == "/all/"
    assert _build(url_map, "entries", page=2) == "/all/page/2"


def test_a_default_can_fill_a_variable() -> None:
    url_map = Map([Rule("/<lang>/", endpoint="home", defaults={"lang": "en"})])
    assert _build(url_map, "home") == "/en/"


def test_rules_needing_more_values_are_preferred() -> None:
    url_map = Map([Rule("/p/", endpoint="page"), Rule("/p/<int:n>", endpoint="page")])
    assert _build(url_map, "page", n=3) == "/p/3"
    assert _build(url_map, "page") == "/p/"


def test_method_selects_the_rule_and_get_is_preferred() -> None:
    url_map = Map(
        [
            Rule("/items", endpoint="items", methods=["POST"]),
            Rule("/items/", endpoint="items", methods=["GET"]),
        ]
    )
    assert _build(url_map, "items") == "/items/"
    assert url_map.build("items", method="POST") == ("", "/items")
    only_post = Map([Rule("/create", endpoint="create", methods=["POST"])])
    assert _build(only_post, "create") == "/create"


def test_domain_part_is_filled_and_can_be_preferred() -> None:
    url_map = Map(
        [
            Rule("/", endpoint="home", subdomain="<user>"),
            Rule("/status", endpoint="status", subdomain="api"),
            Rule("/status", endpoint="status"),
        ]
    )
    assert url_map.build("home", {"user": "bob"}) == ("bob", "/")
    assert url_map.build("status") == ("api", "/status")
    assert url_map.build("status", domain="") == ("", "/status")
    assert url_map.build("status", domain="nope") == ("api", "/status")
    hosts = Map(
        [Rule("/", endpoint="tenant", host="<t>.example.com")], host_matching=True
    )
    assert hosts.build("tenant", {"t": "acme"}) == ("acme.example.com", "/")


def test_build_after_adding_rules() -> None:
    url_map = Map([Rule("/a", endpoint="a")])
    assert _build(url_map, "a") == "/a"
    url_map.add(Rule("/b/<int:n>", endpoint="b"))
    assert _build(url_map, "b", n=1) == "/b/1"


def test_unknown_endpoint_suggests_the_closest_one() -> None:
    url_map = Map([Rule("/", endpoint="index"), Rule("/users", endpoint="users")])
    with pytest.raises(BuildError) as info:
        url_map.build("indx")
    assert str(info.value) == (
        "Could not build url for endpoint 'indx'. Did you mean 'index' instead?"
    )
    assert info.value.endpoint == "indx"
    assert isinstance(info.value, LookupError)


def test_unknown_endpoint_without_a_close_match_says_so() -> None:
    with pytest.raises(BuildError, match="No rule is registered for it"):
        Map([Rule("/", endpoint="index")]).build("zzzzzz")


def test_missing_values_are_named() -> None:
    url_map = Map([Rule("/u/<int:id>/<slug>", endpoint="user")])
    with pytest.raises(BuildError) as info:
        url_map.build("user", {"slug": "x"})
    assert str(info.value) == (
        "Could not build url for endpoint 'user' with values ['slug']."
        " Did you forget to specify values ['id']?"
    )
    assert info.value.values == {"slug": "x"}


def test_wrong_method_names_the_allowed_ones() -> None:
    url_map = Map([Rule("/u/<int:id>", endpoint="user", methods=["GET"])])
    with pytest.raises(BuildError) as info:
        url_map.build("user", {"id": 1}, method="POST")
    assert str(info.value) == (
        "Could not build url for endpoint 'user' ('POST') with values ['id']."
        " Did you mean to use methods ['GET', 'HEAD']?"
    )
    assert info.value.method == "POST"


def test_conflicting_defaults_are_explained() -> None:
    url_map = Map([Rule("/", endpoint="index", defaults={"page": 1})])
    with pytest.raises(BuildError, match=r"The values \['page'\] differ"):
        url_map.build("index", {"page": 2})


def test_build_error_can_be_made_by_hand() -> None:
    error = BuildError("x", None, None)
    assert error.values == {}
    assert error.suggested is None
    assert str(error).startswith("Could not build url for endpoint 'x'.")


def test_a_converter_refusing_a_value_moves_on_to_the_next_rule() -> None:
    url_map = Map(
        [
            Rule("/p/<pos:n>", endpoint="n"),
            Rule("/any/<int(signed=True):n>", endpoint="n"),
            Rule("/only/<pos:n>", endpoint="only"),
        ],
        converters={"pos": Positive},
    )
    assert _build(url_map, "n", n=3) == "/p/3"
    assert _build(url_map, "n", n=-3) == "/any/-3"
    with pytest.raises(BuildError, match="A converter rejected one of the values"):
        url_map.build("only", {"n": 0})


def test_sort_parameters_orders_the_query_as_werkzeug_does() -> None:
    from werkzeug.routing import Map as WerkzeugMap
    from werkzeug.routing import Rule as WerkzeugRule

    values = {"zeta": 1, "alpha": [2, 3], "mid": "x"}
    ours = Map([Rule("/", endpoint="i")], sort_parameters=True)
    theirs = WerkzeugMap([WerkzeugRule("/", endpoint="i")], sort_parameters=True)
    expected = theirs.bind("localhost").build("i", values)
    assert ours.build("i", values)[1] == expected
    by_name_desc = Map([Rule("/", endpoint="i")], sort_parameters=True)
    by_name_desc.sort_key = lambda item: [-ord(c) for c in item[0]]
    assert by_name_desc.build("i", values)[1] == "/?zeta=1&mid=x&alpha=2&alpha=3"
    assert Map([Rule("/", endpoint="i")]).build("i", values)[1] == (
        "/?zeta=1&alpha=2&alpha=3&mid=x"
    )


def test_an_alias_is_built_only_after_the_rule_it_stands_in_for() -> None:
    urls = Map(
        [
            Rule("/old-about", endpoint="about", alias=True),
            Rule("/about", endpoint="about"),
        ]
    )
    assert urls.build("about")[1] == "/about"
    assert urls.match("/old-about", "GET")[0].endpoint == "about"
