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
