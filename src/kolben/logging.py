"""The app's logger: named after the app, writing to the server's error stream."""

from __future__ import annotations

import logging
import sys
from typing import TYPE_CHECKING, Any, TextIO

from .globals import _cv_app

if TYPE_CHECKING:
    from .app import Kolben


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
