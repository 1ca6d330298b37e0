"""The ASGI adapter: HTTP and lifespan (WebSockets: ``_asgi_websocket``).

The body is received before dispatch (bounded by ``MAX_CONTENT_LENGTH`` and
spooled to a temporary file past ``BODY_SPOOL_THRESHOLD``), so views read
``request.form`` and ``request.get_json()`` as plain attributes under both
protocols. A request whose endpoint is all sync runs its whole pipeline in one
thread-pool hop; one with an async view or hook runs on the event loop.
"""

from __future__ import annotations

import asyncio
import io
import tempfile
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from typing import TYPE_CHECKING, Any, BinaryIO

from . import _asgi_websocket, _background, _dispatch, _pipeline, _pipeline_sync
from ._app_dispatch import handle_generally
from ._body import FailingStream, framing_problem, refuse_if_too_large, too_large
from .ctx import AppContext
from .http.exceptions import BadRequest, RequestEntityTooLarge
from .response import _NO_BODY

if TYPE_CHECKING:
    from ._dispatch import Plan
    from .app import Kolben
    from .request import Request
    from .response import Response

Receive = Callable[[], Any]
Send = Callable[[dict[str, Any]], Any]


# The request headers that announce a body.
_BODY_HEADERS = frozenset((b"content-length", b"transfer-encoding"))


class ClientDisconnect(Exception):
    """The client went away before the request body was complete."""


def handle(
    app: Kolben, scope: dict[str, Any], receive: Receive, send: Send
) -> Awaitable[None]:
    """Return the coroutine that serves one ASGI connection (``Kolben.asgi_app``).

    PERF: a plain function handing back the coroutine to await, rather than
    one more coroutine layer per request.
    """
    kind = scope["type"]
    if kind == "http":
        return _http(app, scope, receive, send)
    if kind == "lifespan":
        return _lifespan(app, receive, send)
    if kind == "websocket":
        return _asgi_websocket.serve(app, scope, receive, send)
    raise RuntimeError(f"kolben cannot serve the ASGI scope type {kind!r}.")


# PERF: every request runs this function; the buffered body's sending is
# inlined here rather than in a helper, which is one branch too many.
async def _http(  # noqa: C901
    app: Kolben, scope: dict[str, Any], receive: Receive, send: Send
) -> None:
    if not app._got_first_request or app._proxy_fix is not None:
        scope = _prepared(app, scope)
    announced = False
    # PERF: inlined; with no body announced there is nothing to wait for.
    for name, _ in scope.get("headers", ()):
        if name in _BODY_HEADERS:
            announced = True
            break
    if announced:
        request = await _request_with_body(app, scope, receive, send)
        if request is None:
            return
    else:
        request = app.request_class.from_scope(scope, None, app)
    ctx = AppContext(app, request)
    plan = app._match(request)
    if announced and request.routing_exception is None:
        refuse_if_too_large(request)
    if "kolben.preserve_context" in scope:  # the test client's hook
        ctx.preserve = scope["kolben.preserve_context"]
    try:
        if plan.on_loop and not app._overrides:
            response: Response = await _pipeline.handle_request(
                app, ctx, plan, app._call_offload
            )
        else:
            response = await _handle_in_thread(app, ctx, plan, scope)
    except Exception as e:
        # Only in testing and debug mode does an exception get this far.
        response = _dispatch.unhandled(app, ctx, e, scope)
    body = response.response
    # PERF: a buffered body, the common case, is sent here in two messages,
    # with _start_message's loop inlined.
    if type(body) is list and response._status_code not in _NO_BODY:
        known = _raw_fields
        headers = []
        for field in response._headers._list:
            headers.append(known.get(field) or _raw_field(field))
        await send(
            {
                "type": "http.response.start",
                "status": response._status_code,
                "headers": headers,
            }
        )
        await send(
            {
                "type": "http.response.body",
                "body": b"" if request.method == "HEAD" else b"".join(body),
            }
        )
    else:
        await _send_response(app, response, request.method, receive, send)
    if ctx._background is not None:
        _background.start_after_response(app, ctx)


