"""``SQLALCHEMY_RECORD_QUERIES``: the queries of the current request.

With the key on, every query run in an app context is recorded with its
timing and the line of the app's code that ran it::

    for q in get_recorded_queries():
        print(f"{q.duration * 1000:.1f} ms {q.location}: {q.statement}")
"""

from __future__ import annotations

import dataclasses
import sys
import typing as t
from time import perf_counter

import sqlalchemy as sa
import sqlalchemy.event as sa_event

from ..globals import _cv_app, g


@dataclasses.dataclass
class _QueryInfo:
    """One recorded query: its SQL, parameters, timing and caller."""

    statement: str | None
    parameters: t.Any
    start_time: float
    end_time: float
    location: str

    @property
    def duration(self) -> float:
        """How long the query took, in seconds."""
        return self.end_time - self.start_time


def get_recorded_queries() -> list[_QueryInfo]:
    """Return the queries run so far in the current app context.

    Empty unless ``SQLALCHEMY_RECORD_QUERIES`` is on.
    """
    return g.get("_sqlalchemy_queries", [])  # type: ignore[no-any-return]


def _listen(engine: sa.Engine) -> None:
    sa_event.listen(engine, "before_cursor_execute", _record_start, named=True)
    sa_event.listen(engine, "after_cursor_execute", _record_end, named=True)


def _record_start(*, context: sa.engine.ExecutionContext, **kwargs: t.Any) -> None:
    if _cv_app.get(None) is None:
        return
    context._fsa_start_time = perf_counter()  # type: ignore[attr-defined]


def _record_end(*, context: sa.engine.ExecutionContext, **kwargs: t.Any) -> None:
    ctx = _cv_app.get(None)
    if ctx is None or not hasattr(context, "_fsa_start_time"):
        return
    # The innermost frame of the app's own package ran the query.
    import_top = ctx.app.import_name.partition(".")[0]
    import_dot = f"{import_top}."
    location = "<unknown>"
    frame = sys._getframe(1)
    while frame is not None:
        module = frame.f_globals.get("__name__") or ""
        if module == import_top or module.startswith(import_dot):
            code = frame.f_code
            location = f"{code.co_filename}:{frame.f_lineno} ({code.co_name})"
            break
        frame = frame.f_back  # type: ignore[assignment]
    queries = ctx.g.setdefault("_sqlalchemy_queries", [])
    queries.append(
        _QueryInfo(
            statement=context.statement,
            parameters=context.parameters,
            start_time=context._fsa_start_time,
            end_time=perf_counter(),
            location=location,
        )
    )
