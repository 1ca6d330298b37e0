"""The kolben app that the end-to-end tests serve with gunicorn and uvicorn."""

from __future__ import annotations

import asyncio
import hashlib
import os
import threading
import time
from collections.abc import AsyncIterator, Iterator
from typing import Any

from kolben import (
    Kolben,
    Response,
    jsonify,
    redirect,
    request,
    session,
    stream_with_context,
    url_for,
)

#: ``MAX_CONTENT_LENGTH`` of the served app; the tests send twice as much.
MAX_CONTENT_LENGTH = 1024 * 1024

#: Environment variables naming the files the lifespan hooks write.
STARTUP_MARKER_ENV = "KOLBEN_E2E_STARTUP_MARKER"
SHUTDOWN_MARKER_ENV = "KOLBEN_E2E_SHUTDOWN_MARKER"

#: How long ``/slow`` blocks its worker thread, in seconds.
SLOW_SECONDS = 1.0


def _write_marker(env_name: str, text: str) -> None:
    path = os.environ.get(env_name)
    if path:
        with open(path, "w", encoding="utf-8") as file:
            file.write(text)


def _on_event_loop() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


def _register_lifespan(app: Kolben) -> None:
    @app.before_serving
    async def started() -> None:
        app.extensions["e2e.started"] = True
        _write_marker(STARTUP_MARKER_ENV, f"started {os.getpid()}")

    @app.after_serving
    def stopped() -> None:
        _write_marker(SHUTDOWN_MARKER_ENV, f"stopped {os.getpid()}")


def _register_bodies(app: Kolben) -> None:
    @app.post("/json")
    def echo_json() -> Response:
        return jsonify(received=request.get_json(), method=request.method)

    @app.post("/form")
    def echo_form() -> Response:
        return jsonify(form=request.form.to_dict(flat=False))

    @app.post("/ignore-body")
    def ignore_body() -> str:
        # Never reads the body: a body over the limit must be refused anyway.
        return "ignored"

    @app.post("/upload")
    def upload() -> Response:
        storage = request.files["file"]
        content = storage.read()
        return jsonify(
            filename=storage.filename,
            content_type=storage.content_type,
            size=len(content),
            sha256=hashlib.sha256(content).hexdigest(),
            note=request.form.get("note"),
        )


def _register_state(app: Kolben) -> None:
    @app.get("/cookie/set")
    def set_cookie() -> Response:
        response = jsonify(stored=request.args["value"])
        response.set_cookie("flavour", request.args["value"], httponly=True)
        response.set_cookie("size", "large", path="/cookie")
        return response

    @app.get("/cookie/get")
    def get_cookie() -> Response:
        return jsonify(request.cookies.to_dict())

    @app.get("/counter")
    def counter() -> Response:
        session["count"] = session.get("count", 0) + 1
        return jsonify(count=session["count"])


def _register_views(app: Kolben) -> None:
    @app.get("/ping")
    def ping() -> str:
        return "pong"

    @app.get("/hello")
    def hello() -> str:
        return "Hello from kolben!"

    @app.get("/sync")
    def sync_view() -> Response:
        return jsonify(
            view="sync",
            on_event_loop=_on_event_loop(),
            x=request.args.get("x"),
        )

    @app.get("/async")
    async def async_view() -> Response:
        await asyncio.sleep(0.01)
        return jsonify(
            view="async",
            loop=id(asyncio.get_running_loop()),
            x=request.args.get("x"),
        )

    @app.get("/slow")
    def slow() -> Response:
        # Blocks its thread on purpose: a concurrent server must keep serving.
        time.sleep(SLOW_SECONDS)
        return jsonify(view="slow", thread=threading.current_thread().name)

    @app.get("/lifespan")
    def lifespan() -> Response:
        return jsonify(started=app.extensions.get("e2e.started", False))

    @app.get("/stream")
    def stream() -> Response:
        count = request.args.get("chunks", 4, type=int)
        delay = request.args.get("delay", 0.2, type=float)

        def generate() -> Iterator[str]:
            for i in range(count):
                if i:
                    time.sleep(delay)
                # Reads the request inside the generator: needs the context.
                yield f"chunk {i} of {request.args['tag']}\n"

        return Response(stream_with_context(generate()), mimetype="text/plain")


#: Streams of ``/ticker``, by id: how many chunks each sent and how it ended.
TICKERS: dict[str, dict[str, Any]] = {}
#: The most chunks ``/ticker`` sends; a client is expected to leave earlier.
TICKER_CHUNKS = 150
TICKER_DELAY = 0.02


def _register_ticker(app: Kolben) -> None:
    @app.get("/ticker/<ticker_id>")
    def ticker(ticker_id: str) -> Response:
        state: dict[str, Any] = {"sent": 0, "ended": None}
        TICKERS[ticker_id] = state

        def generate() -> Iterator[bytes]:
            try:
                for i in range(TICKER_CHUNKS):
                    yield b"tick %d\n" % i
                    state["sent"] += 1
                    time.sleep(TICKER_DELAY)
                state["ended"] = "finished"
            except GeneratorExit:
                state["ended"] = "closed"
                raise

        return Response(generate(), mimetype="text/plain")

    @app.get("/ticker/<ticker_id>/state")
    def ticker_state(ticker_id: str) -> Response:
        return jsonify(TICKERS.get(ticker_id))


def _register_urls(app: Kolben) -> None:
    @app.get("/whoami")
    def whoami() -> Response:
        return jsonify(
            host=request.host,
            url=request.url,
            base_url=request.base_url,
            url_root=request.url_root,
            scheme=request.scheme,
            remote_addr=request.remote_addr,
            path=request.path,
            full_path=request.full_path,
            args=request.args.to_dict(flat=False),
            external=url_for("hello", _external=True),
        )

    @app.get("/echo/<path:name>")
    def echo(name: str) -> Response:
        return jsonify(name=name, path=request.path, q=request.args.get("q"))

    @app.get("/go")
    def go() -> Response:
        return redirect(url_for("hello"))

    @app.get("/astream")
    def astream() -> Response:
        async def generate() -> AsyncIterator[bytes]:
            for i in range(3):
                await asyncio.sleep(0.01)
                yield b"async %d\n" % i

        return Response(generate(), mimetype="text/plain")

    @app.after_request
    def mark(response: Response) -> Response:
        response.headers["X-E2E"] = "after_request"
        return response


def create_app(config: dict[str, Any] | None = None) -> Kolben:
    """Build the end-to-end test app.

    :param config: settings that override the defaults below.
    """
    app = Kolben(__name__)
    app.config.from_mapping(
        SECRET_KEY="kolben e2e secret",
        MAX_CONTENT_LENGTH=MAX_CONTENT_LENGTH,
    )
    if config:
        app.config.from_mapping(config)
    _register_lifespan(app)
    _register_bodies(app)
    _register_state(app)
    _register_views(app)
    _register_urls(app)
    _register_ticker(app)
    return app


app = create_app()
