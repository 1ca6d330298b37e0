"""The test client's WebSocket: drive a WebSocket view through ASGI, no server.

``client.websocket(path)`` opens the connection in a ``with`` block; the
app runs on the worker's event loop while the test sends and receives from
its own thread::

    with client.websocket("/echo") as ws:
        ws.send("hi")
        assert ws.receive() == "hi"
"""

from __future__ import annotations

import asyncio
import json
import queue
from concurrent.futures import Future
from types import TracebackType
from typing import TYPE_CHECKING, Any

from .._concurrency import _worker_loop
from ..http.headers import Headers
from ..http.status import status_line
from ..websocket import ConnectionClosed

if TYPE_CHECKING:
    from ..app import Kolben
    from ._client import TestResponse

#: Seconds a test waits for the app's next message before failing.
RECEIVE_TIMEOUT = 10.0


class WebSocketDenied(Exception):  # noqa: N818 - as Quart's test client names it
    """The app refused the WebSocket handshake; ``response`` is its answer."""

    def __init__(self, response: TestResponse) -> None:
        super().__init__(f"The WebSocket handshake was refused: {response.status}")
        #: The HTTP response that refused the handshake.
        self.response = response


class TestWebSocket:
    """One WebSocket connection of the test client to the app.

    :param app: the application.
    :param scope: the ASGI WebSocket scope.
    :param make_response: builds the client's response for a refusal.
    """

    __test__ = False  # not a pytest test class

    def __init__(self, app: Kolben, scope: dict[str, Any], make_response: Any) -> None:
        self.app = app
        self.scope = scope
        self._make_response = make_response
        self._loop = _worker_loop.get()
        self._to_app: asyncio.Queue[dict[str, Any]] | None = None
        self._from_app: queue.Queue[dict[str, Any]] = queue.Queue()
        self._task: Future[None] | None = None
        #: The subprotocol the app accepted, if any.
        self.subprotocol: str | None = None
        #: The headers of the app's handshake response.
        self.accept_headers = Headers()
        #: The close code once the app closed the connection.
        self.close_code: int | None = None

    def __enter__(self) -> TestWebSocket:
        async def make_queue() -> asyncio.Queue[dict[str, Any]]:
            return asyncio.Queue()

        self._to_app = asyncio.run_coroutine_threadsafe(
            make_queue(), self._loop
        ).result()
        self._put({"type": "websocket.connect"})
        self._task = asyncio.run_coroutine_threadsafe(self._serve(), self._loop)
        first = self._next()
        if first["type"] == "websocket.accept":
            self.subprotocol = first.get("subprotocol")
            self.accept_headers = Headers(
                [
                    (k.decode("latin-1"), v.decode("latin-1"))
                    for k, v in first["headers"]
                ]
            )
            return self
        self._wait()
        raise WebSocketDenied(self._refusal(first))

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    async def _serve(self) -> None:
        assert self._to_app is not None
        to_app = self._to_app

        async def send(message: dict[str, Any]) -> None:
            self._from_app.put(message)

        try:
            await self.app.asgi_app(self.scope, to_app.get, send)
        finally:
            self._from_app.put({"type": "kolben.test.done"})

    def _put(self, message: dict[str, Any]) -> None:
        assert self._to_app is not None
        self._loop.call_soon_threadsafe(self._to_app.put_nowait, message)

    def _next(self) -> dict[str, Any]:
        try:
            message = self._from_app.get(timeout=RECEIVE_TIMEOUT)
        except queue.Empty:
            raise TimeoutError(
                f"The app sent nothing for {RECEIVE_TIMEOUT} s on the WebSocket."
            ) from None
        if message["type"] == "kolben.test.done":
            self._wait()  # the app's own error, if it raised one
            raise ConnectionClosed(self.close_code or 1006)
        return message

    def _wait(self) -> None:
        assert self._task is not None
        self._task.result(timeout=RECEIVE_TIMEOUT)

    def _refusal(self, first: dict[str, Any]) -> TestResponse:
        if first["type"] == "websocket.close":
            return self._make_response(status_line(403), [], b"")  # type: ignore[no-any-return]
        body = b""
        while True:
            message = self._from_app.get(timeout=RECEIVE_TIMEOUT)
            if message["type"] != "websocket.http.response.body":
                break
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        headers = [
            (k.decode("latin-1"), v.decode("latin-1")) for k, v in first["headers"]
        ]
        return self._make_response(status_line(first["status"]), headers, body)  # type: ignore[no-any-return]

    def send(self, data: str | bytes) -> None:
        """Send a text (``str``) or binary (``bytes``) message to the app."""
        if isinstance(data, str):
            self._put({"type": "websocket.receive", "text": data})
        else:
            self._put({"type": "websocket.receive", "bytes": bytes(data)})

    def send_json(self, obj: Any) -> None:
        """Send ``obj`` as a JSON text message."""
        self.send(json.dumps(obj))

    def receive(self) -> str | bytes:
        """Return the app's next message.

        :raises ConnectionClosed: the app closed the connection (or its
            view returned).
        """
        if self.close_code is not None:
            raise ConnectionClosed(self.close_code)
        message = self._next()
        if message["type"] == "websocket.close":
            self.close_code = int(message.get("code") or 1000)
            raise ConnectionClosed(self.close_code, message.get("reason") or "")
        text = message.get("text")
        return text if text is not None else bytes(message.get("bytes") or b"")

    def receive_json(self) -> Any:
        """Return the app's next message parsed as JSON."""
        return json.loads(self.receive())

    def close(self, code: int = 1000) -> None:
        """Disconnect, wait for the app to finish, and raise its error if any."""
        if self._task is None:
            return
        if not self._task.done():
            self._put({"type": "websocket.disconnect", "code": code})
        task, self._task = self._task, None
        task.result(timeout=RECEIVE_TIMEOUT)
