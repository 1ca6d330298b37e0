"""``PrometheusMetrics(app)``: prometheus-flask-exporter's API on kolben."""

from __future__ import annotations

import os
import re
import ssl as ssl_module
import threading
import warnings
from collections.abc import Callable, Iterable, Mapping
from importlib.metadata import version
from typing import Any, TypeVar

from prometheus_client import (
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    Summary,
)
from prometheus_client import multiprocess as pc_multiprocess
from prometheus_client.exposition import choose_encoder

from ..globals import current_app, request
from ..helpers import make_response
from ._defaults import DO_NOT_TRACK, EXCLUDE_ALL, DefaultMetrics
from ._labels import Labels
from ._tracker import Tracker

F = TypeVar("F", bound=Callable[..., Any])

#: Give as ``defaults_prefix`` (or ``prefix``) for default metric names
#: without a prefix. Not a valid metric name, so no prefix can clash with it.
NO_PREFIX = "#no_prefix"


def _multiprocess() -> bool:
    return "PROMETHEUS_MULTIPROC_DIR" in os.environ or (
        "prometheus_multiproc_dir" in os.environ
    )


def _deprecated_arguments(
    kwargs: dict[str, Any],
    default_labels: dict[str, Any],
    group_by: str | Callable[[Any], Any],
) -> str | Callable[[Any], Any]:
    """Apply the exporter's deprecated arguments, with its warnings.

    ``static_labels`` adds to ``default_labels``; ``group_by_endpoint=True``
    is ``group_by="endpoint"``, which is returned.

    :raises TypeError: an argument neither takes.
    """
    static = kwargs.pop("static_labels", None)
    if static:
        warnings.warn(
            "The `static_labels` argument of `PrometheusMetrics` is"
            " deprecated: use `default_labels`.",
            DeprecationWarning,
            stacklevel=3,
        )
        for key, value in static.items():
            default_labels.setdefault(key, value)
    if kwargs.pop("group_by_endpoint", None) is True:
        warnings.warn(
            "The `group_by_endpoint` argument of `PrometheusMetrics` is"
            " deprecated: use `group_by='endpoint'`.",
            DeprecationWarning,
            stacklevel=3,
        )
        group_by = "endpoint"
    if kwargs:
        raise TypeError(f"Unexpected arguments: {', '.join(sorted(kwargs))}.")
    return group_by


