"""``RESTfulPrometheusMetrics``: metrics for views of ``kolben.rest`` resources.

A resource's method returns data, or ``(data, status, headers)``, which the
``Api`` turns into a response; a metric whose labels read the response (its
status, say) needs that response. This class gives the metric decorators
the ``Api``'s own conversion, as prometheus-flask-exporter's class of the
same name does for Flask-RESTful.

**Meeting point with kolben.rest:** the result is read with
:func:`kolben.rest.utils.unpack` and made a response by the ``Api``'s
``make_response``, as the ``Api`` does itself; ``kolben.rest``'s docstring
names this module too.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..response import Response
from ._extension import PrometheusMetrics


class RESTfulPrometheusMetrics(PrometheusMetrics):
    """Prometheus metrics for an app whose views are ``kolben.rest`` resources.

    ::

        api = Api(app)
        metrics = RESTfulPrometheusMetrics(app, api)

        class Item(Resource):
            @metrics.counter("item_reads", "Item reads by status",
                             labels={"status": lambda r: r.status_code})
            def get(self, id):
                return {"id": id}, 200
    """

    def __init__(self, app: Any, api: Any, **kwargs: Any) -> None:
        """Record ``app``'s requests, with ``api`` turning resources' results.

        :param app: the app, or ``None`` to call :meth:`init_app` later.
        :param api: the ``kolben.rest.Api`` whose resources are measured.
        :param kwargs: :class:`PrometheusMetrics`'s keyword arguments.
        """
        if api is not None and "response_converter" not in kwargs:
            kwargs["response_converter"] = _converter(api)
        super().__init__(app, **kwargs)

    @classmethod
    def for_app_factory(
        cls, api: Any = None, **kwargs: Any
    ) -> RESTfulPrometheusMetrics:
        """Return an instance for an app factory; call :meth:`init_app` later."""
        return cls(app=None, api=api, **kwargs)

    def init_app(self, app: Any, api: Any = None) -> None:
        """Serve the metrics on ``app``, with ``api`` turning resources' results.

        :param app: the app, before its first request.
        :param api: the ``kolben.rest.Api``, if the constructor had none.
        """
        if api is not None:
            self._response_converter = _converter(api)
        super().init_app(app)


def _converter(api: Any) -> Callable[[Any], Response]:
    """Return a function that makes a resource's result a response."""
    from ..rest.utils import unpack

    def convert(rv: Any) -> Response:
        if isinstance(rv, Response):
            return rv
        data, code, headers = unpack(rv)
        response: Response = api.make_response(data, code, headers=headers)
        return response

    return convert
