"""500 WebSocket connections held open at once under each ASGI server.

Each server of ``WEBSOCKET_SERVERS`` serves ``tests.e2e.realtime_app``; 500
clients connect, each sends a message and gets its answer while all are
open, then all close. Bounded at 60 s per server; only 127.0.0.1 is contacted.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e._live import WEBSOCKET_SERVERS, start_server, stop_server
from tests.e2e.test_websockets import APP, hold_connections

pytestmark = pytest.mark.load

CONNECTIONS = 500


@pytest.mark.parametrize("name", WEBSOCKET_SERVERS)
def test_500_connections_held_open_and_each_answered(name: str, tmp_path: Path) -> None:
    server = start_server(name, tmp_path, {}, app=APP)
    try:
        url = server.url.replace("http://", "ws://") + "/ws/held"
        hold_connections(url, CONNECTIONS, seconds=60)
    finally:
        stop_server(server)
    assert "Traceback" not in server.log(), server.log()
