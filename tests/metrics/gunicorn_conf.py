"""gunicorn's settings for test_gunicorn.py, as docs/metrics.md gives them."""

from __future__ import annotations

import os
from typing import Any

from kolben.metrics.multiprocess import (
    GunicornInternalPrometheusMetrics,
    GunicornPrometheusMetrics,
)


def when_ready(server: Any) -> None:
    """Serve every worker's metrics from the master on a port of their own."""
    port = int(os.environ["METRICS_PORT"])
    GunicornPrometheusMetrics.start_http_server_when_ready(port, "127.0.0.1")


def child_exit(server: Any, worker: Any) -> None:
    """Drop the live gauges of a worker that exited."""
    GunicornInternalPrometheusMetrics.mark_process_dead_on_child_exit(worker.pid)
