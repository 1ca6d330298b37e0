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
        """Refuse line breaks in ``event`` and ``id``, and NUL in ``id``."""
        _check(self.event, self.id, self.retry)

    def encode(self, dumps: Any = None) -> bytes:
        """Return the event in the wire format, ending with its blank line.

        :param dumps: serializes non-str data (the app's JSON provider's
            ``dumps``); compact JSON by default.
        """
        return _encode(
            self.data, self.event, self.id, self.retry, self.comment, dumps or _compact
        )


def _check(event: str | None, id: str | None, retry: Any) -> None:
    # SECURITY: a line break in a one-line field would start a field or
    # event the app never meant to send.
    for name, value in (("event", event), ("id", id)):
        if value is not None and ("\n" in value or "\r" in value):
            raise ValueError(f"An event's {name!r} may not hold CR or LF.")
    if id is not None and "\0" in id:
        raise ValueError("An event's 'id' may not hold NUL.")
    if retry is not None and not isinstance(retry, int):
        raise TypeError("An event's 'retry' is a number of milliseconds.")


def _encode(
    data: Any,
    event: str | None,
    id: str | None,
    retry: int | None,
    comment: str | None,
    dumps: Any,
) -> bytes:
    """Return the fields in the wire format; refuse what :func:`_check` does.

    PERF: one string built up field by field, with the checks inline: the
    usual event (an ``event`` and one line of ``data``) costs two appends.
    """
    out = ""
    if comment is not None:
        out = "".join(f": {line}\n" for line in _LINES.split(comment))
    if event is not None:
        if "\n" in event or "\r" in event:
            _check(event, None, None)
        out += f"event: {event}\n"
    if id is not None:
        if "\n" in id or "\r" in id or "\0" in id:
            _check(None, id, None)
        out += f"id: {id}\n"
    if retry is not None:
        _check(None, None, retry)
        out += f"retry: {retry}\n"
    if data is not None:
        if type(data) is not str:
            data = str(data) if isinstance(data, str) else dumps(data)
        if "\n" in data or "\r" in data:
            out += "".join(f"data: {line}\n" for line in _LINES.split(data))
        else:
            out += f"data: {data}\n"
    return (out + "\n").encode() if out else b"\n\n"


def _compact(obj: Any) -> str:
    return json.dumps(obj, separators=(",", ":"))


def _encode_item(item: Any, dumps: Any) -> bytes:
    """Return one item of a source (dict, str or event) in the wire format.

    PERF: a dict, the usual item, is checked and encoded as it is, without
    a ServerSentEvent made of it first.
    """
    if isinstance(item, dict):
        get = item.get
        if not _FIELDS.issuperset(item):
            raise ValueError(
                f"Unknown event fields {sorted(item.keys() - _FIELDS)}; an event"
                f" has {sorted(_FIELDS)}."
            )
        return _encode(
            get("data"), get("event"), get("id"), get("retry"), get("comment"), dumps
        )
    if isinstance(item, str):
        return _encode(item, None, None, None, None, dumps)
    return _event(item).encode(dumps)


def _event(item: Any) -> ServerSentEvent:
    if isinstance(item, ServerSentEvent):
        return item
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
            yield _encode_item(item, dumps)
    finally:
        close = getattr(iterator, "close", None)
        if close is not None:
            close()


async def _async_stream(
    source: AsyncIterable[Any], ping: float | None, first: list[bytes], dumps: Any
) -> AsyncIterator[bytes]:
    for chunk in first:
        yield chunk
    if ping is None:
        iterator = source.__aiter__()
        try:
            async for item in iterator:
                yield _encode_item(item, dumps)
        finally:
            await _aclose(iterator)
        return
    relay = _Relay(source, dumps)
    try:
        while True:
            chunk = await relay.get(ping)
            if chunk is _END:
                return
            yield chunk
    finally:
        await relay.close()


_END: Any = object()
#: Events a source may run ahead of the client before it waits.
RELAY_SIZE = 64


async def _aclose(iterator: Any) -> None:
    aclose = getattr(iterator, "aclose", None)
    if aclose is not None:
        await aclose()


class _Relay:
    """An async source run in a task of its own, its events handed over.

    PERF: a task per event, raced against a ping timeout (asyncio.wait),
    cost more than sending the event. One task runs the source ahead by up
    to :data:`RELAY_SIZE` encoded events; :meth:`get` takes all that are
    ready at once, as one chunk (one send instead of one per event, and
    none later than it would have been), and only an empty buffer arms the
    ping timer.
    """

    def __init__(self, source: AsyncIterable[Any], dumps: Any) -> None:
        self._loop = asyncio.get_running_loop()
        self._buffer: list[bytes] = []
        self._finished = False
        self._error: Exception | None = None
        self._ready: asyncio.Future[None] | None = None  # the reader waits
        self._space: asyncio.Future[None] | None = None  # the source waits
        self._task = asyncio.ensure_future(self._produce(source.__aiter__(), dumps))

    async def _produce(self, iterator: AsyncIterator[Any], dumps: Any) -> None:
        buffer = self._buffer
        try:
            async for item in iterator:
                buffer.append(_encode_item(item, dumps))
                ready = self._ready
                if ready is not None and not ready.done():
                    ready.set_result(None)
                if len(buffer) >= RELAY_SIZE:
                    self._space = self._loop.create_future()
                    await self._space
        except Exception as e:
            self._error = e
        finally:
            self._finished = True
            ready = self._ready
            if ready is not None and not ready.done():
                ready.set_result(None)
            await _aclose(iterator)

    async def get(self, ping: float) -> Any:
        """Return the events ready, as bytes; :data:`PING` after ``ping`` quiet s.

        Returns :data:`_END` once the source is done, and raises what it
        raised.
        """
        buffer = self._buffer
        if not buffer and not self._finished:
            ready = self._ready = self._loop.create_future()
            timer = self._loop.call_later(ping, _set_if_pending, ready)
            try:
                await ready
            finally:
                timer.cancel()
                self._ready = None
            if not buffer and not self._finished:
                return PING
        if buffer:
            chunk = buffer[0] if len(buffer) == 1 else b"".join(buffer)
            buffer.clear()
            space = self._space
            if space is not None and not space.done():
                space.set_result(None)
            return chunk
        if self._error is not None:
            raise self._error
        return _END

    async def close(self) -> None:
        """Stop the source (its ``finally`` runs) and wait until it has."""
        self._task.cancel()
        await asyncio.gather(self._task, return_exceptions=True)


def _set_if_pending(future: asyncio.Future[None]) -> None:
    # The source may have woken the reader in the same turn of the loop.
    if not future.done():  # pragma: no branch - that race is rare
        future.set_result(None)


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
                self._put((False, _encode_item(item, self._dumps)))
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
