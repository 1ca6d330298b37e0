"""The ASGI adapter, driven with raw protocol messages."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from kolben import Kolben, request

Message = dict[str, Any]


def run_asgi(
    app: Kolben,
    scope: dict[str, Any],
    messages: list[Message],
) -> list[Message]:
    """Run one ASGI connection with scripted input; return what was sent."""
    sent: list[Message] = []
    inbox = list(messages)

    async def receive() -> Message:
        if inbox:
            return inbox.pop(0)
        await asyncio.sleep(3600)
        raise AssertionError("unreachable")

    async def send(message: Message) -> None:
        sent.append(message)

    asyncio.run(_run(app, scope, receive, send))
    return sent


async def _run(
    app: Kolben,
    scope: dict[str, Any],
    receive: Callable[[], Awaitable[Message]],
    send: Callable[[Message], Awaitable[None]],
) -> None:
    try:
        await app(scope, receive, send)
    finally:
        if app._sync_runner is not None:
            app._sync_runner.shutdown()


def http_scope(
    path: str = "/", method: str = "GET", headers: Any = ()
) -> dict[str, Any]:
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": [(k.encode(), v.encode()) for k, v in headers],
        "client": ("127.0.0.1", 1234),
        "server": ("testserver", 80),
    }


def test_chunked_body_is_received_before_the_view(app: Kolben) -> None:
    app.add_url_rule("/", "i", lambda: {"got": request.get_json()}, methods=["POST"])
    sent = run_asgi(
        app,
        http_scope(
            "/",
            "POST",
            [("content-type", "application/json"), ("transfer-encoding", "chunked")],
        ),
        [
            {"type": "http.request", "body": b'{"a": ', "more_body": True},
            {"type": "http.request", "body": b"[1, 2]}", "more_body": False},
        ],
    )
    assert sent[0]["status"] == 200
    assert sent[1]["body"] == b'{"got":{"a":[1,2]}}\n'


def test_large_body_is_spooled_to_disk(app: Kolben) -> None:
    app.config["BODY_SPOOL_THRESHOLD"] = 1000

    @app.route("/", methods=["POST"])
    def upload() -> Any:
        # SpooledTemporaryFile records in _rolled whether it moved to disk.
        spooled = bool(getattr(request.stream, "_rolled", False))
        return {"spooled": spooled, "size": len(request.get_data())}

    body = b"x" * 5000
    sent = run_asgi(
        app,
        http_scope("/", "POST", [("content-length", str(len(body)))]),
        [
            {"type": "http.request", "body": body[:2500], "more_body": True},
            {"type": "http.request", "body": body[2500:], "more_body": False},
        ],
    )
    assert sent[1]["body"] == b'{"size":5000,"spooled":true}\n'
    # A body past the threshold in one message is spooled too, and one
    # within it is kept in memory.
    for size, spooled in ((5000, b"true"), (500, b"false")):
        sent = run_asgi(
            app,
            http_scope("/", "POST", [("content-length", str(size))]),
            [{"type": "http.request", "body": body[:size], "more_body": False}],
        )
        assert sent[1]["body"] == b'{"size":%d,"spooled":%s}\n' % (size, spooled)


def test_declared_length_over_limit_is_413_without_reading(app: Kolben) -> None:
    app.config["MAX_CONTENT_LENGTH"] = 10
    app.add_url_rule("/", "i", lambda: request.get_data(), methods=["POST"])
    sent = run_asgi(app, http_scope("/", "POST", [("content-length", "1000")]), [])
    assert sent[0]["status"] == 413


def test_chunked_body_over_limit_is_413(app: Kolben) -> None:
    app.config["MAX_CONTENT_LENGTH"] = 10
    app.add_url_rule("/", "i", lambda: request.get_data(), methods=["POST"])
    sent = run_asgi(
        app,
        http_scope("/", "POST", [("transfer-encoding", "chunked")]),
        [
            {"type": "http.request", "body": b"x" * 8, "more_body": True},
            {"type": "http.request", "body": b"x" * 8, "more_body": True},
        ],
    )
    assert sent[0]["status"] == 413


def test_client_disconnect_during_body_sends_nothing(app: Kolben) -> None:
    called: list[bool] = []

    @app.route("/", methods=["POST"])
    def view() -> str:
        called.append(True)
        return "x"

    sent = run_asgi(
        app,
        http_scope("/", "POST", [("content-length", "100")]),
        [
            {"type": "http.request", "body": b"x" * 10, "more_body": True},
            {"type": "http.disconnect"},
        ],
    )
    assert sent == []
    assert called == []


def test_head_sends_headers_without_body(app: Kolben) -> None:
    app.add_url_rule("/", "i", lambda: "hello")
    sent = run_asgi(app, http_scope("/", "HEAD"), [])
    assert sent[0]["status"] == 200
    assert (b"content-length", b"5") in sent[0]["headers"]
    assert sent[1] == {"type": "http.response.body", "body": b""}


def test_header_names_are_lowercase(app: Kolben) -> None:
    app.add_url_rule("/", "i", lambda: ("x", {"X-Mixed-Case": "V"}))
    sent = run_asgi(app, http_scope(), [])
    assert (b"x-mixed-case", b"V") in sent[0]["headers"]


def test_lifespan_runs_serving_hooks(app: Kolben) -> None:
    events: list[str] = []

    @app.before_serving
    async def startup() -> None:
        events.append("async startup")

    @app.before_serving
    def sync_startup() -> None:
        events.append("sync startup")

    @app.after_serving
    async def shutdown() -> None:
        events.append("shutdown")

    sent = run_asgi(
        app,
        {"type": "lifespan", "asgi": {"version": "3.0"}},
        [{"type": "lifespan.startup"}, {"type": "lifespan.shutdown"}],
    )
    assert [m["type"] for m in sent] == [
        "lifespan.startup.complete",
        "lifespan.shutdown.complete",
    ]
    assert events == ["async startup", "sync startup", "shutdown"]


def test_lifespan_startup_failure_is_reported(app: Kolben) -> None:

    @app.before_serving
    def broken() -> None:
        raise RuntimeError("no database")

    sent = run_asgi(app, {"type": "lifespan"}, [{"type": "lifespan.startup"}])
    assert sent[0]["type"] == "lifespan.startup.failed"
    assert "no database" in sent[0]["message"]


def test_a_websocket_no_rule_takes_is_refused(app: Kolben) -> None:
    # Without the http.response extension the refusal is a close before
    # accept, which the server answers with a 403.
    scope = {"type": "websocket", "path": "/", "headers": []}
    sent = run_asgi(app, scope, [{"type": "websocket.connect"}])
    assert sent == [{"type": "websocket.close", "code": 1008}]


def test_unknown_scope_type_raises(app: Kolben) -> None:
    with pytest.raises(RuntimeError, match="scope type 'nope'"):
        run_asgi(app, {"type": "nope"}, [])


def test_root_path_is_stripped_from_path(app: Kolben) -> None:
    app.add_url_rule(
        "/page", "page", lambda: {"path": request.path, "root": request.root_path}
    )
    scope = http_scope("/mounted/page")
    scope["root_path"] = "/mounted"
    sent = run_asgi(app, scope, [])
    assert sent[1]["body"] == b'{"path":"/page","root":"/mounted"}\n'


def _disconnect_after_first_chunk(app: Kolben, path: str) -> list[Message]:
    """Stream ``path``; the client leaves once the first chunk has arrived."""
    sent: list[Message] = []
    first_chunk = asyncio.Event()

    async def receive() -> Message:
        await first_chunk.wait()
        return {"type": "http.disconnect"}

    async def send(message: Message) -> None:
        sent.append(message)
        if message.get("more_body"):
            first_chunk.set()

    asyncio.run(_run(app, http_scope(path), receive, send))
    return sent


def test_client_disconnect_stops_a_sync_stream(app: Kolben) -> None:
    produced: list[int] = []
    closed: list[bool] = []

    @app.route("/")
    def stream() -> Any:
        def generate() -> Any:
            try:
                for i in range(1000):
                    produced.append(i)
                    yield b"x"
            finally:
                closed.append(True)

        return generate()

    sent = _disconnect_after_first_chunk(app, "/")
    assert closed == [True]
    assert len(produced) < 1000
    assert not any(m.get("more_body") is False for m in sent[1:] if m.get("body"))


def test_client_disconnect_stops_a_waiting_async_stream(app: Kolben) -> None:
    closed: list[bool] = []

    @app.route("/")
    def stream() -> Any:
        async def generate() -> Any:
            try:
                yield b"first"
                await asyncio.sleep(3600)  # waiting for events that never come
                yield b"never"
            finally:
                closed.append(True)

        return generate()

    sent = _disconnect_after_first_chunk(app, "/")
    assert closed == [True]
    assert [m.get("body") for m in sent[1:]] == [b"first"]


def test_a_failed_receive_stops_an_async_stream_as_a_disconnect(app: Kolben) -> None:
    closed: list[bool] = []
    first_chunk = asyncio.Event()

    @app.route("/")
    def stream() -> Any:
        async def generate() -> Any:
            try:
                yield b"first"
                await asyncio.sleep(3600)
            finally:
                closed.append(True)

        return generate()

    async def receive() -> Message:
        await first_chunk.wait()
        raise OSError("the server lost the client")

    sent: list[Message] = []

    async def send(message: Message) -> None:
        sent.append(message)
        first_chunk.set()

    asyncio.run(_run(app, http_scope("/"), receive, send))
    assert closed == [True]
    assert [m.get("body") for m in sent[1:]] == [b"first"]


def test_cancelling_the_server_task_still_cancels_an_async_stream(app: Kolben) -> None:
    @app.route("/")
    def stream() -> Any:
        async def generate() -> Any:
            yield b"first"
            await asyncio.sleep(3600)

        return generate()

    async def receive() -> Message:
        await asyncio.sleep(3600)  # the client never leaves
        raise AssertionError

    async def go() -> None:
        started = asyncio.Event()

        async def send(message: Message) -> None:
            started.set()

        task = asyncio.ensure_future(_run(app, http_scope("/"), receive, send))
        await started.wait()
        task.cancel()  # the server shutting down, say
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(go())


def test_a_disconnect_after_the_stream_ended_cancels_nothing(app: Kolben) -> None:
    @app.route("/")
    def stream() -> Any:
        async def generate() -> Any:
            yield b"all"

        return generate()

    async def receive() -> Message:
        return {"type": "http.disconnect"}  # at once, racing the last chunk

    sent: list[Message] = []

    async def send(message: Message) -> None:
        sent.append(message)
        await asyncio.sleep(0)  # lets the disconnect land mid-send

    asyncio.run(_run(app, http_scope("/"), receive, send))
    # The whole body went out and the response was ended, uncancelled.
    assert [m.get("body") for m in sent[1:]] == [b"all", b""]


def test_asgi_middleware_wraps_asgi_app(app: Kolben) -> None:
    seen: list[str] = []
    inner = app.asgi_app

    async def middleware(scope: dict[str, Any], receive: Any, send: Any) -> None:
        seen.append(scope["path"])
        await inner(scope, receive, send)

    app.asgi_app = middleware  # type: ignore[method-assign]
    app.add_url_rule("/", "i", lambda: "through middleware")
    sent = run_asgi(app, http_scope(), [])
    assert sent[1]["body"] == b"through middleware"
    assert seen == ["/"]
    assert app.test_client(protocol="asgi").get("/").text == "through middleware"
    assert seen == ["/", "/"]


def test_a_spooled_body_is_released_when_the_client_leaves(
    app: Kolben, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tempfile

    from kolben import asgi

    opened: list[Any] = []
    real = tempfile.SpooledTemporaryFile

    def keep(*args: Any, **kwargs: Any) -> Any:
        opened.append(real(*args, **kwargs))
        return opened[-1]

    monkeypatch.setattr(tempfile, "SpooledTemporaryFile", keep)
    app.config["BODY_SPOOL_THRESHOLD"] = 10
    inbox: list[Message] = [
        {"type": "http.request", "body": b"x" * 50, "more_body": True},
        {"type": "http.disconnect"},
    ]

    async def receive() -> Message:
        return inbox.pop(0)

    async def read() -> None:
        try:
            await asgi._receive_body(app, 100, receive)
        except asgi.ClientDisconnect:
            # Released already, while the traceback still holds the frame
            # that made it: not left for the collector.
            assert opened
            assert all(f.closed for f in opened)
        else:
            raise AssertionError("the disconnect was not reported")

    asyncio.run(read())
