"""kolben.metrics.multiprocess in one process that plays several workers.

prometheus_client picks how values are kept when it is imported; here the
tests switch it to its multiprocess files (one set per "worker" id) for
their own metrics, so two apps write as two gunicorn workers would.
``test_gunicorn.py`` runs the real thing.
"""

from __future__ import annotations

import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from prometheus_client import values

from kolben import Kolben
from kolben.metrics.multiprocess import (
    GunicornInternalPrometheusMetrics,
    GunicornPrometheusMetrics,
    MultiprocessInternalPrometheusMetrics,
    MultiprocessPrometheusMetrics,
)

from ._scrape import value


@pytest.fixture
def multiproc_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))
    return tmp_path


@pytest.fixture
def as_worker(
    multiproc_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Callable[[int], None]]:
    """Make the metrics created next write the files of worker ``pid``."""

    def become(pid: int) -> None:
        value_class = values.MultiProcessValue(lambda: pid)  # type: ignore[no-untyped-call]
        monkeypatch.setattr(values, "ValueClass", value_class)

    yield become


def worker_app(metrics_class: type[MultiprocessPrometheusMetrics]) -> Kolben:
    app = Kolben(__name__)

    @app.get("/work")
    def work() -> str:
        return "done"

    metrics_class(app)
    return app


def test_every_worker_answers_the_sum_of_all(
    as_worker: Callable[[int], None], protocol: str
) -> None:
    as_worker(101)
    first = worker_app(GunicornInternalPrometheusMetrics).test_client(protocol=protocol)
    as_worker(102)
    second = worker_app(GunicornInternalPrometheusMetrics).test_client(
        protocol=protocol
    )
    for _ in range(3):
        first.get("/work")
    for _ in range(2):
        second.get("/work")
    for client in (first, second):
        text = client.get("/metrics").text
        assert value(text, "flask_http_request_total", status="200") == 5
        assert value(text, "flask_http_request_duration_seconds_count") == 5
        # The info gauge is the same in every worker: the largest is shown.
        assert value(text, "flask_exporter_info") == 1
    GunicornInternalPrometheusMetrics.mark_process_dead_on_child_exit(101)
    text = second.get("/metrics").text
    assert value(text, "flask_http_request_total", status="200") == 5


def test_an_app_factory_serves_the_path(as_worker: Callable[[int], None]) -> None:
    as_worker(201)
    metrics = MultiprocessInternalPrometheusMetrics(path="/internal/metrics")
    app = Kolben(__name__)

    @app.get("/")
    def index() -> str:
        return "hi"

    metrics.init_app(app)
    client = app.test_client()
    client.get("/")
    text = client.get("/internal/metrics").text
    assert value(text, "flask_http_request_total") == 1
    assert client.get("/metrics").status_code == 404


def test_the_master_serves_the_workers_metrics(
    as_worker: Callable[[int], None], unused_port: int
) -> None:
    as_worker(301)
    app = worker_app(GunicornPrometheusMetrics)
    client = app.test_client()
    client.get("/work")
    # The class serves no path on the app: the master serves the metrics.
    assert client.get("/metrics").status_code == 404
    GunicornPrometheusMetrics.start_http_server_when_ready(unused_port, "127.0.0.1")
    url = f"http://127.0.0.1:{unused_port}/"
    with urllib.request.urlopen(url, timeout=10) as response:
        text = response.read().decode()
    assert value(text, "flask_http_request_total", status="200") == 1


@pytest.mark.parametrize(
    "metrics_class",
    [GunicornInternalPrometheusMetrics, MultiprocessInternalPrometheusMetrics],
)
def test_internal_classes_warn_about_a_server_of_their_own(
    multiproc_dir: Path, metrics_class: type[MultiprocessPrometheusMetrics]
) -> None:
    with pytest.warns(UserWarning, match="serves the metrics on the app itself"):
        metrics_class.start_http_server_when_ready(9)  # type: ignore[attr-defined]
    assert not metrics_class().should_start_http_server()


def test_the_directory_must_be_set(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("PROMETHEUS_MULTIPROC_DIR", raising=False)
    monkeypatch.delenv("prometheus_multiproc_dir", raising=False)
    with pytest.raises(ValueError, match="PROMETHEUS_MULTIPROC_DIR"):
        GunicornInternalPrometheusMetrics()
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path / "missing"))
    with pytest.raises(ValueError, match="must be set and be a directory"):
        GunicornPrometheusMetrics()
    monkeypatch.delenv("PROMETHEUS_MULTIPROC_DIR")
    monkeypatch.setenv("prometheus_multiproc_dir", str(tmp_path))
    # The old name still works, as prometheus_client says when it reads it.
    with pytest.warns(DeprecationWarning, match="PROMETHEUS_MULTIPROC_DIR"):
        assert GunicornPrometheusMetrics().should_start_http_server()


def test_the_internal_classes_serve_no_port_of_their_own(
    as_worker: Callable[[int], None], unused_port: int
) -> None:
    import socket

    as_worker(401)
    app = worker_app(MultiprocessInternalPrometheusMetrics)
    client = app.test_client()
    client.get("/work")
    assert value(client.get("/metrics").text, "flask_http_request_total") == 1
    metrics = app.extensions["metrics"]
    metrics.start_http_server(unused_port, "127.0.0.1")
    with socket.socket() as sock, pytest.raises(ConnectionRefusedError):
        sock.connect(("127.0.0.1", unused_port))
