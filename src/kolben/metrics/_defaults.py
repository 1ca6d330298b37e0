"""The default request metrics and the two hooks that record them."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from timeit import default_timer
from typing import TYPE_CHECKING, Any

from ..globals import request as _request_proxy
from ..helpers import nonblocking
from ..signals import got_request_exception
from ._labels import Labels

if TYPE_CHECKING:
    from prometheus_client import Counter, Histogram, Summary

# The proxy, untyped: its ``_get_current_object`` gives the request itself,
# which the hooks read several times.
request: Any = _request_proxy
#: Where the before-request hook keeps the request's start time.
_START = "_kolben_metrics_start"
#: The attributes ``do_not_track()`` and ``exclude_all_metrics()`` set.
DO_NOT_TRACK = "_kolben_metrics_do_not_track"
EXCLUDE_ALL = "_kolben_metrics_exclude_all"


class DefaultMetrics:
    """Record every request's duration, its count and unhandled exceptions.

    The metric children of each label combination are kept, so the
    per-request work is two hooks, a dict lookup, ``observe`` and ``inc``.

    :param duration: the histogram (or summary) of request durations.
    :param total: the counter of requests.
    :param exceptions: the counter of requests that raised.
    :param group_by: the request attribute (or a callable of the request)
        that the duration is labelled by.
    :param labels: the default labels.
    :param excluded_paths: compiled patterns of paths left out.
    """

    def __init__(
        self,
        duration: Histogram | Summary,
        total: Counter,
        exceptions: Counter,
        group_by: str | Callable[[Any], Any],
        labels: Labels,
        excluded_paths: Sequence[re.Pattern[str]] | None,
    ) -> None:
        self.duration = duration
        self.total = total
        self.exceptions = exceptions
        self.group_by = group_by
        self.labels = labels
        self.excluded_paths = excluded_paths
        self._children: dict[tuple[Any, ...], tuple[Any, Any]] = {}
        self._untracked: dict[tuple[int, str | None], bool] = {}

    def install(self, app: Any) -> None:
        """Register the hooks on ``app``: first to run, and last to finish."""

        # PERF: neither hook does I/O (in multiprocess mode a value is a
        # write to a memory map), so async views record on the loop.
        @nonblocking
        def start_timer() -> None:
            request._get_current_object().__dict__[_START] = default_timer()

        @nonblocking
        def record(response: Any) -> Any:
            self.record(app, response)
            return response

        def record_exception(sender: Any, exception: BaseException, **_: Any) -> None:
            self.record_exception(app)

        app.before_request_funcs.setdefault(None, []).insert(0, start_timer)
        # After-request hooks run last registered first: this one runs last.
        app.after_request_funcs.setdefault(None, []).insert(0, record)
        got_request_exception.connect(record_exception, app, weak=False)

    def _tracked(self, app: Any, req: Any) -> bool:
        """Whether the request's endpoint and path are recorded."""
        endpoint = req.url_rule.endpoint if req.url_rule is not None else None
        key = (id(app), endpoint)
        untracked = self._untracked.get(key)
        if untracked is None:
            view = app.view_functions.get(endpoint) if endpoint else None
            untracked = bool(
                getattr(view, DO_NOT_TRACK, False) or getattr(view, EXCLUDE_ALL, False)
            )
            self._untracked[key] = untracked
        if untracked:
            return False
        paths = self.excluded_paths
        return not (paths and any(p.match(req.path) for p in paths))

    def _group(self, req: Any) -> Any:
        group_by = self.group_by
        return group_by(req) if callable(group_by) else getattr(req, group_by)

    def record(self, app: Any, response: Any) -> None:
        """Observe the request's duration and count it, with its status."""
        req = request._get_current_object()
        start = req.__dict__.get(_START)
        if start is None or not self._tracked(app, req):
            return
        status = response.status_code
        key = (req.method, self._group(req), status, *self.labels.values_for(response))
        children = self._children.get(key)
        if children is None:
            method, group, _, *values = key
            children = (
                self.duration.labels(method, group, status, *values),
                self.total.labels(method, status, *values),
            )
            self._children[key] = children
        children[0].observe(max(default_timer() - start, 0.0))
        children[1].inc()

    def record_exception(self, app: Any) -> None:
        """Count an exception that escaped the view as a 500."""
        req = request._get_current_object()
        if not self._tracked(app, req):
            return
        response = (
            app.response_class(status=500) if self.labels.needs_response else None
        )
        self.exceptions.labels(req.method, 500, *self.labels.values_for(response)).inc()