class PrometheusMetrics:
    """Export Prometheus metrics of a kolben app, as prometheus-flask-exporter.

    ::

        metrics = PrometheusMetrics(app)
        metrics.info("app_info", "Application info", version="1.0.3")

        @app.get("/items/<kind>")
        @metrics.counter("item_reads", "Item reads by kind",
                         labels={"kind": lambda: request.view_args["kind"]})
        def items(kind): ...

    Every request's duration (``flask_http_request_duration_seconds``), count
    (``flask_http_request_total``) and unhandled exceptions
    (``flask_http_request_exceptions_total``) are recorded by method and
    status, the duration also by ``group_by``; ``/metrics`` answers them.

    :param app: the app, or ``None`` to call :meth:`init_app` later.
    :param path: where the metrics are served; ``None`` for nowhere.
    :param export_defaults: record the default request metrics.
    :param defaults_prefix: the default metrics' name prefix, or
        ``NO_PREFIX``.
    :param group_by: the request attribute the duration is labelled by
        (``"path"``, ``"endpoint"``, ``"url_rule"``) or a callable of the
        request.
    :param buckets: the duration histogram's buckets.
    :param default_latency_as_histogram: ``False`` makes it a summary.
    :param default_labels: labels of every metric of this instance:
        ``{name: value}``, a value a constant or a callable of no argument
        or of the response.
    :param response_converter: turns a view's return value into a response
        for the decorators' labels; ``make_response`` by default.
    :param excluded_paths: regular expressions of paths not recorded.
    :param exclude_user_defaults: apply ``excluded_paths`` to the
        decorators' metrics too.
    :param metrics_decorator: wraps the metrics view (for authentication).
    :param registry: the ``prometheus_client`` registry of the metrics.
    """

    def __init__(
        self,
        app: Any,
        path: str | None = "/metrics",
        export_defaults: bool = True,
        defaults_prefix: str = "flask",
        group_by: str | Callable[[Any], Any] = "path",
        buckets: Iterable[float] | None = None,
        default_latency_as_histogram: bool = True,
        default_labels: Mapping[str, Any] | None = None,
        response_converter: Callable[[Any], Any] | None = None,
        excluded_paths: str | Iterable[str] | None = None,
        exclude_user_defaults: bool = True,
        metrics_decorator: Callable[[Any], Any] | None = None,
        registry: CollectorRegistry | None = None,
        **kwargs: Any,
    ) -> None:
        self.app = app
        self.path = path
        self._export_defaults = export_defaults
        self._defaults_prefix = defaults_prefix or "flask"
        self._default_labels = dict(default_labels or {})
        self._default_latency_as_histogram = default_latency_as_histogram
        self._response_converter = response_converter or make_response
        self._metrics_decorator = metrics_decorator
        self.buckets = buckets
        self.version = version("kolben")
        self.registry = registry if registry is not None else REGISTRY
        group_by = _deprecated_arguments(kwargs, self._default_labels, group_by)
        self.group_by = group_by or "path"
        if isinstance(excluded_paths, str):
            excluded_paths = [excluded_paths]
        self.excluded_paths = (
            [re.compile(p) for p in excluded_paths] if excluded_paths else None
        )
        self.exclude_user_defaults = exclude_user_defaults
        self._defaults: DefaultMetrics | None = None
        if app is not None:
            self.init_app(app)

    @classmethod
    def for_app_factory(cls, **kwargs: Any) -> PrometheusMetrics:
        """Return an instance for an app factory; call :meth:`init_app` later."""
        return cls(app=None, **kwargs)

    def init_app(self, app: Any) -> None:
        """Serve the metrics on ``app`` and record its requests.

        :param app: the app, before its first request.
        """
        app.extensions["metrics"] = self
        if self.path:
            self.register_endpoint(self.path, app)
        if self._export_defaults:
            self.export_defaults(
                buckets=self.buckets,
                group_by=self.group_by,
                latency_as_histogram=self._default_latency_as_histogram,
                prefix=self._defaults_prefix,
                app=app,
            )

    def register_endpoint(self, path: str, app: Any = None) -> None:
        """Serve the metrics at ``path`` on ``app`` (this instance's by default).

        The view is sync: in multiprocess mode it reads the metric files.
        A ``name[]`` query argument names the only metrics to answer.
        """
        app = app if app is not None else self.app or current_app

        @self.do_not_track()
        def prometheus_metrics() -> Any:
            names = request.args.getlist("name[]") or None
            data, content_type = self.generate_metrics(
                request.headers.get("Accept"), names
            )
            return data, 200, {"Content-Type": content_type}

        view = prometheus_metrics
        if self._metrics_decorator:
            # Marked again: the decorator need not copy the mark.
            view = self.do_not_track()(self._metrics_decorator(view))
        app.route(path)(view)

    def generate_metrics(
        self, accept_header: str | None = None, names: list[str] | None = None
    ) -> tuple[str, str]:
        """Return the metrics in the format ``accept_header`` asks for.

        In multiprocess mode (``PROMETHEUS_MULTIPROC_DIR`` set) they are
        those of every process, read from the directory.

        :param names: answer only the metrics of these names.
        :return: the text and its content type.
        """
        registry: Any
        if _multiprocess():
            registry = CollectorRegistry()
            pc_multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        else:
            registry = self.registry
        if names:
            registry = registry.restricted_registry(names)
        generate, content_type = choose_encoder(accept_header or "")
        return generate(registry).decode("utf-8"), content_type

    def start_http_server(
        self,
        port: int,
        host: str = "0.0.0.0",
        endpoint: str = "/metrics",
        ssl: Mapping[str, str] | None = None,
    ) -> None:
        """Serve the metrics on a server of their own, in a daemon thread.

        :param port: the port to listen on.
        :param host: the address to listen on.
        :param endpoint: the metrics' path.
        :param ssl: ``{"cert": path, "key": path}`` to serve HTTPS.
        """
        from wsgiref.simple_server import WSGIRequestHandler, make_server

        from ..app import Kolben

        class QuietHandler(WSGIRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

        metrics_app = Kolben(f"kolben-metrics-{port}")
        self.register_endpoint(endpoint, metrics_app)
        server = make_server(host, port, metrics_app, handler_class=QuietHandler)
        if ssl is not None:
            context = ssl_module.SSLContext(ssl_module.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(ssl["cert"], ssl["key"])
            server.socket = context.wrap_socket(server.socket, server_side=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()

    def export_defaults(
        self,
        buckets: Iterable[float] | None = None,
        group_by: str | Callable[[Any], Any] = "path",
        latency_as_histogram: bool = True,
        prefix: str = "flask",
        app: Any = None,
        **kwargs: Any,
    ) -> None:
        """Record the default request metrics on ``app``.

        The metrics are made once per instance; each app it is given
        records into them.
        """
        app = app if app is not None else self.app or current_app
        if self._defaults is None:
            if kwargs.get("group_by_endpoint") is True:
                group_by = "endpoint"
            self._defaults = self._make_defaults(
                buckets, group_by or "path", latency_as_histogram, prefix
            )
        self._defaults.install(app)

    def _make_defaults(
        self,
        buckets: Iterable[float] | None,
        group_by: str | Callable[[Any], Any],
        latency_as_histogram: bool,
        prefix: str,
    ) -> DefaultMetrics:
        prefix = prefix or self._defaults_prefix
        prefix = "" if prefix == NO_PREFIX else f"{prefix}_"
        group_name = group_by if isinstance(group_by, str) else group_by.__name__
        self.info(
            f"{prefix}exporter_info",
            "Information about the Prometheus Flask exporter",
            version=self.version,
        )
        labels = Labels(self._default_labels)
        duration_labels = ("method", group_name, "status", *labels.names)
        duration: Histogram | Summary
        if latency_as_histogram:
            extra = {"buckets": tuple(buckets)} if buckets is not None else {}
            duration = Histogram(
                f"{prefix}http_request_duration_seconds",
                "Flask HTTP request duration in seconds",
                duration_labels,
                registry=self.registry,
                **extra,  # type: ignore[arg-type]
            )
        else:
            duration = Summary(
                f"{prefix}http_request_duration_seconds",
                "Flask HTTP request duration in seconds",
                duration_labels,
                registry=self.registry,
            )
        counter_labels = ("method", "status", *labels.names)
        total = Counter(
            f"{prefix}http_request_total",
            "Total number of HTTP requests",
            counter_labels,
            registry=self.registry,
        )
        exceptions = Counter(
            f"{prefix}http_request_exceptions_total",
            "Total number of HTTP requests which resulted in an exception",
            counter_labels,
            registry=self.registry,
        )
        return DefaultMetrics(
            duration, total, exceptions, group_by, labels, self.excluded_paths
        )

    def register_default(
        self, *metric_wrappers: Callable[[F], F], **kwargs: Any
    ) -> None:
        """Apply metric decorators to every view of the app.

        Call it once the routes are registered, before the first request::

            metrics.register_default(
                metrics.counter("by_path", "Requests by path",
                                labels={"path": lambda: request.path})
            )

        :param metric_wrappers: what :meth:`counter`, :meth:`gauge`,
            :meth:`summary` and :meth:`histogram` return.
        :param app: the app (this instance's by default).
        """
        app = kwargs.get("app") or self.app or current_app
        for endpoint, view in list(app.view_functions.items()):
            for wrapper in metric_wrappers:
                view = wrapper(view)
            app.view_functions[endpoint] = view

    def histogram(
        self,
        name: str,
        description: str,
        labels: Mapping[str, Any] | None = None,
        initial_value_when_only_static_labels: bool = True,
        **kwargs: Any,
    ) -> Callable[[F], F]:
        """Time a view with a histogram (``kwargs`` go to ``Histogram``)."""
        return self._track(
            Histogram(
                name, description, self._names(labels), registry=self.registry, **kwargs
            ),
            labels,
            initial_value_when_only_static_labels,
            lambda metric, elapsed: metric.observe(elapsed),
        )

    def summary(
        self,
        name: str,
        description: str,
        labels: Mapping[str, Any] | None = None,
        initial_value_when_only_static_labels: bool = True,
        **kwargs: Any,
    ) -> Callable[[F], F]:
        """Time a view with a summary (``kwargs`` go to ``Summary``)."""
        return self._track(
            Summary(
                name, description, self._names(labels), registry=self.registry, **kwargs
            ),
            labels,
            initial_value_when_only_static_labels,
            lambda metric, elapsed: metric.observe(elapsed),
        )

    def gauge(
        self,
        name: str,
        description: str,
        labels: Mapping[str, Any] | None = None,
        initial_value_when_only_static_labels: bool = True,
        **kwargs: Any,
    ) -> Callable[[F], F]:
        """Count a view's calls in progress (``kwargs`` go to ``Gauge``)."""
        return self._track(
            Gauge(
                name, description, self._names(labels), registry=self.registry, **kwargs
            ),
            labels,
            initial_value_when_only_static_labels,
            lambda metric, elapsed: metric.dec(),
            before=lambda metric: metric.inc(),
        )

    def counter(
        self,
        name: str,
        description: str,
        labels: Mapping[str, Any] | None = None,
        initial_value_when_only_static_labels: bool = True,
        **kwargs: Any,
    ) -> Callable[[F], F]:
        """Count a view's calls (``kwargs`` go to ``Counter``)."""
        return self._track(
            Counter(
                name, description, self._names(labels), registry=self.registry, **kwargs
            ),
            labels,
            initial_value_when_only_static_labels,
            lambda metric, elapsed: metric.inc(),
        )

    def _combined(self, labels: Mapping[str, Any] | None) -> Labels:
        if labels is not None and not isinstance(labels, dict):
            raise TypeError("labels needs to be a dictionary of {labelname: callable}")
        return Labels({**(labels or {}), **self._default_labels})

    def _names(self, labels: Mapping[str, Any] | None) -> tuple[str, ...]:
        return self._combined(labels).names

    def _track(
        self,
        metric: Any,
        labels: Mapping[str, Any] | None,
        initial: bool,
        call: Callable[[Any, float], None],
        before: Callable[[Any], None] | None = None,
    ) -> Callable[[F], F]:
        combined = self._combined(labels)
        if initial and combined.names and combined.static is not None:
            metric.labels(*combined.static)
        tracker = Tracker(self, metric, combined, call, before)
        return tracker.decorate

    @staticmethod
    def do_not_track() -> Callable[[F], F]:
        """Leave a view out of the default metrics (decorators still count it).

        ::

            @app.get("/health")
            @metrics.do_not_track()
            def health(): ...
        """

        def decorator(f: F) -> F:
            setattr(f, DO_NOT_TRACK, True)
            return f

        return decorator

    @staticmethod
    def exclude_all_metrics() -> Callable[[F], F]:
        """Leave a view out of every metric, the decorators' too."""

        def decorator(f: F) -> F:
            inner: Any = f
            while inner is not None:
                setattr(inner, EXCLUDE_ALL, True)
                inner = getattr(inner, "__wrapped__", None)
            return f

        return decorator

    def info(
        self,
        name: str,
        description: str,
        labelnames: Iterable[str] | None = None,
        labelvalues: Iterable[Any] | None = None,
        **labels: Any,
    ) -> Any:
        """Publish constant information as a gauge of value 1.

        ::

            metrics.info("app_info", "Application info", version="1.0", major=1)

        :return: the gauge.
        """
        if labels and labelnames:
            raise ValueError(
                "Cannot have labels defined as `dict` and collections of names"
                " and values"
            )
        if labelnames is None and labels:
            labelnames = labels.keys()
        elif labelnames and labelvalues:
            labels = dict(zip(labelnames, labelvalues, strict=False))
        gauge: Any = Gauge(
            name,
            description,
            tuple(labelnames or ()),
            registry=self.registry,
            multiprocess_mode="max",
        )
        if labels:
            gauge = gauge.labels(**labels)
        gauge.set(1)
        return gauge
