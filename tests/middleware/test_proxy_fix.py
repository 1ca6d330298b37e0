"""ProxyFix and PROXY_FIX: the forwarding headers of trusted proxies, both protocols."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kolben import Kolben, request, url_for
from kolben.middleware import ProxyFix
from kolben.testing import KolbenClient
from tests.conftest import create_app


def make_app(proxy_fix: dict[str, int] | None = None) -> Kolben:
    app = create_app({"PROXY_FIX": proxy_fix} if proxy_fix is not None else None)

    @app.route("/where")
    def where() -> dict[str, Any]:
        return {
            "remote_addr": request.remote_addr,
            "scheme": request.scheme,
            "is_secure": request.is_secure,
            "host": request.host,
            "url_root": request.url_root,
            "script_root": request.script_root,
            "access_route": list(request.access_route),
            "external": url_for("where", _external=True),
        }

    return app


def wrapped_client(protocol: str, **trusted: int) -> KolbenClient:
    """A client for an app whose entry point of ``protocol`` ProxyFix wraps."""
    app = make_app()
    if protocol == "wsgi":
        app.wsgi_app = ProxyFix(app.wsgi_app, **trusted)  # type: ignore[method-assign]
    else:
        app.asgi_app = ProxyFix(app.asgi_app, **trusted)  # type: ignore[method-assign]
    return app.test_client(protocol=protocol)


@pytest.fixture(params=["middleware", "config"])
def fixed(request: pytest.FixtureRequest, protocol: str) -> Any:
    """Make a client trusting the given hops, by ProxyFix or by PROXY_FIX."""

    def make(**trusted: int) -> KolbenClient:
        if request.param == "middleware":
            return wrapped_client(protocol, **trusted)
        return make_app(dict(trusted)).test_client(protocol=protocol)

    return make


def where(client: KolbenClient, headers: dict[str, str], peer: str = "10.0.0.2") -> Any:
    r = client.get("/where", headers=headers, environ_base={"REMOTE_ADDR": peer})
    assert r.status_code == 200, r.text
    return r.json


def test_the_defaults_trust_one_proxy_for_the_client_and_scheme(fixed: Any) -> None:
    client = fixed()
    seen = where(
        client,
        {
            "X-Forwarded-For": "198.51.100.1, 203.0.113.7",
            "X-Forwarded-Proto": "https",
            "X-Forwarded-Host": "evil.example",
        },
    )
    # Only the last value was written by the proxy; the first by the client.
    assert seen["remote_addr"] == "203.0.113.7"
    assert seen["scheme"] == "https" and seen["is_secure"] is True
    # x_host is 0 by default: the Host is what the proxy asked for.
    assert seen["host"] == "localhost"
    assert seen["external"] == "https://localhost/where"
    # access_route lists every address, as before.
    assert seen["access_route"] == ["198.51.100.1", "203.0.113.7"]


def test_two_hops_trust_the_value_two_back(fixed: Any) -> None:
    client = fixed(x_for=2)
    headers = {"X-Forwarded-For": "192.0.2.9, 198.51.100.1, 203.0.113.7"}
    assert where(client, headers)["remote_addr"] == "198.51.100.1"


def test_fewer_values_than_hops_change_nothing(fixed: Any) -> None:
    client = fixed(x_for=2, x_proto=2)
    headers = {"X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https"}
    seen = where(client, headers)
    assert seen["remote_addr"] == "10.0.0.2"
    assert seen["scheme"] == "http"


def test_no_headers_change_nothing(fixed: Any) -> None:
    seen = where(fixed(x_for=1, x_proto=1, x_host=1, x_port=1, x_prefix=1), {})
    assert seen["remote_addr"] == "10.0.0.2"
    assert seen["url_root"] == "http://localhost/"


def test_host_port_and_prefix_shape_the_urls(fixed: Any) -> None:
    client = fixed(x_host=1, x_port=1, x_prefix=1)
    seen = where(
        client,
        {
            "X-Forwarded-Proto": "https",
            "X-Forwarded-Host": "api.example.com",
            "X-Forwarded-Port": "8443",
            "X-Forwarded-Prefix": "/shop",
        },
    )
    assert seen["host"] == "api.example.com:8443"
    assert seen["script_root"] == "/shop"
    assert seen["url_root"] == "https://api.example.com:8443/shop/"
    assert seen["external"] == "https://api.example.com:8443/shop/where"


def test_a_forwarded_host_with_its_port(fixed: Any) -> None:
    seen = where(fixed(x_host=1), {"X-Forwarded-Host": "api.example.com:8080"})
    assert seen["host"] == "api.example.com:8080"
    assert seen["external"] == "http://api.example.com:8080/where"


def test_repeated_header_fields_are_one_list(protocol: str) -> None:
    client = make_app({"x_for": 1}).test_client(protocol=protocol)
    r = client.get(
        "/where",
        headers=[
            ("X-Forwarded-For", "198.51.100.1"),
            ("X-Forwarded-For", "203.0.113.7"),
        ],
    )
    assert r.json["remote_addr"] == "203.0.113.7"


def test_a_bad_forwarded_host_is_a_400(fixed: Any) -> None:
    client = fixed(x_host=1)
    r = client.get("/where", headers={"X-Forwarded-Host": "bad host/with space"})
    assert r.status_code == 400


@pytest.mark.parametrize(
    "setting", [{"x_fro": 1}, {"x_for": -1}, {"x_for": "1"}, ["x_for"]]
)
def test_a_wrong_setting_says_what_is_expected(setting: Any) -> None:
    app = make_app(setting)
    with pytest.raises((TypeError, ValueError), match="ProxyFix|PROXY_FIX"):
        app.test_client().get("/where")


def test_the_original_values_are_kept_as_werkzeug_keeps_them() -> None:
    app = make_app()
    seen: dict[str, Any] = {}

    @app.route("/orig")
    def orig() -> str:
        seen.update(request.environ["werkzeug.proxy_fix.orig"])
        return ""

    app.wsgi_app = ProxyFix(app.wsgi_app)  # type: ignore[method-assign]
    app.test_client(protocol="wsgi").get(
        "/orig", headers={"X-Forwarded-For": "203.0.113.7"}
    )
    assert seen["REMOTE_ADDR"] == "127.0.0.1"


def test_the_asgi_side_is_marked_as_asgi_3() -> None:
    import asyncio

    wrapped = ProxyFix(make_app().asgi_app)
    assert asyncio.iscoroutinefunction(wrapped.__call__)


def test_lifespan_scopes_pass_through() -> None:
    from kolben.middleware.proxy_fix import Forwarding

    scope = {"type": "lifespan"}
    assert Forwarding().fix_scope(scope) is scope


# -- the same answers as Werkzeug's ProxyFix -----------------------------------

_values = st.lists(
    st.sampled_from(["203.0.113.7", "198.51.100.1", "https", "http", "a.example:81"]),
    max_size=3,
).map(", ".join)


@settings(max_examples=60, deadline=None)
@given(
    counts=st.tuples(*[st.integers(0, 3)] * 5),
    values=st.tuples(_values, _values, _values, st.sampled_from(["", "8080", "443"])),
)
def test_the_environ_is_rewritten_as_werkzeug_rewrites_it(
    counts: tuple[int, int, int, int, int], values: tuple[str, str, str, str]
) -> None:
    from werkzeug.middleware.proxy_fix import ProxyFix as WerkzeugProxyFix

    headers = dict(
        zip(
            ("HTTP_X_FORWARDED_FOR", "HTTP_X_FORWARDED_PROTO", "HTTP_X_FORWARDED_HOST"),
            values[:3],
            strict=True,
        ),
        HTTP_X_FORWARDED_PORT=values[3],
        HTTP_X_FORWARDED_PREFIX="/p",
    )
    base = {
        "REMOTE_ADDR": "10.0.0.2",
        "wsgi.url_scheme": "http",
        "HTTP_HOST": "localhost:5000",
        "SERVER_NAME": "localhost",
        "SERVER_PORT": "5000",
        "SCRIPT_NAME": "",
        **headers,
    }
    theirs, ours = dict(base), dict(base)
    WerkzeugProxyFix(lambda e, s: [], *counts)(theirs, lambda *a: None)  # type: ignore[arg-type]
    ProxyFix(lambda e, s: [], *counts)(ours, lambda *a: None)
    ours.pop("kolben.proxy_fix.for")
    assert ours == theirs