def _prepared(app: Kolben, scope: dict[str, Any]) -> dict[str, Any]:
    """Freeze the app at its first request; apply ``PROXY_FIX`` if it is set."""
    if not app._got_first_request:
        app._freeze()
    if app._proxy_fix is not None:
        return app._proxy_fix.fix_scope(scope)
    return scope


async def _refuse(app: Kolben, problem: str, send: Send) -> None:
    """Answer a request whose body cannot be framed: 400, then close.

    The body is never received, so nothing of a smuggled request reaches
    the app; ``Connection: close`` makes the server drop the connection.
    """
    app.logger.info("Refused a request: %s", problem)
    response = app._http_exception_response(BadRequest(problem))
    response.headers["Connection"] = "close"
    await send(_start_message(response))
    await send({"type": "http.response.body", "body": b"".join(response.response)})


async def _request_with_body(
    app: Kolben, scope: dict[str, Any], receive: Receive, send: Send
) -> Request | None:
    """Receive the body and build the request; ``None`` if it was answered.

    A request whose body cannot be framed is answered 400 unread, and one
    whose client left mid-body is dropped quietly. A body over the limit
    is not kept: reading it raises the 413.
    """
    headers = scope["headers"]
    fields = dict(headers)
    raw = fields.get(b"content-length")
    length: int | None
    content_type: str | None
    # PERF: the usual request, one Content-Length of digits (bytes.isdigit
    # is ASCII only), no Transfer-Encoding and no field twice, is read from
    # a dict built at C speed; every other shape goes through the full check.
    if (
        raw is not None
        and raw.isdigit()
        and b"transfer-encoding" not in fields
        and type(headers) is list
        and len(fields) == len(headers)
    ):
        length, chunked = int(raw), False
        raw = fields.get(b"content-type")
        content_type = None if raw is None else raw.decode("latin-1")
    else:
        problem, length, chunked, content_type = _frame(headers)
        if problem is not None:
            await _refuse(app, problem, send)
            return None
    if not chunked and not length:
        request = app.request_class.from_scope(scope, None, app)
    else:
        try:
            body, error = await _receive_body(app, length, receive)
        except ClientDisconnect:
            return None
        request = app.request_class.from_scope(scope, body, app)
        if error is not None:
            request.__dict__["stream"] = FailingStream(error)
    # PERF: the two fields just read are kept, so neither the size check
    # nor a view reading the body's type builds the request's headers.
    kept = request.__dict__
    kept["content_length"] = length
    kept["content_type"] = content_type
    return request


def _frame(
    headers: Iterable[tuple[bytes, bytes]],
) -> tuple[str | None, int | None, bool, str | None]:
    """Read how a request's body is framed, field by field.

    Return why the framing is refused (or ``None``), the declared length,
    whether the body is chunked, and the first Content-Type.
    """
    lengths: list[str] = []
    codings: str | None = None
    content_type: str | None = None
    for name, value in headers:
        if name == b"content-length":
            lengths.append(value.decode("latin-1"))
        elif name == b"transfer-encoding":
            text = value.decode("latin-1")
            codings = text if codings is None else f"{codings}, {text}"
        elif name == b"content-type" and content_type is None:
            content_type = value.decode("latin-1")
    problem = framing_problem(lengths, codings)
    length = int(lengths[0].partition(",")[0]) if lengths and not problem else None
    return problem, length, codings is not None, content_type


async def _handle_in_thread(
    app: Kolben, ctx: AppContext, plan: Plan, scope: dict[str, Any]
) -> Response:
    """Run the sync pipeline for an endpoint whose code is all sync."""
    runner = app._sync_runner
    assert runner is not None
    # The test client pins a kept context's request to one thread, so its
    # deferred teardown can run on the thread that made its resources.
    executor = scope.get("kolben.sync_executor") or runner._get_executor()
    if app._overrides:
        # The app's own dispatch methods are sync, as Flask's are.
        return await runner.run_in(executor, handle_generally, app, ctx)
    return await runner.run_in(
        executor,
        _pipeline_sync.handle_request,
        app,
        ctx,
        plan,
        _dispatch.call_inline,
    )


