"""kolben.metrics has prometheus-flask-exporter's public names and arguments."""

from __future__ import annotations

import inspect

import prometheus_flask_exporter
import prometheus_flask_exporter.multiprocess as theirs_multiprocess

import kolben.metrics
import kolben.metrics.multiprocess as multiprocess


def public(cls: type) -> set[str]:
    return {name for name in vars(cls) if not name.startswith("_")}


def test_the_module_names() -> None:
    assert set(kolben.metrics.__all__) == {
        "NO_PREFIX",
        "PrometheusMetrics",
        "RESTfulPrometheusMetrics",
    }
    assert kolben.metrics.NO_PREFIX == prometheus_flask_exporter.NO_PREFIX


def test_the_restful_class_takes_the_exporter_s_arguments() -> None:
    # Connexion's class is left out: kolben has no Connexion.
    ours = kolben.metrics.RESTfulPrometheusMetrics
    theirs = prometheus_flask_exporter.RESTfulPrometheusMetrics
    for name in ["__init__", "for_app_factory", "init_app"]:
        mine = inspect.signature(getattr(ours, name)).parameters
        expected = inspect.signature(getattr(theirs, name)).parameters
        assert list(mine) == list(expected), name


def test_the_methods_and_their_arguments() -> None:
    ours, theirs = (
        kolben.metrics.PrometheusMetrics,
        prometheus_flask_exporter.PrometheusMetrics,
    )
    assert public(theirs) <= public(ours)
    for name in ["__init__", *public(theirs)]:
        mine = inspect.signature(getattr(ours, name)).parameters
        expected = inspect.signature(getattr(theirs, name)).parameters
        assert list(mine) == list(expected), name
        for parameter in expected.values():
            assert mine[parameter.name].default == parameter.default, (name, parameter)


def test_the_multiprocess_classes() -> None:
    # uWSGI's class is left out: kolben.metrics is tested on gunicorn.
    names = {
        name
        for name, value in vars(theirs_multiprocess).items()
        if inspect.isclass(value)
        and issubclass(value, prometheus_flask_exporter.PrometheusMetrics)
    } - {"PrometheusMetrics", "UWsgiPrometheusMetrics"}
    assert names == {
        "MultiprocessPrometheusMetrics",
        "MultiprocessInternalPrometheusMetrics",
        "GunicornPrometheusMetrics",
        "GunicornInternalPrometheusMetrics",
    }
    for name in names:
        ours, theirs = getattr(multiprocess, name), getattr(theirs_multiprocess, name)
        assert public(theirs) <= {n for n in dir(ours) if not n.startswith("_")}
        mine = inspect.signature(ours.__init__).parameters
        assert list(mine) == list(inspect.signature(theirs.__init__).parameters)
