"""bench/realtime.py's apps keep the contract, checked in-process over ASGI."""

from __future__ import annotations

import asyncio
import importlib
import json
from pathlib import Path
from typing import Any

import pytest
from bench.realtime import client_frame, dechunk
from bench.realtime_apps import APPS, ECHO_PATH, EVENTS_PATH, expected_stream


def load(framework: str) -> Any:
    module, _, attr = APPS[framework].partition(":")
    return getattr(importlib.import_module(module), attr)


def scope(kind: str, path: str, query: bytes = b"") -> dict[str, Any]:
    return {
        "type": kind,
        "asgi": {"version": "3.0", "spec_version": "2.4"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "ws" if kind == "websocket" else "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": query,
        "root_path": "",
        "headers": [(b"host", b"localhost")],
        "client": ("127.0.0.1", 1),
        "server": ("127.0.0.1", 80),
        "subprotocols": [],
        "state": {},
    }


async def stream_body(app: Any, n: int) -> bytes:
    body: list[bytes] = []

    async def receive() -> dict[str, Any]:
        await asyncio.sleep(3600)
        raise AssertionError

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            headers = dict(message["headers"])
            assert headers[b"content-type"].startswith(b"text/event-stream")
        else:
            body.append(message.get("body", b""))

    await app(scope("http", EVENTS_PATH, b"n=%d" % n), receive, send)
    return b"".join(body)


async def echoes(app: Any, messages: list[str]) -> list[str]:
    """Send each message once the one before came back, as a client waits."""
    inbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    inbox.put_nowait({"type": "websocket.connect"})
    waiting = list(messages)
    sent: list[str] = []

    def next_message() -> None:
        if waiting:
            inbox.put_nowait({"type": "websocket.receive", "text": waiting.pop(0)})
        else:
            inbox.put_nowait({"type": "websocket.disconnect", "code": 1000})

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "websocket.send":
            sent.append(message["text"])
        if message["type"] in ("websocket.accept", "websocket.send"):
            next_message()

    await app(scope("websocket", ECHO_PATH), inbox.get, send)
    return sent


@pytest.mark.parametrize("framework", list(APPS))
def test_each_app_echoes_and_streams_the_contract(framework: str) -> None:
    app = load(framework)

    async def go() -> None:
        startup = getattr(app, "startup", None)  # Quart's, without a lifespan
        if startup is not None:
            await startup()
        assert await stream_body(app, 50) == expected_stream(50)
        assert await echoes(app, ["a", "bc", "x" * 32]) == ["a", "bc", "x" * 32]

    asyncio.run(go())


def test_the_client_helpers() -> None:
    assert dechunk(b"3\r\nabc\r\n2;x=1\r\nde\r\n0\r\n\r\n") == b"abcde"
    frame = client_frame(b"hi")
    assert frame[:2] == bytes((0x81, 0x82))
    mask = frame[2:6]
    assert bytes(b ^ mask[i % 4] for i, b in enumerate(frame[6:])) == b"hi"


def test_the_run_writes_the_table_it_prints(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from bench import _report, realtime

    out = tmp_path / "realtime.json"
    argv = ["--rounds", "1", "--seconds", "0.2", "--events", "200"]
    argv += ["--connections", "2", "--streams", "1", "--frameworks", "kolben,starlette"]
    assert realtime.main([*argv, "--json", str(out)]) == 0
    printed = capsys.readouterr().out
    run = json.loads(out.read_text())
    assert run["benchmark"] == "realtime" and run["rounds"] == 1
    (table,) = run["tables"]
    assert table["name"] == "served"
    assert table["chart"]["columns"] == ["kolben", "starlette"]
    assert _report.grid(table["rows"]) in printed
    assert [row[0] for row in table["rows"][1:]] == [
        *realtime.MEASURES,
        *realtime.CPU_MEASURES,
    ]
