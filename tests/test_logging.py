"""app.logger: named after the app, to the server's error stream."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import pytest

from kolben import Kolben
from kolben.logging import default_handler, has_level_handler


@pytest.fixture
def fresh_logger() -> Iterator[str]:
    """A logger name with no handlers, so kolben adds its default handler.

    Each test calls ``_without_pytest_handlers`` first.
    """
    name = "kolben_logging_test"
    logger = logging.getLogger(name)
    logger.propagate = False
    yield name
    logger.handlers.clear()
    logger.setLevel(logging.NOTSET)
    logger.propagate = True


def _without_pytest_handlers(name: str) -> None:
    # pytest attaches its capture handler when the test body starts.
    logging.getLogger(name).handlers.clear()


def test_logger_named_after_the_app_with_default_handler(fresh_logger: str) -> None:
    _without_pytest_handlers(fresh_logger)
    app = Kolben(fresh_logger)
    assert app.logger.name == fresh_logger
    assert app.logger.handlers == [default_handler]
    assert has_level_handler(app.logger)


def test_debug_mode_logs_debug_messages(fresh_logger: str) -> None:
    _without_pytest_handlers(fresh_logger)
    app = Kolben(fresh_logger)
    app.debug = True
    assert app.logger.level == logging.DEBUG


def test_wsgi_errors_stream_during_a_request(fresh_logger: str) -> None:
    _without_pytest_handlers(fresh_logger)
    app = Kolben(fresh_logger)
    errors = io.StringIO()

    @app.route("/")
    def index() -> str:
        app.logger.warning("inside the request")
        return "ok"

    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": "/",
        "SERVER_NAME": "localhost",
        "SERVER_PORT": "80",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(),
        "wsgi.errors": errors,
    }
    body = b"".join(app(environ, lambda status, headers, exc_info=None: None))
    assert body == b"ok"
    assert "WARNING in test_logging: inside the request" in errors.getvalue()


def test_outside_a_request_it_goes_to_stderr(
    fresh_logger: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _without_pytest_handlers(fresh_logger)
    Kolben(fresh_logger).logger.error("at startup")
    assert "ERROR in test_logging: at startup" in capsys.readouterr().err
