"""PROXY_FIX and ProxyFix on WebSocket handshakes under ASGI."""

from __future__ import annotations

from typing import Any

import pytest

from kolben import Kolben, websocket
from kolben.middleware import ProxyFix
from kolben.testing import KolbenClient, WebSocketDenied
from tests.conftest import create_app

FORWARDED = {
    "X-Forwarded-For": "198.51.100.1, 203.0.113.7",
    "X-Forwarded-Proto": "https",
    "X-Forwarded-Host": "chat.example",
}


def make_app(proxy_fix: dict[str, int] | None = None) -> Kolben:
    app = create_app({"PROXY_FIX": proxy_fix} if proxy_fix is not None else None)

    @app.websocket("/where")
    async def where() -> None:
        await websocket.send_json(
            {
                "remote_addr": websocket.remote_addr,
                "scheme": websocket.scheme,
                "host": websocket.host,
                "url": websocket.url,
            }
        )

    return app


@pytest.fixture(params=["middleware", "config"])
def fixed(request: pytest.FixtureRequest) -> Any:
    """Make a client trusting the given hops, by ProxyFix or by PROXY_FIX."""

    def make(**trusted: int) -> KolbenClient:
        if request.param == "config":
            return make_app(dict(trusted)).test_client()
        app = make_app()
        app.asgi_app = ProxyFix(app.asgi_app, **trusted)  # type: ignore[method-assign]
        return app.test_client()

    return make


def where(client: KolbenClient, headers: dict[str, str]) -> Any:
    with client.websocket(
        "/where", headers=headers, environ_base={"REMOTE_ADDR": "10.0.0.2"}
    ) as ws:
        return ws.receive_json()


def test_the_forwarded_client_scheme_and_host_reach_the_websocket(fixed: Any) -> None:
    seen = where(fixed(x_for=1, x_proto=1, x_host=1), FORWARDED)
    assert seen == {
        "remote_addr": "203.0.113.7",
        "scheme": "wss",
        "host": "chat.example",
        "url": "wss://chat.example/where",
    }


def test_untrusted_headers_change_nothing() -> None:
    seen = where(make_app().test_client(), FORWARDED)
    assert seen["remote_addr"] == "10.0.0.2"
    assert seen["scheme"] == "ws"
    assert seen["host"] == "localhost"


def test_a_plain_http_proxy_gives_ws(fixed: Any) -> None:
    seen = where(fixed(x_for=1, x_proto=1), {"X-Forwarded-Proto": "http"})
    assert seen["scheme"] == "ws"
    assert seen["remote_addr"] == "10.0.0.2"  # no X-Forwarded-For: the peer


def test_the_origin_check_sees_the_forwarded_host(fixed: Any) -> None:
    # The browser's page is https://chat.example; the proxy connects to the
    # app by another name. Only with the forwarded host is the page's
    # Origin the app's own.
    headers = {**FORWARDED, "Origin": "https://chat.example"}
    assert where(fixed(x_for=1, x_proto=1, x_host=1), headers)["host"] == (
        "chat.example"
    )
    with pytest.raises(WebSocketDenied) as denied:
        where(make_app().test_client(), headers)
    assert denied.value.response.status_code == 403


def test_a_foreign_origin_is_still_refused_behind_the_proxy(fixed: Any) -> None:
    headers = {**FORWARDED, "Origin": "https://evil.example"}
    with pytest.raises(WebSocketDenied) as denied:
        where(fixed(x_for=1, x_proto=1, x_host=1), headers)
    assert denied.value.response.status_code == 403
