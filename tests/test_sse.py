"""Server-sent events through both adapters: the wire format and the headers."""

from __future__ import annotations

import asyncio
import datetime
import time
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest

from kolben import Kolben, stream_events
from kolben.sse import ServerSentEvent, last_event_id
from kolben.testing import KolbenClient


def test_events_headers_and_format(app: Kolben, client: KolbenClient) -> None:
    @app.get("/events")
    def events() -> Any:
        def gen() -> Iterator[Any]:
            yield {"event": "tick", "data": {"n": 1}, "id": "1"}
            yield {"data": "two\nlines\r\nhere"}
            yield ServerSentEvent(data="x", retry=500, comment="note")
            yield "plain"

        return stream_events(gen(), ping=None, retry=3000)

    response = client.get("/events")
    assert response.mimetype == "text/event-stream"
    assert response.headers["Cache-Control"] == "no-cache"
    assert response.headers["X-Accel-Buffering"] == "no"
    assert response.get_data(as_text=True) == (
        "retry: 3000\n\n"
        'event: tick\nid: 1\ndata: {"n": 1}\n\n'
        "data: two\ndata: lines\ndata: here\n\n"
        ": note\nretry: 500\ndata: x\n\n"
        "data: plain\n\n"
    )


def test_async_source_with_the_app_json(app: Kolben, client: KolbenClient) -> None:
    @app.get("/events")
    async def events() -> Any:
        async def gen() -> AsyncIterator[Any]:
            yield {"data": {"when": datetime.date(2024, 1, 2)}}

        return stream_events(gen())

    body = client.get("/events").get_data(as_text=True)
    assert body == 'data: {"when": "Tue, 02 Jan 2024 00:00:00 GMT"}\n\n'


@pytest.mark.parametrize("field", ["event", "id"])
def test_line_breaks_in_one_line_fields_are_refused(field: str) -> None:
    for bad in ("a\nevent: admin", "a\rb"):
        with pytest.raises(ValueError, match="CR or LF"):
            ServerSentEvent(data="x", **{field: bad})  # type: ignore[arg-type]


def test_unknown_fields_and_items_are_refused(app: Kolben) -> None:
    with app.test_request_context():
        body = stream_events([{"date": 1}], ping=None).response
        with pytest.raises(ValueError, match="Unknown event fields"):
            list(body)
        with pytest.raises(TypeError, match="not <class 'int'>"):
            list(stream_events([5], ping=None).response)


def test_pings_while_a_sync_source_blocks(app: Kolben, client: KolbenClient) -> None:
    @app.get("/slow")
    def slow() -> Any:
        def gen() -> Iterator[str]:
            time.sleep(0.35)
            yield "late"

        return stream_events(gen(), ping=0.1)

    body = client.get("/slow").get_data(as_text=True)
    assert body.endswith("data: late\n\n")
    assert body.count(": ping\n\n") >= 2


def test_pings_while_an_async_source_waits(app: Kolben, client: KolbenClient) -> None:
    @app.get("/slow")
    async def slow() -> Any:
        async def gen() -> AsyncIterator[str]:
            await asyncio.sleep(0.35)
            yield "late"

        return stream_events(gen(), ping=0.1)

    body = client.get("/slow").get_data(as_text=True)
    assert body.endswith("data: late\n\n")
    assert body.count(": ping\n\n") >= 2


def test_a_failing_sync_source_ends_the_stream(app: Kolben) -> None:
    def gen() -> Iterator[str]:
        yield "one"
        raise RuntimeError("source broke")

    with app.test_request_context():
        chunks = iter(stream_events(gen(), ping=1).response)
        assert next(chunks) == b"data: one\n\n"
        with pytest.raises(RuntimeError, match="source broke"):
            next(chunks)


def test_closing_the_body_closes_a_sync_source(app: Kolben) -> None:
    closed: list[bool] = []

    def gen() -> Iterator[str]:
        try:
            while True:
                yield "x"
                time.sleep(0.01)
        finally:
            closed.append(True)

    with app.test_request_context():
        body = stream_events(gen(), ping=1).response
        chunks = iter(body)
        assert next(chunks) == b"data: x\n\n"
        body.close()
    deadline = time.monotonic() + 5
    while not closed:
        assert time.monotonic() < deadline, "the source was not closed"
        time.sleep(0.01)


def test_last_event_id(app: Kolben, client: KolbenClient) -> None:
    @app.get("/resume")
    def resume() -> Any:
        return {"last": last_event_id()}

    assert client.get("/resume", headers={"Last-Event-ID": "41"}).json == {"last": "41"}
    assert client.get("/resume").json == {"last": None}


