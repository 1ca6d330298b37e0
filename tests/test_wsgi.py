"""The WSGI adapter, driven with a raw environ."""

from __future__ import annotations

import io
import logging
import sys
from collections.abc import Iterator
from typing import Any

import pytest

from kolben import Kolben, request


def call_wsgi(
    app: Kolben, environ: dict[str, Any]
) -> tuple[str, list[Any], bytes, Any]:
    started: list[Any] = []

    def start_response(status: str, headers: list[Any], exc_info: Any = None) -> None:
        started[:] = [status, headers]

    iterable = app(environ, start_response)
    body = b"".join(iterable)
    return started[0], started[1], body, iterable


def environ(
    path: str = "/", method: str = "GET", body: bytes = b"", **extra: Any
) -> dict[str, Any]:
    env = {
        "REQUEST_METHOD": method,
        "SCRIPT_NAME": "",
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "localhost",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr,
    }
    env.update(extra)
    return env


def test_chunked_input_is_read_to_the_end(app: Kolben) -> None:
    app.add_url_rule("/", "i", lambda: request.get_data(), methods=["POST"])
    status, _, body, _ = call_wsgi(
        app, environ("/", "POST", b"chunked body", **{"wsgi.input_terminated": True})
    )
    assert (status, body) == ("200 OK", b"chunked body")


def test_chunked_input_over_limit_is_413(app: Kolben) -> None:
    app.config["MAX_CONTENT_LENGTH"] = 4
    app.add_url_rule("/", "i", lambda: request.get_data(), methods=["POST"])
    status, _, _, _ = call_wsgi(
        app, environ("/", "POST", b"too long", **{"wsgi.input_terminated": True})
    )
    assert status.startswith("413")


def test_body_without_length_is_not_read(app: Kolben) -> None:
    app.add_url_rule("/", "i", lambda: repr(request.get_data()), methods=["POST"])
    _, _, body, _ = call_wsgi(app, environ("/", "POST", b"ignored"))
    assert body == b"b''"


def test_truncated_body_is_400(app: Kolben) -> None:
    app.add_url_rule("/", "i", lambda: request.get_data(), methods=["POST"])
    status, _, _, _ = call_wsgi(
        app, environ("/", "POST", b"short", CONTENT_LENGTH="100")
    )
    assert status.startswith("400")


class _BrokenInput:
    """A server's input stream that fails, as gunicorn's does on a bad chunk."""

    def read(self, size: int = -1) -> bytes:
        raise OSError("Invalid chunk size: 'zz'")


def test_an_error_reading_the_body_is_400_logged_at_info(
    app: Kolben, caplog: pytest.LogCaptureFixture
) -> None:
    app.add_url_rule("/", "i", lambda: request.get_data(), methods=["POST"])
    env = environ("/", "POST", b"", **{"wsgi.input_terminated": True})
    env["wsgi.input"] = _BrokenInput()
    with caplog.at_level(logging.INFO, logger=app.logger.name):
        status, _, body, _ = call_wsgi(app, env)
    assert status.startswith("400")
    assert b"could not read the request body" in body
    [record] = [r for r in caplog.records if "request body" in r.getMessage()]
    assert record.levelno == logging.INFO
    assert "Invalid chunk size" in record.getMessage()


def test_the_connection_closing_mid_body_is_logged_at_info(
    app: Kolben, caplog: pytest.LogCaptureFixture
) -> None:
    app.add_url_rule("/", "i", lambda: request.get_data(), methods=["POST"])
    with caplog.at_level(logging.INFO, logger=app.logger.name):
        status, _, _, _ = call_wsgi(
            app, environ("/", "POST", b"short", CONTENT_LENGTH="100")
        )
    assert status.startswith("400")
    assert any("mid-body" in r.getMessage() for r in caplog.records)


class _ResetInput(io.RawIOBase):
    """``wsgi.input`` of a client that reset the connection mid-body."""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        raise ConnectionResetError(104, "Connection reset by peer")


def test_connection_reset_mid_body_is_400(app: Kolben) -> None:
    # gunicorn's input raises when the client resets mid-upload; in testing
    # mode a 500 would propagate here instead.
    app.add_url_rule("/", "i", lambda: str(request.files), methods=["POST"])
    env = environ(
        "/",
        "POST",
        CONTENT_LENGTH="100",
        CONTENT_TYPE="multipart/form-data; boundary=b",
    )
    env["wsgi.input"] = _ResetInput()
    status, _, body, _ = call_wsgi(app, env)
    assert status.startswith("400")
    assert b"could not read the request body" in body


def test_streamed_generator_is_closed(app: Kolben) -> None:
    closed: list[bool] = []

    @app.route("/")
    def stream() -> Iterator[str]:
        def generate() -> Iterator[str]:
            try:
                yield "a"
                yield "b"
            finally:
                closed.append(True)

        return generate()

    started: list[Any] = []
    iterable = app(environ(), lambda s, h, e=None: started.append(s))
    it = iter(iterable)
    assert next(it) == b"a"
    iterable.close()  # the server closes early, e.g. the client went away
    assert closed == [True]


def test_app_is_callable_as_wsgi_and_exposes_wsgi_app(app: Kolben) -> None:
    app.add_url_rule("/", "i", lambda: "hi")
    calls: list[str] = []
    inner = app.wsgi_app

    def middleware(env: dict[str, Any], start_response: Any) -> Any:
        calls.append(env["PATH_INFO"])
        return inner(env, start_response)

    app.wsgi_app = middleware  # type: ignore[method-assign,assignment]
    status, headers, body, _ = call_wsgi(app, environ())
    assert (status, body, calls) == ("200 OK", b"hi", ["/"])
    assert ("Content-Type", "text/html; charset=utf-8") in headers


def test_server_reports_the_app_as_asgi_too(app: Kolben) -> None:
    import asyncio

    # uvicorn and hypercorn pick the ASGI 3 interface by this test.
    assert asyncio.iscoroutinefunction(app.__call__)
    assert asyncio.iscoroutinefunction(app.asgi_app)
