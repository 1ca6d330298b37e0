"""Tracing for kolben apps on OpenTelemetry's WSGI and ASGI middlewares.

``pip install kolben[telemetry]``, set up a tracer provider, then::

    from kolben.telemetry import KolbenInstrumentor

    KolbenInstrumentor().instrument_app(app)

wraps ``app.wsgi_app`` in ``opentelemetry-instrumentation-wsgi``'s
middleware and ``app.asgi_app`` in ``opentelemetry-instrumentation-asgi``'s,
so the app makes one server span per request under either protocol, and
names each span by its route rule (``GET /users/<int:id>``, with the
``http.route`` attribute) as ``opentelemetry-instrumentation-flask`` does:
the middlewares name a span before the app has matched the URL, so only the
app can. An app that wraps the middlewares itself (with options of its own)
passes ``wrap=False`` and gets the names alone. ``docs/metrics.md`` has the
setup with an exporter.
"""

from __future__ import annotations

import importlib.util

if importlib.util.find_spec("opentelemetry") is None:
    raise ImportError(
        "kolben.telemetry needs OpenTelemetry: install it with"
        " 'pip install kolben[telemetry]'."
    )

from .extension import KolbenInstrumentor as KolbenInstrumentor
from .extension import name_server_span as name_server_span

__all__ = ["KolbenInstrumentor", "name_server_span"]