@pytest.mark.parametrize("ping", [None, 5])
def test_an_async_source_of_every_kind_of_item(
    app: Kolben, client: KolbenClient, ping: float | None
) -> None:
    @app.get("/events")
    async def events() -> Any:
        async def gen() -> AsyncIterator[Any]:
            yield {"data": "x", "comment": "a\nb", "retry": 10, "id": "7", "event": "e"}
            yield {"data": {"n": [1, 2]}}
            yield "plain\nlines"
            yield ServerSentEvent(data={"compact": True})
            yield {}

        return stream_events(gen(), ping=ping, retry=2000)

    assert client.get("/events").get_data(as_text=True) == (
        "retry: 2000\n\n"
        ": a\n: b\nevent: e\nid: 7\nretry: 10\ndata: x\n\n"
        'data: {"n": [1, 2]}\n\n'
        "data: plain\ndata: lines\n\n"
        'data: {"compact": true}\n\n'
        "\n\n"
    )


def test_an_event_encodes_compact_json_by_default() -> None:
    assert ServerSentEvent(data={"a": [1, 2]}).encode() == b'data: {"a":[1,2]}\n\n'


@pytest.mark.parametrize(
    ("item", "error", "match"),
    [
        ({"event": "a\nb", "data": "x"}, ValueError, "'event' may not hold CR or LF"),
        ({"id": "1\r2"}, ValueError, "'id' may not hold CR or LF"),
        ({"id": "1\x002"}, ValueError, "'id' may not hold NUL"),
        ({"retry": "soon"}, TypeError, "number of milliseconds"),
        ({"date": 1}, ValueError, "Unknown event fields \\['date'\\]"),
    ],
)
@pytest.mark.parametrize("ping", [None, 5])
def test_a_bad_item_of_an_async_source_is_refused(
    app: Kolben, item: dict[str, Any], error: type[Exception], match: str, ping: Any
) -> None:
    async def gen() -> AsyncIterator[Any]:
        yield "before"
        yield item

    async def read() -> list[bytes]:
        with app.test_request_context():
            body = stream_events(gen(), ping=ping).response
        return [chunk async for chunk in body]

    with pytest.raises(error, match=match):
        asyncio.run(read())


def test_a_fast_async_source_arrives_whole_and_in_order(
    app: Kolben, client: KolbenClient
) -> None:
    # Many more events than the source may run ahead: it waits for the
    # client, and nothing is lost or reordered.
    @app.get("/many")
    async def many() -> Any:
        async def gen() -> AsyncIterator[str]:
            for i in range(1000):
                yield str(i)

        return stream_events(gen())

    body = client.get("/many").get_data(as_text=True)
    assert body == "".join(f"data: {i}\n\n" for i in range(1000))


class Ticker:
    """An async iterator that is no generator: it has no ``aclose``."""

    def __init__(self, n: int) -> None:
        self.n = n

    def __aiter__(self) -> Ticker:
        return self

    async def __anext__(self) -> str:
        if not self.n:
            raise StopAsyncIteration
        self.n -= 1
        return str(self.n)


@pytest.mark.parametrize("ping", [None, 5])
def test_an_async_iterator_without_aclose(
    app: Kolben, client: KolbenClient, ping: float | None
) -> None:
    @app.get("/ticks")
    async def ticks() -> Any:
        return stream_events(Ticker(2), ping=ping)

    assert client.get("/ticks").get_data(as_text=True) == "data: 1\n\ndata: 0\n\n"


def test_closing_an_async_stream_closes_its_source(app: Kolben) -> None:
    closed: list[bool] = []

    async def gen() -> AsyncIterator[str]:
        try:
            while True:
                yield "x"
                await asyncio.sleep(3600)
        finally:
            closed.append(True)

    async def go() -> None:
        with app.test_request_context():
            body = stream_events(gen(), ping=5).response
        assert await body.__anext__() == b"data: x\n\n"
        await body.aclose()

    asyncio.run(go())
    assert closed == [True]


def test_a_source_that_ends_while_the_client_waits(
    app: Kolben, client: KolbenClient
) -> None:
    @app.get("/ends")
    async def ends() -> Any:
        async def gen() -> AsyncIterator[str]:
            yield "last"
            await asyncio.sleep(0.05)  # the client is waiting for more

        return stream_events(gen())

    assert client.get("/ends").get_data(as_text=True) == "data: last\n\n"


def test_stream_events_needs_an_app_context() -> None:
    with pytest.raises(RuntimeError, match="needs an application context"):
        stream_events([])
