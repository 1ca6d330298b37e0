"""PROXY_FIX under real servers, with the servers' own rewriting off."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus
from websockets.typing import Origin

from tests.e2e._live import TIMEOUT, LiveServer, fetch, start_server, stop_server

pytestmark = pytest.mark.e2e

APP = "tests.middleware.served_app:app"
#: uvicorn's --no-proxy-headers, and gunicorn trusting no peer's
#: X-Forwarded-Proto (192.0.2.255 is a documentation address), as
#: docs/proxies.md has them: only kolben applies the headers.
NO_SERVER_REWRITING = {
    "UVICORN_PROXY_HEADERS": "false",
    "GUNICORN_CMD_ARGS": "--forwarded-allow-ips=192.0.2.255",
}


def serve(name: str, tmp_path: Path, env: dict[str, str]) -> Iterator[LiveServer]:
    server = start_server(name, tmp_path, env, app=APP)
    try:
        yield server
    finally:
        stop_server(server)


FORWARDED = {
    "X-Forwarded-For": "198.51.100.1, 203.0.113.7",
    "X-Forwarded-Proto": "https",
    "X-Forwarded-Host": "api.example.com",
}


@pytest.mark.parametrize("name", ["gunicorn", "uvicorn"])
def test_proxy_fix_setting_under_a_real_server(name: str, tmp_path: Path) -> None:
    env = {"KOLBEN_TEST_PROXY_FIX": "1", **NO_SERVER_REWRITING}
    for server in serve(name, tmp_path, env):
        seen = fetch(server.url, "GET", "/where", headers=FORWARDED).json()
        assert seen == {
            "remote_addr": "203.0.113.7",
            "external": "https://api.example.com/where",
        }


@pytest.mark.parametrize("name", ["gunicorn", "uvicorn"])
def test_without_proxy_fix_the_peer_is_the_client(name: str, tmp_path: Path) -> None:
    for server in serve(name, tmp_path, NO_SERVER_REWRITING):
        seen = fetch(server.url, "GET", "/where", headers=FORWARDED).json()
        assert seen == {
            "remote_addr": "127.0.0.1",
            "external": f"http://127.0.0.1:{server.port}/where",
        }


def test_uvicorn_rewrites_by_default_for_a_loopback_peer(tmp_path: Path) -> None:
    # What docs/proxies.md warns of: without --no-proxy-headers, uvicorn
    # itself takes the client from X-Forwarded-For when the peer is loopback.
    for server in serve("uvicorn", tmp_path, {}):
        seen = fetch(server.url, "GET", "/where", headers=FORWARDED).json()
        assert seen["remote_addr"] == "203.0.113.7"


def test_proxy_fix_setting_on_a_websocket_under_uvicorn(tmp_path: Path) -> None:
    # The browser's page is https://api.example.com: its Origin is the
    # forwarded host's, which the Origin check accepts only with PROXY_FIX.
    env = {"KOLBEN_TEST_PROXY_FIX": "1", **NO_SERVER_REWRITING}

    async def where(server: LiveServer) -> Any:
        async with connect(
            server.url.replace("http://", "ws://") + "/ws/where",
            origin=Origin("https://api.example.com"),
            additional_headers=FORWARDED,
        ) as ws:
            return json.loads(await ws.recv())

    for server in serve("uvicorn", tmp_path, env):
        assert asyncio.run(asyncio.wait_for(where(server), TIMEOUT)) == {
            "remote_addr": "203.0.113.7",
            "url": "wss://api.example.com/ws/where",
        }
    for server in serve("uvicorn", tmp_path, NO_SERVER_REWRITING):
        with pytest.raises(InvalidStatus) as refused:
            asyncio.run(asyncio.wait_for(where(server), TIMEOUT))
        assert refused.value.response.status_code == 403