async def _receive_body(
    app: Kolben, length: int | None, receive: Receive
) -> tuple[BinaryIO | None, Exception | None]:
    """Receive the whole body, or stop at the limit and report why."""
    limit = app.config["MAX_CONTENT_LENGTH"]
    if limit is not None and length is not None and length > limit:
        return None, too_large(length, limit)
    threshold = int(app.config["BODY_SPOOL_THRESHOLD"])
    message = await receive()
    # PERF: a body in one message, as servers pass a small one, is kept as
    # it came (BytesIO shares the bytes until written to).
    if message["type"] == "http.request" and not message.get("more_body", False):
        chunk = message.get("body", b"")
        size = len(chunk)
        if size <= threshold and (limit is None or size <= limit):
            return io.BytesIO(chunk), None
    return await _receive_chunks(message, receive, limit, threshold)


async def _receive_chunks(
    message: dict[str, Any], receive: Receive, limit: int | None, threshold: int
) -> tuple[BinaryIO | None, Exception | None]:
    """Receive a body from its first message on, spooling it past ``threshold``."""
    chunks: list[bytes] = []
    spool: Any = None
    size = 0
    while True:
        if message["type"] == "http.disconnect":
            if spool is not None:
                spool.close()  # what arrived is of no use: release it now
            raise ClientDisconnect()
        chunk = message.get("body", b"")
        size += len(chunk)
        if limit is not None and size > limit:
            return None, RequestEntityTooLarge(
                f"The request body is over the limit of {limit} bytes."
            )
        if spool is None and size > threshold:
            spool = tempfile.SpooledTemporaryFile(max_size=threshold)  # noqa: SIM115
            spool.writelines(chunks)
            chunks = []
        if spool is not None:
            spool.write(chunk)
        elif chunk:
            chunks.append(chunk)
        if not message.get("more_body", False):
            break
        message = await receive()
    if spool is not None:
        spool.seek(0)
        return spool, None
    return io.BytesIO(b"".join(chunks)), None


_raw_fields: dict[tuple[str, str], tuple[bytes, bytes]] = {}


def _raw_field(field: tuple[str, str]) -> tuple[bytes, bytes]:
    """Return a header field as ASGI wants it: lower-case name, bytes.

    PERF: most fields repeat from response to response (the Content-Type, a
    Content-Length, a Cache-Control), so the first few thousand distinct
    short ones are converted once and then looked up. Long values (cookies,
    mostly unique to a response) are converted every time and not kept.
    """
    raw = _raw_fields.get(field)
    if raw is None:
        name, value = field
        raw = (name.lower().encode("latin-1"), value.encode("latin-1"))
        if len(value) <= 64 and len(_raw_fields) < 4096:
            _raw_fields[field] = raw
    return raw


def _start_message(response: Response) -> dict[str, Any]:
    known = _raw_fields
    headers = []
    # PERF: a loop, not a comprehension (which builds a function on 3.11),
    # over the fields' own list.
    for field in response._headers._list:
        headers.append(known.get(field) or _raw_field(field))
    return {
        "type": "http.response.start",
        "status": response._status_code,
        "headers": headers,
    }


async def _send_response(
    app: Kolben, response: Response, method: str, receive: Receive, send: Send
) -> None:
    body = response.response
    await send(_start_message(response))
    if method == "HEAD" or response.status_code in _NO_BODY:
        await _aclose(body)
        await send({"type": "http.response.body", "body": b""})
        return
    if type(body) is list:
        await send({"type": "http.response.body", "body": b"".join(body)})
        return
    await _stream(app, body, receive, send)


