"""The WebSocket of the current connection: the ``websocket`` proxy.

Inside a view registered with ``@app.websocket(rule)`` (served by an ASGI
server), ``kolben.websocket`` is the connection: Quart's method names
(``accept``, ``receive``, ``send``, ``receive_json``, ``send_json``,
``close``, ``async for message in websocket``) and the handshake request's
``path``, ``args``, ``headers``, ``cookies`` and ``view_args``::

    @app.websocket("/echo")
    async def echo():
        async for message in websocket:
            await websocket.send(message)

The handshake is accepted on the first ``send`` or ``receive`` unless the
view accepted it already; a view that returns before accepting refuses it.
A client that leaves ends ``receive()`` with :class:`ConnectionClosed`.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Iterable
from typing import TYPE_CHECKING, Any, cast

from .globals import _Proxy, _req_ctx

if TYPE_CHECKING:
    from .app import Kolben
    from .http.headers import Headers
    from .http.multidict import ImmutableMultiDict
    from .request import Request
    from .routing import Rule

__all__ = ["ConnectionClosed", "WebSocket", "websocket"]


class ConnectionClosed(Exception):  # noqa: N818 - the name users know
    """The WebSocket is closed: the client left, or the app closed it.

    ``receive()`` raises it when the client disconnects, and ``send()`` once
    the connection is gone. ``async for message in websocket`` ends quietly
    on it instead.

    :param code: the close code (1000 normal, 1001 going away, 1006 lost).
    :param reason: the close reason the peer gave, if any.
    """

    def __init__(self, code: int = 1006, reason: str = "") -> None:
        """Take the close code and reason."""
        super().__init__(code, reason)
        self.code = code
        self.reason = reason

    def __str__(self) -> str:
        """Return the close code and reason."""
        return f"WebSocket closed with code {self.code}" + (
            f": {self.reason}" if self.reason else ""
        )


Receive = Callable[[], Any]
Send = Callable[[dict[str, Any]], Any]


class WebSocket:
    """One WebSocket connection and the handshake request that opened it.

    Made by the ASGI adapter for each connection; views use it through the
    :data:`websocket` proxy.

    :param app: the application.
    :param request: the handshake request.
    :param scope: the ASGI WebSocket scope.
    :param receive: the ASGI receive callable.
    :param send: the ASGI send callable.
    """

    def __init__(
        self,
        app: Kolben,
        request: Request,
        scope: dict[str, Any],
        receive: Receive,
        send: Send,
    ) -> None:
        """Take the app, the handshake request and the ASGI channel."""
        self.app = app
        #: The handshake request; ``request`` is this object in a view too.
        self.request = request
        self.scope = scope
        self._receive = receive
        self._send = send
        #: Whether the handshake was accepted.
        self.accepted = False
        #: The close code once the connection is closed, else ``None``.
        self.close_code: int | None = None
        self.max_size: int | None = app.config["WEBSOCKET_MAX_MESSAGE_SIZE"]
        # A view that only sends must still learn that the client left: some
        # servers (hypercorn) drop sends to a gone client silently. So once
        # a view sends twice with no receive in between or in flight, a task
        # reads ahead into the inbox, whose small bound keeps the server's
        # backpressure on a client that sends faster than the view reads.
        # PERF: until then receive() awaits the server itself; a reader task
        # for every view doubled the event loop's work per message.
        self._inbox: asyncio.Queue[dict[str, Any]] | None = None
        self._reader: asyncio.Task[None] | None = None
        self._receiving = False
        self._unread_sends = 0
        self._gone: dict[str, Any] | None = None

    # -- the handshake request ---------------------------------------------------

    @property
    def path(self) -> str:
        """The path of the handshake URL, without the query string."""
        return self.request.path

    @property
    def args(self) -> ImmutableMultiDict[str, str]:
        """The parsed query string of the handshake URL."""
        return self.request.args

    @property
    def headers(self) -> Headers:
        """The handshake request's headers."""
        return self.request.headers

    @property
    def cookies(self) -> ImmutableMultiDict[str, str]:
        """The cookies the client sent with the handshake."""
        return self.request.cookies

    @property
    def view_args(self) -> dict[str, Any]:
        """The values the URL rule's converters matched."""
        return self.request.view_args or {}

    @property
    def url_rule(self) -> Rule | None:
        """The rule that matched the handshake URL."""
        return self.request.url_rule

    @property
    def endpoint(self) -> str | None:
        """The endpoint of the matched rule."""
        return self.request.endpoint

    @property
    def host(self) -> str:
        """The Host the client connected to."""
        return self.request.host

    @property
    def scheme(self) -> str:
        """``ws`` or ``wss``."""
        return self.request.scheme

    @property
    def url(self) -> str:
        """The full handshake URL (``ws://host/path?query``)."""
        return self.request.url

    @property
    def remote_addr(self) -> str | None:
        """The client's address."""
        return self.request.remote_addr

    @property
    def requested_subprotocols(self) -> list[str]:
        """The subprotocols the client offered, in its order of preference."""
        return list(self.scope.get("subprotocols") or ())

    # -- the connection ----------------------------------------------------------

    async def accept(
        self,
        headers: Iterable[tuple[str, str]] | dict[str, str] | None = None,
        subprotocol: str | None = None,
    ) -> None:
        """Accept the handshake, choosing a subprotocol and adding headers.

        Called by the first ``send`` or ``receive`` if the view has not.

        :param headers: extra response headers for the handshake.
        :param subprotocol: one of :attr:`requested_subprotocols`.
        """
        if self.accepted:
            return
        if subprotocol is not None and subprotocol not in self.requested_subprotocols:
            raise ValueError(
                f"The client did not offer the subprotocol {subprotocol!r}; it"
                f" offered {self.requested_subprotocols}."
            )
        pairs = headers.items() if isinstance(headers, dict) else headers or ()
        message: dict[str, Any] = {
            "type": "websocket.accept",
            "subprotocol": subprotocol,
            "headers": [
                (k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in pairs
            ],
        }
        self.accepted = True
        await self._send(message)

    async def _next(self) -> dict[str, Any]:
        """Return the server's next message; a failure is a lost client."""
        try:
            message: dict[str, Any] = await self._receive()
        except Exception:  # the server failed to deliver: the client is gone
            message = {"type": "websocket.disconnect", "code": 1006}
        if message["type"] == "websocket.disconnect":
            self._gone = message
        return message

    async def _read(self, inbox: asyncio.Queue[dict[str, Any]]) -> None:
        """Move the client's messages to the inbox until it disconnects."""
        while True:
            message = await self._next()
            await inbox.put(message)
            if message["type"] == "websocket.disconnect":
                return

    def _read_ahead(self) -> None:
        """Start the task that reads ahead, for a view that only sends."""
        self._inbox = asyncio.Queue(8)
        self._reader = asyncio.ensure_future(self._read(self._inbox))

    def _stop_reading(self) -> None:
        """Stop the reader when the connection's view is done."""
        if self._reader is not None:
            self._reader.cancel()
            self._reader = None

    async def receive(self) -> str | bytes:
        """Wait for the next message from the client: ``str`` or ``bytes``.

        :raises ConnectionClosed: the client disconnected, or sent a message
            over ``WEBSOCKET_MAX_MESSAGE_SIZE`` (closed with 1009).
        """
        if self.close_code is not None:
            raise ConnectionClosed(self.close_code)
        if not self.accepted:
            await self.accept()
        inbox = self._inbox
        if inbox is not None:
            message = await inbox.get()
        else:
            self._receiving = True
            try:
                message = await self._next()
            finally:
                self._receiving = False
                self._unread_sends = 0
        kind = message["type"]
        if kind == "websocket.disconnect":
            self.close_code = int(message.get("code") or 1005)
            raise ConnectionClosed(self.close_code, message.get("reason") or "")
        data: str | bytes | None = message.get("text")
        if data is None:
            data = message.get("bytes") or b""
        limit = self.max_size
        # SECURITY: a message over the limit is refused before the view sees it;
        # text is counted in UTF-8 bytes only when it could be over.
        if limit is not None and len(data) * 4 > limit and _size(data) > limit:
            await self.close(1009, "message too big")
            raise ConnectionClosed(1009, "message too big")
        return data

    async def send(self, data: str | bytes) -> None:
        """Send a text (``str``) or binary (``bytes``) message.

        :raises ConnectionClosed: the connection is closed.
        """
        if self.close_code is not None:
            raise ConnectionClosed(self.close_code)
        if not self.accepted:
            await self.accept()
        gone = self._gone
        if gone is not None:
            self.close_code = int(gone.get("code") or 1005)
            raise ConnectionClosed(self.close_code, gone.get("reason") or "")
        if self._inbox is None and not self._receiving:
            self._unread_sends += 1
            if self._unread_sends > 1:
                self._read_ahead()
        message: dict[str, Any] = {"type": "websocket.send"}
        if isinstance(data, str):
            message["text"] = data
        else:
            message["bytes"] = bytes(data)
        try:
            await self._send(message)
        except OSError as e:  # the server's word for a client that is gone
            self.close_code = 1006
            raise ConnectionClosed(1006) from e

    async def receive_json(self) -> Any:
        """Receive a message and parse it as JSON with the app's provider."""
        return self.app.json.loads(await self.receive())

    async def send_json(self, obj: Any) -> None:
        """Send ``obj`` serialized as JSON by the app's provider, as text."""
        await self.send(self.app.json.dumps(obj))

    async def close(self, code: int = 1000, reason: str = "") -> None:
        """Close the connection; a no-op once it is closed.

        Before the handshake is accepted this refuses it instead.

        :param code: the close code.
        :param reason: a short reason for the client.
        """
        if self.close_code is not None:
            return
        self.close_code = code
        try:
            await self._send(
                {"type": "websocket.close", "code": code, "reason": reason}
            )
        except OSError:
            pass  # already gone: nothing to tell the client

    def __aiter__(self) -> AsyncIterator[str | bytes]:
        """Iterate over incoming messages until the socket closes."""
        return self._messages()

    async def _messages(self) -> AsyncIterator[str | bytes]:
        while True:
            try:
                message = await self.receive()
            except ConnectionClosed:
                return
            yield message

    def __repr__(self) -> str:
        """Return a representation for debugging."""
        return f"<WebSocket {self.path!r}>"


def _size(data: str | bytes) -> int:
    return len(data.encode()) if isinstance(data, str) else len(data)


def _get_websocket() -> WebSocket:
    ws: WebSocket | None = _req_ctx()._websocket
    if ws is None:
        raise RuntimeError(
            "Working outside of a WebSocket connection. `websocket` is only"
            " available in views registered with `@app.websocket(rule)`, and"
            " their hooks, while an ASGI server serves the connection."
        )
    return ws


class _WebSocketProxy(_Proxy):
    """The proxy, with ``async for``: special methods skip ``__getattr__``."""

    __slots__ = ()

    def __aiter__(self) -> AsyncIterator[str | bytes]:
        return _get_websocket().__aiter__()


#: The WebSocket connection being served (in a ``@app.websocket`` view).
websocket: WebSocket = cast("WebSocket", _WebSocketProxy(_get_websocket, "websocket"))
