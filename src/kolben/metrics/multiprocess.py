"""Metrics shared by several worker processes (gunicorn).

prometheus_client's multiprocess mode keeps each process's values in files
of the directory ``PROMETHEUS_MULTIPROC_DIR`` names (set before the
workers start, emptied between runs); ``/metrics`` then sums them, so its
answer is the same whichever worker gives it. The classes are those of
``prometheus_flask_exporter.multiprocess``::

    # app.py
    metrics = GunicornInternalPrometheusMetrics(app)

    # gunicorn.conf.py
    from kolben.metrics.multiprocess import GunicornInternalPrometheusMetrics

    def child_exit(server, worker):
        GunicornInternalPrometheusMetrics.mark_process_dead_on_child_exit(worker.pid)
"""

from __future__ import annotations

import os
import warnings
from typing import Any

from prometheus_client import CollectorRegistry
from prometheus_client import start_http_server as pc_start_http_server
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.multiprocess import mark_process_dead as pc_mark_process_dead

from ._extension import PrometheusMetrics


def _check_multiproc_env_var() -> None:
    """Raise unless ``PROMETHEUS_MULTIPROC_DIR`` names a directory."""
    for name in ("PROMETHEUS_MULTIPROC_DIR", "prometheus_multiproc_dir"):
        if name in os.environ:
            if os.path.isdir(os.environ[name]):
                return
            break
    raise ValueError(
        "one of env PROMETHEUS_MULTIPROC_DIR or env prometheus_multiproc_dir"
        " must be set and be a directory"
    )


class MultiprocessPrometheusMetrics(PrometheusMetrics):
    """Metrics of several processes, served by one process's own server.

    Subclasses say which process serves them (:meth:`should_start_http_server`);
    the app serves no metrics path.
    """

    def __init__(self, app: Any = None, **kwargs: Any) -> None:
        """Take :class:`~kolben.metrics.PrometheusMetrics`' arguments but ``path``.

        :raises ValueError: ``PROMETHEUS_MULTIPROC_DIR`` is not a directory.
        """
        _check_multiproc_env_var()
        registry = kwargs.pop("registry", None) or CollectorRegistry()
        MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        kwargs.pop("path", None)
        super().__init__(app=app, path=None, registry=registry, **kwargs)

    def start_http_server(
        self, port: int, host: str = "0.0.0.0", endpoint: Any = None, ssl: Any = None
    ) -> None:
        """Serve every process's metrics on ``port``, if this process should.

        prometheus_client's server, which answers on any path; ``endpoint``
        and ``ssl`` are not used.
        """
        if self.should_start_http_server():
            pc_start_http_server(port, host, registry=self.registry)

    def should_start_http_server(self) -> bool:
        """Return whether this process serves the metrics."""
        raise NotImplementedError


class _ServedByTheApp(MultiprocessPrometheusMetrics):
    """The part the two ``*Internal*`` classes share: the app serves ``path``."""

    #: What the warning of :meth:`start_http_server_when_ready` adds.
    _hint = ""

    def __init__(self, app: Any = None, path: str = "/metrics", **kwargs: Any) -> None:
        """Serve every process's metrics at ``path`` on the app."""
        super().__init__(app=app, **kwargs)
        if app is not None:
            self.register_endpoint(path)
        else:
            self.path = path

    def should_start_http_server(self) -> bool:
        """Return ``False``: the app serves the metrics."""
        return False

    @classmethod
    def start_http_server_when_ready(cls, port: int, host: str = "0.0.0.0") -> None:
        """Warn: the app serves the metrics, no server of their own does."""
        warnings.warn(
            f"The `{cls.__name__}` class serves the metrics on the app itself,"
            f" so `start_http_server_when_ready` should not be called.{cls._hint}",
            UserWarning,
            stacklevel=2,
        )


class MultiprocessInternalPrometheusMetrics(_ServedByTheApp):
    """Metrics of several processes, served by the app itself at ``path``."""


class GunicornPrometheusMetrics(MultiprocessPrometheusMetrics):
    """Metrics of gunicorn workers, served by the master on a port of their own.

    ::

        # gunicorn.conf.py
        def when_ready(server):
            GunicornPrometheusMetrics.start_http_server_when_ready(9200)

        def child_exit(server, worker):
            GunicornPrometheusMetrics.mark_process_dead_on_child_exit(worker.pid)
    """

    def should_start_http_server(self) -> bool:
        """Return ``True``: called in the master, which serves them."""
        return True

    @classmethod
    def start_http_server_when_ready(cls, port: int, host: str = "0.0.0.0") -> None:
        """Serve the workers' metrics on ``port``, from gunicorn's ``when_ready``."""
        _check_multiproc_env_var()
        GunicornPrometheusMetrics().start_http_server(port, host)

    @classmethod
    def mark_process_dead_on_child_exit(cls, pid: int) -> None:
        """Drop a dead worker's live gauges, from gunicorn's ``child_exit``."""
        pc_mark_process_dead(pid)  # type: ignore[no-untyped-call]


class GunicornInternalPrometheusMetrics(_ServedByTheApp, GunicornPrometheusMetrics):
    """Metrics of gunicorn workers, served by the app itself at ``path``.

    ::

        # gunicorn.conf.py
        def child_exit(server, worker):
            GunicornInternalPrometheusMetrics.mark_process_dead_on_child_exit(worker.pid)
    """

    _hint = " Maybe you are looking for `GunicornPrometheusMetrics`?"
