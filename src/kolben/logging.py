"""The app's logger: named after the app, writing to the server's error stream."""

from __future__ import annotations

import datetime as dt
import json
import logging
import sys
from typing import TYPE_CHECKING, Any, TextIO

from ._concurrency import nonblocking
from .globals import _cv_app

if TYPE_CHECKING:
    from .app import Kolben
    from .response import Response


class _ErrorStream:
    """``wsgi.errors`` during a WSGI request, ``sys.stderr`` otherwise.

    Under ASGI that is ``sys.stderr`` too, unless a test client request gave
    an ``errors_stream``.
    """

    def _stream(self) -> TextIO:
        ctx = _cv_app.get(None)
        if ctx is not None and ctx.request is not None:
            scope = ctx.request.scope
            if scope is None:
                stream = ctx.request.environ.get("wsgi.errors")
            else:
                # PERF: not request.environ, which under ASGI would be built
                # for this; only the test client's ``errors_stream=`` is here.
                stream = scope.get("kolben.environ", {}).get("wsgi.errors")
            if stream is not None:
                return stream  # type: ignore[no-any-return]
        return sys.stderr

    def write(self, text: str) -> Any:
        """Write to the current error stream."""
        return self._stream().write(text)

    def flush(self) -> None:
        """Flush the current error stream."""
        self._stream().flush()


#: The stream the default handler writes to.
wsgi_errors_stream = _ErrorStream()

#: The handler kolben adds to an app's logger when nothing else handles it.
default_handler = logging.StreamHandler(wsgi_errors_stream)
default_handler.setFormatter(
    logging.Formatter("[%(asctime)s] %(levelname)s in %(module)s: %(message)s")
)


def has_level_handler(logger: logging.Logger) -> bool:
    """Whether a handler on ``logger`` or its parents handles its level."""
    level = logger.getEffectiveLevel()
    current: logging.Logger | None = logger
    while current is not None:
        if any(h.level <= level for h in current.handlers):
            return True
        if not current.propagate:
            break
        current = current.parent
    return False


def create_logger(app: Kolben) -> logging.Logger:
    """Return the logger named after the app, set up as Flask sets up its own.

    In debug mode its level is DEBUG (unless one was set). When no handler
    handles its level, :data:`default_handler` is added.
    """
    logger = logging.getLogger(app.name)
    if app.debug and not logger.level:
        logger.setLevel(logging.DEBUG)
    if not has_level_handler(logger):
        logger.addHandler(default_handler)
    return logger


class RequestIdFilter(logging.Filter):
    """Give every log record ``request_id``: the current request's id, or None.

    Add it to a handler (``handler.addFilter(RequestIdFilter())``), or name
    it in ``logging.config.dictConfig``. Records made outside a request get
    ``None``.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        """Set ``record.request_id``; let every record through."""
        ctx = _cv_app.get(None)
        request = ctx.request if ctx is not None else None
        record.request_id = request.id if request is not None else None
        return True


#: The attributes every ``LogRecord`` has; the rest were given with ``extra=``.
_STANDARD = frozenset(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {
    "message",
    "asctime",
    "request_id",
}


class JSONFormatter(logging.Formatter):
    """Format each record as one line of JSON, for log collectors.

    The line has ``time`` (ISO 8601, UTC, milliseconds), ``level``,
    ``logger``, ``message``, ``request_id`` (with :class:`RequestIdFilter`),
    ``exception`` when there is one, and every ``extra=`` field::

        handler = logging.StreamHandler()
        handler.setFormatter(JSONFormatter())
        handler.addFilter(RequestIdFilter())
        app.logger.addHandler(handler)
        app.logger.info("paid", extra={"order": 42})
        # {"time": "2026-12-01T12:00:00.123Z", "level": "INFO", ...,
        #  "message": "paid", "request_id": "9f0c...", "order": 42}
    """

    def format(self, record: logging.LogRecord) -> str:
        """Return ``record`` as a line of JSON."""
        moment = dt.datetime.fromtimestamp(record.created, dt.UTC)
        out: dict[str, Any] = {
            "time": moment.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None),
        }
        if record.exc_info:
            out["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            out["stack"] = self.formatStack(record.stack_info)
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                out[key] = value
        return json.dumps(out, default=str, ensure_ascii=False)


def use_request_ids(app: Kolben) -> None:
    """Echo each request's id in its response, and put it in the app's logs.

    The response gets the ``REQUEST_ID_HEADER`` header (``X-Request-ID``)
    with :attr:`Request.id <kolben.Request.id>`, and every handler of the
    app's logger a :class:`RequestIdFilter`. Set ``REQUEST_ID_TRUST_HEADER``
    when a proxy you trust sets the header, so one id follows a request
    through it and the app.

    :param app: the app.
    """
    header = app.config["REQUEST_ID_HEADER"]

    @app.after_request
    @nonblocking
    def echo_request_id(response: Response) -> Response:
        from .globals import request

        response.headers[header] = request.id
        return response

    for handler in app.logger.handlers or [default_handler]:
        if not any(isinstance(f, RequestIdFilter) for f in handler.filters):
            handler.addFilter(RequestIdFilter())
