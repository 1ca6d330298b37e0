"""The session class of ``db.session``: each model's table on its own bind."""

from __future__ import annotations

import typing as t

import sqlalchemy as sa
import sqlalchemy.exc as sa_exc
import sqlalchemy.orm as sa_orm

from ..globals import _cv_app, g

if t.TYPE_CHECKING:
    from .extension import SQLAlchemy


class Session(sa_orm.Session):
    """A SQLAlchemy session that picks each table's engine by its bind key.

    A model with ``__bind_key__ = "users"`` (or a table made with
    ``db.Table(..., bind_key="users")``) is read from and written to the
    ``users`` engine of ``SQLALCHEMY_BINDS``; the rest go to the default
    engine.

    :param db: the extension that made this session.
    """

    def __init__(self, db: SQLAlchemy, **kwargs: t.Any) -> None:
        """Take the extension whose engines the session binds to."""
        super().__init__(**kwargs)
        self._db = db
        self._model_changes: dict[object, tuple[t.Any, str]] = {}
        self._engines_of: tuple[object, t.Mapping[str | None, sa.Engine]] | None = None

    def _engines(self) -> t.Mapping[str | None, sa.Engine]:
        # PERF: every query asks for its bind; the app's engines are looked
        # up once per session and app, not through the proxy each time.
        ctx = _cv_app.get(None)
        if ctx is None:
            return self._db.engines
        cached = self._engines_of
        if cached is not None and cached[0] is ctx.app:
            return cached[1]
        # The extension's own cache of the last app's engines, read here
        # rather than through ``db.engines`` and the ``current_app`` proxy.
        last = self._db._last_engines
        if last is not None and last[0]() is ctx.app:
            engines: t.Mapping[str | None, sa.Engine] = last[1]
        else:
            engines = self._db.engines
        self._engines_of = (ctx.app, engines)
        return engines

    def get_bind(
        self,
        mapper: t.Any | None = None,
        clause: t.Any | None = None,
        bind: sa.Engine | sa.Connection | None = None,
        **kwargs: t.Any,
    ) -> sa.Engine | sa.Connection:
        """Return the engine of the bind key of the tables involved."""
        if bind is not None:
            return bind
        if self.bind is not None:
            # A session made for one connection (the test recipe: every
            # test in a transaction rolled back at its end) stays on it.
            return self.bind
        engines = self._engines()
        if mapper is not None:
            try:
                # PERF: SQLAlchemy passes a Mapper; inspect() only the rest.
                if not isinstance(mapper, sa_orm.Mapper):
                    mapper = sa.inspect(mapper)
            except sa_exc.NoInspectionAvailable as e:
                if isinstance(mapper, type):
                    raise sa_orm.exc.UnmappedClassError(mapper) from e
                raise
            engine = _clause_to_engine(mapper.local_table, engines)
            if engine is not None:
                return engine
        if clause is not None:
            engine = _clause_to_engine(clause, engines)
            if engine is not None:
                return engine
        if None in engines:
            return engines[None]
        return super().get_bind(mapper=mapper, clause=clause, bind=bind, **kwargs)


class AsyncBindSession(Session):
    """The sync session inside ``db.async_session``: binds to async engines.

    SQLAlchemy runs an ``AsyncSession``'s work through a sync session whose
    ``get_bind`` must return the sync face of an async engine.
    """

    def __init__(
        self, db: SQLAlchemy, engines: t.Mapping[str | None, sa.Engine], **kwargs: t.Any
    ) -> None:
        """Take the extension and the async engines to bind to."""
        super().__init__(db, **kwargs)
        self._async_binds = engines

    def _engines(self) -> t.Mapping[str | None, sa.Engine]:
        return self._async_binds


def _clause_to_engine(
    clause: t.Any, engines: t.Mapping[str | None, sa.Engine]
) -> sa.Engine | None:
    """Return the engine of the first table in ``clause`` with a bind key."""
    table: t.Any = None
    if clause is not None:
        if isinstance(clause, sa.Table):
            table = clause
        elif isinstance(clause, sa.UpdateBase) and isinstance(clause.table, sa.Table):
            table = clause.table
        else:
            for t_ in sa.sql.util.find_tables(clause, include_crud=True):
                if isinstance(t_, sa.Table) and "bind_key" in t_.metadata.info:
                    table = t_
                    break
    if table is not None and "bind_key" in table.metadata.info:
        key = table.metadata.info["bind_key"]
        if key not in engines:
            raise sa_exc.UnboundExecutionError(
                f"Bind key '{key}' is not in 'SQLALCHEMY_BINDS' config."
            )
        return engines[key]
    return None


def current_ctx() -> object:
    """Return what identifies the current app context; raise outside one.

    That is its ``g``: a request handled inside a test's ``with
    app.app_context():`` shares the outer context's ``g`` (and leaves the
    app teardown to it), as it shares Flask's app context, so it shares the
    session too, and the session is removed once, when that context ends.
    """
    # PERF: the context variable read directly, not through the ``g`` proxy:
    # ``db.session`` looks its scope up on every use.
    ctx = _cv_app.get(None)
    if ctx is None:
        return t.cast(t.Any, g)._get_current_object()  # raises, saying why
    return ctx.g


def _app_ctx_id() -> int:
    """Return the scope of ``db.session``: the current app context."""
    ctx = _cv_app.get(None)
    return id(ctx.g if ctx is not None else current_ctx())
