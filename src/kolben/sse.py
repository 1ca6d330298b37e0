"""Server-sent events: ``stream_events`` turns an iterable into an event stream.

Example::

    @app.get("/events")
    async def events():
        async def gen():
            async for tick in ticker():
                yield {"event": "tick", "data": tick}
        return stream_events(gen(), ping=15)

Each item is a :class:`ServerSentEvent` or a dict of its fields (``data``
is sent as JSON unless it is a ``str``). A comment goes out every ``ping``
seconds while the source has nothing to send, which keeps proxies from
closing an idle stream and lets the server notice a client that left: the
source is closed then. Under WSGI a sync source runs in a helper thread so
the pings go out while it blocks; SSE under gunicorn needs the ``gthread``
worker (the ``sync`` worker is killed after its timeout).
"""

from __future__ import annotations

import asyncio
import json
import queue
import re
import threading
from collections.abc import AsyncIterable, AsyncIterator, Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .globals import _cv_app, request

if TYPE_CHECKING:
    from .response import Response

__all__ = ["ServerSentEvent", "last_event_id", "stream_events"]

_LINES = re.compile(r"\r\n|\r|\n")
_FIELDS = frozenset(("data", "event", "id", "retry", "comment"))
#: The comment sent as a keep-alive.
PING = b": ping\n\n"


@dataclass(frozen=True)
class ServerSentEvent:
    """One event of a ``text/event-stream``.

    :param data: the payload: a ``str`` as it is, anything else as JSON.
        Each of its lines becomes one ``data:`` line.
    :param event: the event type (``addEventListener(type, ...)``).
    :param id: the event's id, which the browser sends back as
        ``Last-Event-ID`` when it reconnects.
    :param retry: how long the browser waits before reconnecting, in ms.
    :param comment: a comment line, ignored by the browser.
    """

    data: Any = None
    event: str | None = None
    id: str | None = None
    retry: int | None = None
    comment: str | None = None

    def __post_init__(self) -> None:
        # SECURITY: a line break in a one-line field would start a field or
        # event the app never meant to send.
        """Refuse line breaks in ``event`` and ``id``, and NUL in ``id``."""
        for name in ("event", "id"):
            value = getattr(self, name)
            if value is not None and ("\n" in value or "\r" in value):
                raise ValueError(f"An event's {name!r} may not hold CR or LF.")
        if self.id is not None and "\0" in self.id:
            raise ValueError("An event's 'id' may not hold NUL.")
        if self.retry is not None and not isinstance(self.retry, int):
            raise TypeError("An event's 'retry' is a number of milliseconds.")

    def encode(self, dumps: Any = None) -> bytes:
        """Return the event in the wire format, ending with its blank line.

        :param dumps: serializes non-str data (the app's JSON provider's
            ``dumps``); compact JSON by default.
        """
        lines: list[str] = []
        if self.comment is not None:
            lines.extend(f": {line}" for line in _LINES.split(self.comment))
        if self.event is not None:
            lines.append(f"event: {self.event}")
        if self.id is not None:
            lines.append(f"id: {self.id}")
        if self.retry is not None:
            lines.append(f"retry: {self.retry}")
        if self.data is not None:
            data = self.data
            if not isinstance(data, str):
                data = (dumps or _compact)(data)
            lines.extend(f"data: {line}" for line in _LINES.split(data))
        return ("\n".join(lines) + "\n\n").encode()


def _compact(obj: Any) -> str:
    return json.dumps(obj, separators=(",", ":"))


def _event(item: Any) -> ServerSentEvent:
    if isinstance(item, ServerSentEvent):
        return item
    if isinstance(item, dict):
        unknown = set(item) - _FIELDS
        if unknown:
            raise ValueError(
                f"Unknown event fields {sorted(unknown)}; an event has"
                f" {sorted(_FIELDS)}."
            )
        return ServerSentEvent(**item)
    if isinstance(item, str):
        return ServerSentEvent(data=item)
    raise TypeError(
        f"stream_events() sends dicts, str or ServerSentEvent, not {type(item)!r}."
    )


def last_event_id() -> str | None:
    """Return the ``Last-Event-ID`` a reconnecting browser sent, if any."""
    return request.headers.get("Last-Event-ID")


