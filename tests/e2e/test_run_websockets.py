"""``kolben run`` serves WebSockets in development: the chat example's rooms."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from websockets.asyncio.client import connect

from tests.e2e._live import HOST, REPO_ROOT, TIMEOUT, fetch, free_port

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("options", [[], ["--debug"]], ids=["plain", "debug-reload"])
def test_kolben_run_serves_the_chat_rooms(tmp_path: Path, options: list[str]) -> None:
    port = free_port()
    log = tmp_path / "run.log"
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    env.pop("KOLBEN_CHAT_BROADCAST_URL", None)  # memory://: one process
    with log.open("wb") as out:
        server = subprocess.Popen(
            [
                *(sys.executable, "-m", "kolben.cli", "--app", "examples/chat"),
                *("run", *options, "--host", HOST, "--port", str(port)),
            ],
            cwd=REPO_ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            # The reloader's worker process goes with the group.
            start_new_session=True,
        )
    base = f"http://{HOST}:{port}"

    async def chat() -> None:
        url = f"ws://{HOST}:{port}/ws/lobby"
        async with connect(url) as ann, connect(url) as bob:
            for ws in (ann, bob):
                assert json.loads(await ws.recv())["type"] == "joined"
            await ann.send(json.dumps({"name": "ann", "text": "hi bob"}))
            message = json.loads(await bob.recv())
            assert message == {"type": "message", "name": "ann", "text": "hi bob"}

    try:
        deadline = time.monotonic() + 30
        while True:
            assert server.poll() is None, log.read_text()
            try:
                if fetch(base, "GET", "/", timeout=1.0).status == 200:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.1)
        asyncio.run(asyncio.wait_for(chat(), TIMEOUT))
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(10)
    output = log.read_text()
    assert "Traceback" not in output, output
    assert f"Reloading: {'on' if options else 'off'}" in output, output
