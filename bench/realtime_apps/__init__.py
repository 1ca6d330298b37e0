"""The real-time benchmark's contract: a WebSocket echo and an event stream.

Every framework (one module each in this package) serves:

- ``/ws/echo``: a WebSocket that sends back each text message it receives;
- ``/events?n=N``: ``text/event-stream`` of ``N`` events, each
  ``event: tick`` with ``data: <i>`` for ``i`` from 0, sent as fast as the
  framework can, through the framework's own SSE support where it has one.

This module imports no framework, so a server that loads one app does not
import the others.
"""

from __future__ import annotations

ECHO_PATH = "/ws/echo"
EVENTS_PATH = "/events"

#: The framework of each app, and its ``module:attribute``.
APPS = {
    "kolben": "bench.realtime_apps.kolben_app:app",
    "starlette": "bench.realtime_apps.starlette_app:app",
    "quart": "bench.realtime_apps.quart_app:app",
}


def event(i: int) -> bytes:
    """Return event ``i`` of the stream as every app must send it."""
    return b"event: tick\ndata: %d\n\n" % i


def expected_stream(n: int) -> bytes:
    """Return the whole body of ``/events?n=<n>``."""
    return b"".join(event(i) for i in range(n))
