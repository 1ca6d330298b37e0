"""Chat: rooms on WebSockets, fanned out across workers through Redis.

Run it with the ``kolben`` command; the folder is the --app::

    kolben --app examples/chat run

or, with several worker processes sharing the rooms through Redis::

    KOLBEN_CHAT_BROADCAST_URL=redis://127.0.0.1:6379/0 \\
        uvicorn --app-dir examples --factory chat:create_app --workers 2

``/`` picks a name and a room, ``/rooms/<room>`` is the room's page, whose
script opens the WebSocket ``/ws/<room>``. Every message a client sends there
is published to the room's channel of a ``kolben.broadcast.Broadcast``; each
connection relays what its room's channel carries back to its client. With
``memory://`` (the default when ``CHAT_BROADCAST_URL`` is not set) the rooms
live in one process; with ``redis://`` every worker on every machine shares
them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kolben import Kolben
from kolben.broadcast import Broadcast

from .rooms import bp


def create_app(test_config: Mapping[str, Any] | None = None) -> Kolben:
    """Create the chat app.

    :param test_config: settings that replace the environment's, so that
        tests never read a developer's configuration.
    """
    app = Kolben(__name__)
    app.config.from_mapping(
        # memory:// serves one process; redis://host:port/db serves many.
        CHAT_BROADCAST_URL=None,
        # Prepended to each room's channel name, so several apps (or test
        # runs) can share one Redis server.
        CHAT_CHANNEL_PREFIX="chat:",
    )
    if test_config is None:
        app.config.from_prefixed_env()
    else:
        app.config.from_mapping(test_config)
    hub = Broadcast(app.config["CHAT_BROADCAST_URL"] or "memory://")
    hub.init_app(app)  # closes its connection when the server stops the app
    app.extensions["chat"] = hub
    app.register_blueprint(bp)
    return app