async def _stream(app: Kolben, body: Any, receive: Receive, send: Send) -> None:
    """Send a streamed body, stopping if the client goes away.

    A client that leaves mid-stream must stop the body: servers drop sends
    to a gone client silently, and an endless stream would run forever.
    """
    disconnected = asyncio.ensure_future(_wait_for_disconnect(receive))
    try:
        if isinstance(body, AsyncIterator):
            finished = await _stream_async(body, send, disconnected)
        else:
            finished = await _stream_sync(app, body, send, disconnected)
    finally:
        disconnected.cancel()
        await _aclose(body)
    if finished:
        await send({"type": "http.response.body", "body": b""})


_DONE: Any = object()


async def _wait_for_disconnect(receive: Receive) -> None:
    while (await receive())["type"] != "http.disconnect":
        pass


async def _stream_async(
    body: AsyncIterator[Any], send: Send, disconnected: asyncio.Future[None]
) -> bool:
    """Send an async body; return False if the client left first.

    PERF: the body is iterated in this task, and a client that leaves
    cancels it, as Starlette's task group does; racing a task per chunk
    against the disconnect (asyncio.wait) cost more than the chunk itself.
    """
    task = asyncio.current_task()
    assert task is not None
    state = _Streaming(task)
    disconnected.add_done_callback(state.client_left)
    try:
        async for chunk in body:
            await _send_chunk(send, chunk)
    except asyncio.CancelledError:
        if not state.left:
            raise
        task.uncancel()  # the cancel was ours, for a client that left
        return False
    finally:
        state.streaming = False
        disconnected.remove_done_callback(state.client_left)
    return True


class _Streaming:
    """Cancel a streaming task when the client leaves, while it streams."""

    __slots__ = ("task", "streaming", "left")

    def __init__(self, task: asyncio.Task[Any]) -> None:
        self.task = task
        self.streaming = True
        self.left = False

    def client_left(self, watcher: asyncio.Future[None]) -> None:
        """Cancel the task: the disconnect came, or receiving it failed."""
        if watcher.cancelled():
            return
        watcher.exception()  # retrieved: a failed receive means a gone client
        if self.streaming:
            self.left = True
            self.task.cancel()


async def _stream_sync(
    app: Kolben, body: Any, send: Send, disconnected: asyncio.Future[None]
) -> bool:
    """Send a sync body, one step per thread-pool call; False if the client left."""
    runner = app._sync_runner
    assert runner is not None
    iterator = iter(body)
    while not disconnected.done():
        # A sync generator is user code that may block: never on the loop.
        chunk = await runner.run(next, iterator, _DONE)
        if chunk is _DONE:
            return True
        await _send_chunk(send, chunk)
    return False


async def _send_chunk(send: Send, chunk: Any) -> None:
    if isinstance(chunk, str):
        chunk = chunk.encode()
    if chunk:
        await send(
            {"type": "http.response.body", "body": bytes(chunk), "more_body": True}
        )


async def _aclose(body: Any) -> None:
    aclose = getattr(body, "aclose", None)
    if aclose is not None:
        await aclose()
        return
    close = getattr(body, "close", None)
    if close is not None:
        close()


async def _lifespan(app: Kolben, receive: Receive, send: Send) -> None:
    """Run the before/after-serving functions when the server starts and stops."""
    started = False
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            try:
                # Serving starts here: routes and hooks are compiled now.
                if not app._got_first_request:
                    app._freeze()
                for f in app.before_serving_funcs:
                    await app._call_offload(f)
            except Exception as e:
                app.logger.exception("A before_serving function failed.")
                await send({"type": "lifespan.startup.failed", "message": repr(e)})
                return
            started = True
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            try:
                if started:
                    await _background.wait_for_tasks(app)
                    for f in app.after_serving_funcs:
                        await app._call_offload(f)
            except Exception as e:
                app.logger.exception("An after_serving function failed.")
                await send({"type": "lifespan.shutdown.failed", "message": repr(e)})
                return
            finally:
                if app._sync_runner is not None:
                    app._sync_runner.shutdown()
            await send({"type": "lifespan.shutdown.complete"})
            return
