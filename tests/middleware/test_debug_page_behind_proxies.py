"""The debug page behind a proxy: trusted only when ProxyFix is configured for it."""

from __future__ import annotations

from typing import Any

import pytest

from kolben import Kolben
from kolben.middleware import ProxyFix
from kolben.testing import KolbenClient
from tests.conftest import create_app


def debug_app(config: dict[str, Any] | None = None) -> Kolben:
    app = create_app(config)
    app.testing = False
    app.debug = True
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.route("/fail")
    def fail() -> str:
        raise ZeroDivisionError("the page shows this")

    return app


def shows_page(
    client: KolbenClient, forwarded_for: str, peer: str = "127.0.0.1"
) -> bool:
    r = client.get(
        "/fail",
        headers={"X-Forwarded-For": forwarded_for},
        environ_base={"REMOTE_ADDR": peer},
    )
    assert r.status_code == 500
    return "ZeroDivisionError" in r.text


@pytest.fixture(params=["setting", "middleware"])
def behind_proxy_fix(request: pytest.FixtureRequest, protocol: str) -> Any:
    """Make a client of a debug app that ProxyFix fixes with ``trusted``."""

    def make(config: dict[str, Any] | None = None, **trusted: int) -> KolbenClient:
        if request.param == "setting":
            app = debug_app({**(config or {}), "PROXY_FIX": trusted})
        else:
            app = debug_app(config)
            if protocol == "wsgi":
                app.wsgi_app = ProxyFix(app.wsgi_app, **trusted)  # type: ignore[method-assign]
            else:
                app.asgi_app = ProxyFix(app.asgi_app, **trusted)  # type: ignore[method-assign]
        return app.test_client(protocol=protocol)

    return make


def test_the_rewritten_client_is_judged(behind_proxy_fix: Any) -> None:
    client = behind_proxy_fix(x_for=1)
    # A developer on this host through a proxy on this host.
    assert shows_page(client, "127.0.0.1")
    # Anyone else through the same proxy, whatever they put first.
    assert not shows_page(client, "203.0.113.7")
    assert not shows_page(client, "127.0.0.1, 203.0.113.7")


def test_an_allowed_network_behind_the_proxy(behind_proxy_fix: Any) -> None:
    client = behind_proxy_fix({"DEBUG_ALLOWED_CLIENTS": ["192.168.1.0/24"]}, x_for=1)
    assert shows_page(client, "192.168.1.5")
    assert not shows_page(client, "192.168.2.5")


def test_the_proxy_itself_must_be_allowed(behind_proxy_fix: Any) -> None:
    # A client reaching the app's port directly, claiming to be loopback.
    client = behind_proxy_fix(x_for=1)
    assert not shows_page(client, "127.0.0.1", peer="203.0.113.9")


def test_proxy_fix_not_trusting_the_client_address_refuses(
    behind_proxy_fix: Any,
) -> None:
    # ProxyFix applies the scheme only: the address header is nobody's.
    client = behind_proxy_fix(x_for=0, x_proto=1)
    assert not shows_page(client, "127.0.0.1")
    # Too few values for the hops it trusts: the header was not applied.
    client = behind_proxy_fix(x_for=2)
    assert not shows_page(client, "127.0.0.1")


def test_forwarding_headers_from_an_unconfigured_peer_refuse(protocol: str) -> None:
    client = debug_app().test_client(protocol=protocol)
    assert not shows_page(client, "127.0.0.1")
