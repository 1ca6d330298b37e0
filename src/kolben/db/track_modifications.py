"""``SQLALCHEMY_TRACK_MODIFICATIONS``: signals around each commit.

With the key on, ``before_models_committed`` is sent before a session
commits and ``models_committed`` after, each with ``changes``: a list of
``(model, "insert" | "update" | "delete")``::

    @models_committed.connect_via(app)
    def on_commit(sender, changes):
        for model, operation in changes:
            ...
"""

from __future__ import annotations

import typing as t

import sqlalchemy as sa
import sqlalchemy.event as sa_event
import sqlalchemy.orm as sa_orm
from blinker import Namespace

from ..globals import _cv_app

_signals = Namespace()

#: Sent after a session commits, with ``changes``.
models_committed = _signals.signal("models-committed")
#: Sent before a session commits, with ``changes``.
before_models_committed = _signals.signal("before-models-committed")


def _listen(session: sa_orm.scoped_session[t.Any]) -> None:
    # One db serves several apps (one per test, say): listen once.
    if sa_event.contains(session, "after_commit", _after_commit):
        return
    sa_event.listen(session, "before_flush", _record_ops, named=True)
    sa_event.listen(session, "before_commit", _record_ops, named=True)
    sa_event.listen(session, "before_commit", _before_commit)
    sa_event.listen(session, "after_commit", _after_commit)
    sa_event.listen(session, "after_rollback", _after_rollback)


def _changes(session: sa_orm.Session) -> dict[object, tuple[t.Any, str]]:
    try:
        return session._model_changes  # type: ignore[attr-defined, no-any-return]
    except AttributeError:
        changes: dict[object, tuple[t.Any, str]] = {}
        session._model_changes = changes  # type: ignore[attr-defined]
        return changes


def _record_ops(session: sa_orm.Session, **kwargs: t.Any) -> None:
    changes = _changes(session)
    for targets, operation in (
        (session.new, "insert"),
        (session.dirty, "update"),
        (session.deleted, "delete"),
    ):
        for target in targets:
            state = sa.inspect(target)
            key = state.identity_key if state.has_identity else id(target)
            changes[key] = (target, operation)


def _before_commit(session: sa_orm.Session) -> None:
    changes = _changes(session)
    ctx = _cv_app.get(None)
    if changes and ctx is not None:
        before_models_committed.send(ctx.app, changes=list(changes.values()))


def _after_commit(session: sa_orm.Session) -> None:
    changes = _changes(session)
    ctx = _cv_app.get(None)
    if changes:
        if ctx is not None:
            models_committed.send(ctx.app, changes=list(changes.values()))
        changes.clear()


def _after_rollback(session: sa_orm.Session) -> None:
    _changes(session).clear()