def stream_events(
    source: Iterable[Any] | AsyncIterable[Any],
    ping: float | None = 15,
    retry: int | None = None,
) -> Response:
    """Return a ``text/event-stream`` response of the events ``source`` yields.

    Example::

        @app.get("/events")
        def events():
            def gen():
                for n in count():
                    yield {"id": str(n), "data": {"n": n}}
                    time.sleep(1)
            return stream_events(gen())

    :param source: a sync or async iterable of dicts, str or
        :class:`ServerSentEvent`.
    :param ping: seconds between keep-alive comments while the source is
        quiet; ``None`` for none.
    :param retry: sent first as ``retry:``, the browser's reconnect delay
        in ms.
    """
    ctx = _cv_app.get(None)
    if ctx is None:
        raise RuntimeError("stream_events() needs an application context.")
    app = ctx.app
    dumps = app.json.dumps
    first = [ServerSentEvent(retry=retry).encode()] if retry is not None else []
    body: Any
    if isinstance(source, AsyncIterable):
        body = _async_stream(source, ping, first, dumps)
    elif ping is None:
        body = _sync_stream(source, first, dumps)
    else:
        body = _PingingStream(source, ping, first, dumps)
    response = app.response_class(body, mimetype="text/event-stream")
    response.headers["Cache-Control"] = "no-cache"
    # Tells nginx not to buffer the stream.
    response.headers["X-Accel-Buffering"] = "no"
    return response


def _sync_stream(
    source: Iterable[Any], first: list[bytes], dumps: Any
) -> Iterator[bytes]:
    yield from first
    iterator = iter(source)
    try:
        for item in iterator:
            yield _event(item).encode(dumps)
    finally:
        close = getattr(iterator, "close", None)
        if close is not None:
            close()


async def _async_stream(
    source: AsyncIterable[Any], ping: float | None, first: list[bytes], dumps: Any
) -> AsyncIterator[bytes]:
    for chunk in first:
        yield chunk
    iterator = source.__aiter__()
    step: asyncio.Future[Any] | None = None
    try:
        while True:
            if step is None:
                step = asyncio.ensure_future(_anext(iterator))
            done, _ = await asyncio.wait((step,), timeout=ping)
            if not done:
                yield PING  # the same step goes on waiting
                continue
            item, step = step.result(), None
            if item is _END:
                return
            yield _event(item).encode(dumps)
    finally:
        if step is not None:
            step.cancel()
            await asyncio.gather(step, return_exceptions=True)
        aclose = getattr(iterator, "aclose", None)
        if aclose is not None:
            await aclose()


_END: Any = object()


async def _anext(iterator: AsyncIterator[Any]) -> Any:
    try:
        return await iterator.__anext__()
    except StopAsyncIteration:
        return _END


class _PingingStream:
    """A sync source run in a helper thread, with pings while it blocks.

    The server's thread waits on a queue at most ``ping`` seconds at a time;
    ``close()`` (the client left) stops the source at its next item.
    """

    def __init__(
        self, source: Iterable[Any], ping: float, first: list[bytes], dumps: Any
    ) -> None:
        self._first = first
        self._ping = ping
        self._queue: queue.Queue[tuple[bool, Any]] = queue.Queue(maxsize=16)
        self._stop = threading.Event()
        self._iterator = iter(source)
        self._dumps = dumps
        self._thread: threading.Thread | None = None

    def __iter__(self) -> Iterator[bytes]:
        return self._chunks()

    def _chunks(self) -> Iterator[bytes]:
        yield from self._first
        self._thread = threading.Thread(
            target=self._produce, name="kolben-sse", daemon=True
        )
        self._thread.start()
        while True:
            try:
                done, value = self._queue.get(timeout=self._ping)
            except queue.Empty:
                yield PING
                continue
            if done:
                if isinstance(value, BaseException):
                    raise value
                return
            yield value

    def _produce(self) -> None:
        iterator = self._iterator
        try:
            for item in iterator:
                if self._stop.is_set():
                    break
                self._put((False, _event(item).encode(self._dumps)))
            self._put((True, None))
        except Exception as e:
            self._put((True, e))
        finally:
            close = getattr(iterator, "close", None)
            if close is not None:
                close()

    def _put(self, entry: tuple[bool, Any]) -> None:
        while not self._stop.is_set():
            try:
                self._queue.put(entry, timeout=0.1)
                return
            except queue.Full:
                continue

    def close(self) -> None:
        """Stop the source: it is closed after the item it is working on."""
        self._stop.set()
        if self._thread is None:  # never started: close it here
            close = getattr(self._iterator, "close", None)
            if close is not None:
                close()
