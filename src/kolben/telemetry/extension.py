"""``KolbenInstrumentor``: server spans named by the route rule."""

from __future__ import annotations

from typing import Any

from opentelemetry import trace

from ..globals import request
from ..helpers import nonblocking
from ..signals import got_request_exception

#: The span attribute of the matched route (OpenTelemetry's semantic
#: conventions), as ``opentelemetry-instrumentation-flask`` sets it.
HTTP_ROUTE = "http.route"


@nonblocking
def name_server_span() -> None:
    """Name the current span ``"<METHOD> <rule>"`` and set ``http.route``.

    A ``before_request`` hook that :meth:`KolbenInstrumentor.instrument_app`
    registers first, so a hook that answers early (a rate limit, a login
    check) still leaves the span named by its route. A request no rule
    matched (a 404, a 405) keeps the middleware's name. It does no I/O, so
    it runs on the event loop for async views.
    """
    rule = request.url_rule
    if rule is None:
        return
    span = trace.get_current_span()
    if span.is_recording():
        span.update_name(f"{request.method} {rule.rule}")
        span.set_attribute(HTTP_ROUTE, rule.rule)


def _record_exception(sender: Any, exception: BaseException, **extra: Any) -> None:
    """Add an unhandled exception to the request's span as an event."""
    span = trace.get_current_span()
    if span.is_recording():
        span.record_exception(exception)


class KolbenInstrumentor:
    """Trace a kolben app, as ``FlaskInstrumentor`` traces a Flask app.

    ::

        from kolben.telemetry import KolbenInstrumentor

        KolbenInstrumentor().instrument_app(app)

    The spans go to the tracer provider set with
    ``opentelemetry.trace.set_tracer_provider`` unless one is given.
    """

    def instrument_app(
        self,
        app: Any,
        tracer_provider: trace.TracerProvider | None = None,
        meter_provider: Any = None,
        *,
        wrap: bool = True,
    ) -> None:
        """Wrap both entry points in OpenTelemetry's middlewares; name spans.

        :param app: the app, before its first request.
        :param tracer_provider: the provider of the middlewares' tracers.
        :param meter_provider: the provider of the middlewares' meters.
        :param wrap: ``False`` leaves ``app.wsgi_app`` and ``app.asgi_app``
            alone, for an app that wraps them in the middlewares itself:
            the spans they make are still named by the route rule.
        :raises ImportError: ``wrap`` and a middleware is not installed.
        """
        if "telemetry" in app.extensions:
            raise RuntimeError(
                "This app is instrumented already: call instrument_app once."
            )
        if wrap:
            try:
                from opentelemetry.instrumentation.asgi import (
                    OpenTelemetryMiddleware as ASGIMiddleware,
                )
                from opentelemetry.instrumentation.wsgi import (
                    OpenTelemetryMiddleware as WSGIMiddleware,
                )
            except ImportError as e:
                raise ImportError(
                    "KolbenInstrumentor needs OpenTelemetry's WSGI and ASGI"
                    " middlewares: install them with"
                    " 'pip install kolben[telemetry]'."
                ) from e
            providers = {
                "tracer_provider": tracer_provider,
                "meter_provider": meter_provider,
            }
            app.wsgi_app = WSGIMiddleware(app.wsgi_app, **providers)
            app.asgi_app = ASGIMiddleware(app.asgi_app, **providers)
        app.before_request_funcs.setdefault(None, []).insert(0, name_server_span)
        got_request_exception.connect(_record_exception, app, weak=False)
        app.extensions["telemetry"] = self
