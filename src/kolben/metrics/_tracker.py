"""What the metric decorators do around a view, sync or async."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from timeit import default_timer
from typing import TYPE_CHECKING, Any, TypeVar

from ..globals import current_app, request
from ..http.exceptions import HTTPException
from ._defaults import EXCLUDE_ALL
from ._labels import Labels

if TYPE_CHECKING:
    from ._extension import PrometheusMetrics

F = TypeVar("F", bound=Callable[..., Any])


class Tracker:
    """What a metric decorator does around one view, sync or async."""

    def __init__(
        self,
        metrics: PrometheusMetrics,
        metric: Any,
        labels: Labels,
        call: Callable[[Any, float], None],
        before: Callable[[Any], None] | None,
    ) -> None:
        self.metrics = metrics
        self.metric = metric
        self.labels = labels
        self.call = call
        self.before = before

    def _excluded(self, wrapper: Any) -> bool:
        if getattr(wrapper, EXCLUDE_ALL, False):
            return True
        paths = self.metrics.excluded_paths
        if paths and self.metrics.exclude_user_defaults:
            return any(p.match(request.path) for p in paths)
        return False

    def _child(self, response: Any) -> Any:
        if not self.labels.names:
            return self.metric
        return self.metric.labels(*self.labels.values_for(response))

    def _start(self) -> Any:
        if self.before is None:
            return None
        metric = self._child(None)
        self.before(metric)
        return metric

    def _finish(self, metric: Any, started: float, rv: Any, error: Any) -> Any:
        elapsed = max(default_timer() - started, 0.0)
        if metric is None:
            if error is not None:
                code = error.code if isinstance(error, HTTPException) else 500
                response = current_app.response_class(status=code or 500)
            elif self.labels.needs_response:
                rv = response = self.metrics._response_converter(rv)
            else:
                response = rv
            metric = self._child(response)
        self.call(metric, elapsed)
        return rv

    def decorate(self, f: F) -> F:
        """Wrap ``f``, keeping it a coroutine function if it is one."""
        if inspect.iscoroutinefunction(f):

            @functools.wraps(f)
            async def run_async(*args: Any, **kwargs: Any) -> Any:
                if self._excluded(run_async):
                    return await f(*args, **kwargs)
                metric, started = self._start(), default_timer()
                try:
                    rv = await f(*args, **kwargs)
                except Exception as e:
                    self._finish(metric, started, None, e)
                    raise
                return self._finish(metric, started, rv, None)

            return run_async  # type: ignore[return-value]

        @functools.wraps(f)
        def run(*args: Any, **kwargs: Any) -> Any:
            if self._excluded(run):
                return f(*args, **kwargs)
            metric, started = self._start(), default_timer()
            try:
                rv = f(*args, **kwargs)
            except Exception as e:
                self._finish(metric, started, None, e)
                raise
            return self._finish(metric, started, rv, None)

        return run  # type: ignore[return-value]
