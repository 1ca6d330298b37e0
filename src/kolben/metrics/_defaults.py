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

    def install(self, app: Any) -> None:
        """Register the hooks on ``app``: first to run, and last to finish."""
        untracked: dict[str | None, bool] = {}
        children = self._children
        labels, paths = self.labels, self.excluded_paths
        group_by: Any = self.group_by
        by_attribute = not callable(group_by)
        current_request = request._get_current_object

        def tracked(req: Any) -> bool:
            rule = req.url_rule
            endpoint = rule.endpoint if rule is not None else None
            skip = untracked.get(endpoint)
            if skip is None:
                view = app.view_functions.get(endpoint) if endpoint else None
                skip = untracked[endpoint] = bool(
                    getattr(view, DO_NOT_TRACK, False)
                    or getattr(view, EXCLUDE_ALL, False)
                )
            return not skip and not (paths and any(p.match(req.path) for p in paths))

        # PERF: neither hook does I/O (in multiprocess mode a value is a
        # write to a memory map), so async views record on the loop; what
        # they read is bound here, once per app, and the label children of
        # each combination are kept rather than looked up with labels().
        @nonblocking
        def start_timer() -> None:
            current_request().__dict__[_START] = default_timer()

        @nonblocking
        def record(response: Any) -> Any:
            req = current_request()
            start = req.__dict__.get(_START)
            if start is None or not tracked(req):
                return response
            status = response.status_code
            group = getattr(req, group_by) if by_attribute else group_by(req)
            key = (req.method, group, status)
            if labels.names:
                key += labels.values_for(response)
            pair = children.get(key)
            if pair is None:
                pair = children[key] = self._children_for(key)
            pair[0].observe(default_timer() - start)
            pair[1].inc()
            return response

        def record_exception(sender: Any, exception: BaseException, **_: Any) -> None:
            req = current_request()
            if tracked(req):
                response = (
                    app.response_class(status=500) if labels.needs_response else None
                )
                values = labels.values_for(response)
                self.exceptions.labels(req.method, 500, *values).inc()

        app.before_request_funcs.setdefault(None, []).insert(0, start_timer)
        # After-request hooks run last registered first: this one runs last.
        app.after_request_funcs.setdefault(None, []).insert(0, record)
        got_request_exception.connect(record_exception, app, weak=False)

    def _children_for(self, key: tuple[Any, ...]) -> tuple[Any, Any]:
        """Return the duration and count children of a label combination."""
        method, group, status, *values = key
        return (
            self.duration.labels(method, group, status, *values),
            self.total.labels(method, status, *values),
        )
