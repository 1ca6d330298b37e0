"""The chat example under the test client: pages, rooms, and their messages.

The rooms are tested on ``memory://`` and, when KOLBEN_TEST_REDIS_URL is
set, on the real Redis server; tests/browser/test_chat.py drives two
Chromium pages against two uvicorn workers sharing Redis.
"""

from __future__ import annotations

import importlib.util
import json
import os
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from kolben import Kolben
from kolben.testing import WebSocketDenied

CHAT = Path(__file__).resolve().parents[2] / "examples" / "chat"
REDIS_URL = os.environ.get("KOLBEN_TEST_REDIS_URL")


@pytest.fixture(scope="session")
def chat() -> ModuleType:
    """Import ``examples/chat`` as the package ``chat``."""
    if "chat" in sys.modules:
        return sys.modules["chat"]
    spec = importlib.util.spec_from_file_location(
        "chat", CHAT / "__init__.py", submodule_search_locations=[str(CHAT)]
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["chat"] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(params=["memory", "redis"])
def app(chat: ModuleType, request: pytest.FixtureRequest) -> Iterator[Kolben]:
    """The chat app on each broadcast back end; Redis on a prefix of its own."""
    if request.param == "redis" and not REDIS_URL:
        pytest.skip("KOLBEN_TEST_REDIS_URL is not set: no Redis server")
    url = REDIS_URL if request.param == "redis" else None
    app: Kolben = chat.create_app(
        {
            "TESTING": True,
            "CHAT_BROADCAST_URL": url,
            "CHAT_CHANNEL_PREFIX": f"test-chat-{uuid.uuid4().hex}:",
        }
    )
    yield app


def joined(ws: Any, room: str) -> None:
    message = ws.receive_json()
    assert message["type"] == "joined" and message["room"] == room
    assert message["worker"] == os.getpid()


def say(ws: Any, name: str, text: str) -> None:
    ws.send(json.dumps({"name": name, "text": text}))


def test_a_message_reaches_its_room_and_no_other(app: Kolben) -> None:
    client = app.test_client()
    with (
        client.websocket("/ws/lobby") as ann,
        client.websocket("/ws/lobby") as bob,
        client.websocket("/ws/python") as cem,
    ):
        joined(ann, "lobby")
        joined(bob, "lobby")
        joined(cem, "python")
        say(ann, "ann", "hello, lobby")
        expected = {"type": "message", "name": "ann", "text": "hello, lobby"}
        assert bob.receive_json() == expected
        assert ann.receive_json() == expected  # the sender sees it too
        # Room python's first message is its own: the lobby's never came.
        say(cem, "cem", "anyone here?")
        assert cem.receive_json()["text"] == "anyone here?"
        # Nor does the lobby get python's.
        say(bob, "bob", "hi ann")
        assert ann.receive_json()["text"] == "hi ann"


@pytest.mark.parametrize(
    ("raw", "error"),
    [
        ("not json", "Send JSON"),
        ("[1, 2]", "Send a JSON object"),
        ('{"name": "", "text": "x"}', "The name is 1 to 32 characters."),
        ('{"name": "ann", "text": "   "}', "The text is 1 to 1000 characters."),
        (json.dumps({"name": "ann", "text": "x" * 1001}), "The text is 1 to 1000"),
        ('{"name": "ann"}', "The text is"),
    ],
)
def test_a_bad_message_is_answered_and_the_room_stays_open(
    app: Kolben, raw: str, error: str
) -> None:
    with app.test_client().websocket("/ws/lobby") as ws:
        joined(ws, "lobby")
        ws.send(raw)
        answer = ws.receive_json()
        assert answer["type"] == "error" and answer["error"].startswith(error)
        say(ws, " ann ", "still here")
        assert ws.receive_json() == {
            "type": "message",
            "name": "ann",
            "text": "still here",
        }


def test_a_bad_room_name_refuses_the_handshake(app: Kolben) -> None:
    with pytest.raises(WebSocketDenied) as denied:
        with app.test_client().websocket("/ws/no%20spaces"):
            pass
    assert denied.value.response.status_code == 404


@pytest.mark.parametrize("protocol", ["wsgi", "asgi"])
def test_the_pages(chat: ModuleType, protocol: str) -> None:
    client = chat.create_app({"TESTING": True}).test_client(protocol=protocol)
    index = client.get("/")
    assert index.status_code == 200
    for room in ("lobby", "python", "random"):
        assert f'href="/rooms/{room}"' in index.text
    page = client.get("/rooms/python")
    assert page.status_code == 200
    assert 'const room = "python";' in page.text
    assert '"/ws/" + encodeURIComponent(room)' in page.text
    assert client.get("/rooms/no%20spaces").status_code == 404
    assert client.get("/rooms/" + "x" * 33).status_code == 404


def test_memory_is_the_default_and_the_environment_chooses(
    chat: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert chat.create_app({}).extensions["chat"].url == "memory://"
    monkeypatch.setenv("KOLBEN_CHAT_BROADCAST_URL", "redis://127.0.0.1:6379/3")
    assert chat.create_app().extensions["chat"].url == "redis://127.0.0.1:6379/3"
