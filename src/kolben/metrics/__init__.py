"""Prometheus metrics for kolben apps: prometheus-flask-exporter's API.

``pip install kolben[metrics]``, then::

    from kolben.metrics import PrometheusMetrics

    metrics = PrometheusMetrics(app)

records every request's duration and count by method, status and path
(``flask_http_request_duration_seconds``, ``flask_http_request_total``, the
names the exporter gives, so dashboards carry over) and serves them at
``/metrics``, under both protocols. Several worker processes share their
metrics through prometheus_client's multiprocess mode: the classes of
:mod:`kolben.metrics.multiprocess`. ``docs/metrics.md`` has the rest.
"""

from __future__ import annotations

import importlib.util

if importlib.util.find_spec("prometheus_client") is None:
    raise ImportError(
        "kolben.metrics needs the 'prometheus_client' package: install it with"
        " 'pip install kolben[metrics]'."
    )

from ._extension import NO_PREFIX as NO_PREFIX
from ._extension import PrometheusMetrics as PrometheusMetrics
from ._restful import RESTfulPrometheusMetrics as RESTfulPrometheusMetrics

__all__ = ["NO_PREFIX", "PrometheusMetrics", "RESTfulPrometheusMetrics"]
