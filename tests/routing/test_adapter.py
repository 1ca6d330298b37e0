"""Map.bind, Map.bind_to_environ and MapAdapter, compared with Werkzeug's."""

from __future__ import annotations

from typing import Any

import pytest
from werkzeug import routing as wz

from kolben.routing import Map, RequestRedirect, Rule
from kolben.routing.map import subdomain_of

RULES: list[tuple[str, str, dict[str, Any]]] = [
    ("/", "index", {}),
    ("/users/<int:user_id>", "user", {}),
    ("/folder/", "folder", {}),
    ("/api", "api", {"subdomain": "api"}),
]


def _maps() -> tuple[Map, wz.Map]:
    k = Map([Rule(rule, endpoint=ep, **kw) for rule, ep, kw in RULES])
    w = wz.Map([wz.Rule(rule, endpoint=ep, **kw) for rule, ep, kw in RULES])
    return k, w


BUILDS: list[tuple[str, dict[str, Any], bool]] = [
    ("index", {}, False),
    ("index", {}, True),
    ("user", {"user_id": 5, "q": "a b"}, False),
    ("user", {"user_id": 5}, True),
    ("api", {}, False),
]


@pytest.mark.parametrize(("endpoint", "values", "external"), BUILDS)
def test_build_as_werkzeug(
    endpoint: str, values: dict[str, Any], external: bool
) -> None:
    k, w = _maps()
    ka = k.bind("Example.com", "/app", url_scheme="https")
    wa = w.bind("Example.com", "/app", url_scheme="https")
    assert ka.build(endpoint, values, force_external=external) == wa.build(
        endpoint, values, force_external=external
    )


def test_match_and_redirect_as_werkzeug() -> None:
    k, w = _maps()
    ka = k.bind("example.com", "/app", query_args="x=1")
    wa = w.bind("example.com", "/app", query_args="x=1")
    assert ka.match("/users/3") == wa.match("/users/3")
    with pytest.raises(RequestRedirect) as k_info:
        ka.match("/folder")
    with pytest.raises(wz.RequestRedirect) as w_info:
        wa.match("/folder")
    assert k_info.value.new_url == w_info.value.new_url


def test_bind_to_environ_works_out_the_subdomain() -> None:
    k, w = _maps()
    environ = {
        "wsgi.url_scheme": "http",
        "HTTP_HOST": "api.example.com",
        "SCRIPT_NAME": "",
        "PATH_INFO": "/api",
        "REQUEST_METHOD": "GET",
        "QUERY_STRING": "",
        "SERVER_NAME": "api.example.com",
        "SERVER_PORT": "80",
    }
    ka = k.bind_to_environ(environ, server_name="example.com")
    wa = w.bind_to_environ(environ, server_name="example.com")
    assert ka.subdomain == wa.subdomain == "api"
    assert ka.match() == wa.match()
    assert ka.build("index") == wa.build("index")


def test_host_matching_refuses_a_subdomain() -> None:
    with pytest.raises(RuntimeError, match="subdomain"):
        Map(host_matching=True).bind("example.com", subdomain="api")


@pytest.mark.parametrize(
    ("host", "server_name", "expected"),
    [
        ("example.com", "example.com", ""),
        ("a.b.example.com", "example.com", "a.b"),
        ("other.com", "example.com", "<invalid>"),
        ("127.0.0.1", "0.0.1", "<invalid>"),
        ("[::1]:5000", "localhost:5000", "<invalid>"),
        ("notexample.com", "example.com", "<invalid>"),
    ],
)
def test_subdomain_of(host: str, server_name: str, expected: str) -> None:
    assert subdomain_of(host, server_name) == expected
