"""The chat's pages and its WebSocket: one Broadcast channel per room."""

from __future__ import annotations

import asyncio
import json
import os
import re
from typing import Any

from kolben import (
    Blueprint,
    ConnectionClosed,
    abort,
    current_app,
    render_template,
    websocket,
)
from kolben.broadcast import Broadcast, Subscriber

bp = Blueprint("chat", __name__)

#: Room names: letters, digits, ``-`` and ``_``, so each is a safe URL part.
ROOM = re.compile(r"[A-Za-z0-9_-]{1,32}")
#: The rooms the front page offers; any other valid name works too.
ROOMS = ("lobby", "python", "random")
MAX_NAME = 32
MAX_TEXT = 1000


def _checked_room(room: str) -> str:
    if ROOM.fullmatch(room) is None:
        abort(404, description="A room name is 1 to 32 letters, digits, - or _.")
    return room


@bp.get("/")
def index() -> str:
    """Offer the rooms, and a field for a room of one's own."""
    return render_template("index.html", rooms=ROOMS)


@bp.get("/rooms/<room>")
def room_page(room: str) -> str:
    """Serve a room's page; its script talks to ``/ws/<room>``."""
    return render_template("room.html", room=_checked_room(room))


@bp.websocket("/ws/<room>")
async def room_socket(room: str) -> None:
    """Relay the room's messages to this client, and publish what it sends.

    The first message the client gets is ``{"type": "joined", ...}``, once
    the connection is subscribed: messages published after it arrive.
    """
    hub: Broadcast = current_app.extensions["chat"]
    channel = current_app.config["CHAT_CHANNEL_PREFIX"] + _checked_room(room)
    async with hub.subscribe(channel) as events:
        await websocket.send_json(
            {"type": "joined", "room": room, "worker": os.getpid()}
        )
        relaying = asyncio.ensure_future(_relay(events))
        try:
            async for raw in websocket:
                message = _parse(raw)
                if isinstance(message, str):
                    await websocket.send_json({"type": "error", "error": message})
                    continue
                await hub.publish(channel, json.dumps({"type": "message", **message}))
        finally:
            # The client left: stop relaying, which unsubscribes on the way out.
            relaying.cancel()


async def _relay(events: Subscriber) -> None:
    """Send each message of the room's channel to this connection's client."""
    try:
        async for event in events:
            await websocket.send(event.message)
    except ConnectionClosed:
        pass  # the client left; the view's loop ends too


def _parse(raw: str | bytes) -> dict[str, Any] | str:
    """Return ``{"name", "text"}`` from a client's message, or what is wrong."""
    try:
        data = json.loads(raw)
    except ValueError:
        return 'Send JSON: {"name": "...", "text": "..."}.'
    if not isinstance(data, dict):
        return 'Send a JSON object: {"name": "...", "text": "..."}.'
    name, text = data.get("name"), data.get("text")
    if not isinstance(name, str) or not name.strip() or len(name) > MAX_NAME:
        return f"The name is 1 to {MAX_NAME} characters."
    if not isinstance(text, str) or not text.strip() or len(text) > MAX_TEXT:
        return f"The text is 1 to {MAX_TEXT} characters."
    return {"name": name.strip(), "text": text}
