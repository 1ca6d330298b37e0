"""The app test_gunicorn.py serves with two gunicorn workers.

Each answer names the worker that gave it (``X-Worker``), and takes a
little while, so that requests sent at once go to both workers.
"""

from __future__ import annotations

import os
import time
from typing import Any

from kolben import Kolben
from kolben.metrics.multiprocess import GunicornInternalPrometheusMetrics

app = Kolben(__name__)


def named_and_slow(view: Any) -> Any:
    """Wrap the metrics view as an app would wrap it, here to name the worker."""

    def metrics_view() -> Any:
        time.sleep(0.05)
        data, status, headers = view()
        return data, status, {**headers, "X-Worker": str(os.getpid())}

    return metrics_view


metrics = GunicornInternalPrometheusMetrics(app, metrics_decorator=named_and_slow)


@app.get("/ping")
def ping() -> str:
    return "pong"


@app.get("/work/<int:n>")
def work(n: int) -> tuple[dict[str, int], int, dict[str, str]]:
    time.sleep(0.02)
    return {"n": n}, 200, {"X-Worker": str(os.getpid())}
