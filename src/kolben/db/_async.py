"""``db.async_session`` and the async helpers, for async views.

An async view awaits the database on the event loop: under ASGI the loop
serving the request, under WSGI the worker's long-lived loop. Each app
context gets one ``AsyncSession``, made on first use and closed at teardown
on the loop it was made on. Async engines are made per app and per loop,
from the same configuration as the sync ones, since a pooled async
connection belongs to the loop that opened it.
"""

from __future__ import annotations

import asyncio
import logging
import typing as t
import weakref

import sqlalchemy.exc as sa_exc

from ..globals import current_app
from ..helpers import abort
from ._engines import async_driver_missing, key_out_of_range, watch_connect_failures
from .pagination import AsyncSelectPagination
from .session import AsyncBindSession, current_ctx

if t.TYPE_CHECKING:
    import sqlalchemy as sa
    from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

    from ..app import Kolben
    from .extension import SQLAlchemy

_log = logging.getLogger("kolben.db")
_Loops = weakref.WeakKeyDictionary[
    asyncio.AbstractEventLoop, dict["str | None", "AsyncEngine"]
]


class AsyncMixin:
    """The async half of :class:`~kolben.db.SQLAlchemy`."""

    _app_async_options: weakref.WeakKeyDictionary[
        Kolben, dict[str | None, dict[str, t.Any]]
    ]
    _app_async_engines: weakref.WeakKeyDictionary[Kolben, _Loops]
    _async_sessions: dict[int, tuple[AsyncSession, asyncio.AbstractEventLoop]]
    _async_session_options: dict[str, t.Any]
    _closing: set[asyncio.Future[None]]
    metadatas: dict[str | None, sa.MetaData]

    @property
    def async_session(self) -> AsyncSession:
        """The current app context's ``AsyncSession``, for async code.

        Made on first use, closed at teardown. It does not expire objects
        on commit (``expire_on_commit=False``): reading an attribute after
        ``await db.async_session.commit()`` would otherwise be a query the
        async code cannot wait for.
        """
        key = id(current_ctx())
        loop = _running_loop()
        entry = self._async_sessions.get(key)
        if entry is not None:
            if entry[1] is not loop:
                raise RuntimeError(
                    "This app context's db.async_session belongs to another"
                    " event loop. Use it only on the loop it was made on."
                )
            return entry[0]
        from sqlalchemy.ext.asyncio import AsyncSession

        engines = {k: e.sync_engine for k, e in self._async_engines().items()}
        session = AsyncSession(
            sync_session_class=AsyncBindSession,
            db=self,
            engines=engines,
            **self._async_session_options,
        )
        self._async_sessions[key] = (session, loop)
        return session

    def _async_engines(self) -> dict[str | None, AsyncEngine]:
        """Return the current app's async engines on the running loop."""
        app = current_app._get_current_object()
        loops = self._app_async_engines.get(app)
        if loops is None:
            loops = self._app_async_engines[app] = weakref.WeakKeyDictionary()
            # An app that goes away (one per test, say) closes its pooled
            # connections on their loops rather than leaving them to the GC.
            weakref.finalize(app, _dispose_on_their_loops, loops)
        loop = _running_loop()
        engines = loops.get(loop)
        if engines is None:
            engines = loops[loop] = self._make_async_engines(app)
        return engines

    def _make_async_engines(self, app: Kolben) -> dict[str | None, AsyncEngine]:
        from sqlalchemy.ext.asyncio import create_async_engine

        engines: dict[str | None, AsyncEngine] = {}
        for key, options in self._app_async_options[app].items():
            options = dict(options)
            url = options.pop("url")
            try:
                engine = create_async_engine(url, **options)
            except ImportError as e:
                raise async_driver_missing(url) from e
            watch_connect_failures(engine.sync_engine)
            if app.config["SQLALCHEMY_RECORD_QUERIES"]:
                from . import record_queries

                record_queries._listen(engine.sync_engine)
            engines[key] = engine
        return engines

    async def adispose(self) -> None:
        """Close the pooled connections of the app's async engines on this loop.

        A pooled async connection belongs to the loop that opened it: a
        script that runs its own loop (``asyncio.run(main())``) awaits this
        before the loop ends. Servers need not; their loop lives as long as
        the process.
        """
        loop = _running_loop()
        # Sessions that teardown closes as tasks on this loop finish first:
        # a connection checked in after its pool was disposed is never
        # closed (and aiosqlite warns when it is collected).
        pending = [closing for closing in self._closing if closing.get_loop() is loop]
        if pending:
            await asyncio.wait(pending)
        loops = self._app_async_engines.get(current_app._get_current_object())
        engines = loops.pop(loop, None) if loops is not None else None
        for engine in (engines or {}).values():
            await engine.dispose()

    def _close_async_session(self) -> None:
        """Close the current context's async session on its own loop."""
        entry = self._async_sessions.pop(id(current_ctx()), None)
        if entry is None:
            return
        session, loop = entry
        try:
            running: asyncio.AbstractEventLoop | None = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is loop:
            # Torn down on the loop itself (an app context popped in async
            # code): the close cannot be waited for here, so it is a task.
            self._track(loop.create_task(session.close()))
        elif loop.is_running():
            asyncio.run_coroutine_threadsafe(session.close(), loop).result()
        elif not loop.is_closed():
            loop.run_until_complete(session.close())
        else:
            _log.warning(
                "db.async_session was still open when its event loop closed;"
                " await db.async_session.close() before the loop ends."
            )

    def _track(self, closing: asyncio.Future[None]) -> None:
        """Keep a session's closing alive until done; log if it fails."""
        self._closing.add(closing)
        closing.add_done_callback(self._closing.discard)
        closing.add_done_callback(_log_failure)

    async def aget_or_404(
        self, entity: type[t.Any], ident: t.Any, *, description: str | None = None
    ) -> t.Any:
        """Return the row of ``entity`` with primary key ``ident``, or 404."""
        session = self.async_session
        if key_out_of_range(entity, ident, session.sync_session.get_bind(entity)):
            abort(404, description=description)
        value = await session.get(entity, ident)
        if value is None:
            abort(404, description=description)
        return value

    async def afirst_or_404(
        self, statement: sa.Select[t.Any], *, description: str | None = None
    ) -> t.Any:
        """Return the first result of ``statement``, or answer 404."""
        value = (await self.async_session.execute(statement)).scalar()
        if value is None:
            abort(404, description=description)
        return value

    async def aone_or_404(
        self, statement: sa.Select[t.Any], *, description: str | None = None
    ) -> t.Any:
        """Return the only result of ``statement``; 404 for none or several."""
        try:
            return (await self.async_session.execute(statement)).scalar_one()
        except (sa_exc.NoResultFound, sa_exc.MultipleResultsFound):
            abort(404, description=description)

    async def apaginate(
        self,
        select: sa.Select[t.Any],
        *,
        page: int | None = None,
        per_page: int | None = None,
        max_per_page: int | None = None,
        error_out: bool = True,
        count: bool = True,
    ) -> AsyncSelectPagination:
        """Return a page of ``select``'s results, queried on the loop.

        As :meth:`~kolben.db.SQLAlchemy.paginate`; the page's ``next()``
        and ``prev()`` are awaited.
        """
        return await AsyncSelectPagination.create(
            select=select,
            session=self.async_session,
            page=page,
            per_page=per_page,
            max_per_page=max_per_page,
            error_out=error_out,
            count=count,
        )

    async def acreate_all(
        self, bind_key: str | None | list[str | None] = "__all__"
    ) -> None:
        """Create the tables of each bind that do not exist, on the loop."""
        await self._arun_for_binds(bind_key, "create_all")

    async def adrop_all(
        self, bind_key: str | None | list[str | None] = "__all__"
    ) -> None:
        """Drop the tables of each bind, on the loop."""
        await self._arun_for_binds(bind_key, "drop_all")

    async def _arun_for_binds(
        self, bind_key: str | None | list[str | None], op_name: str
    ) -> None:
        engines = self._async_engines()
        db = t.cast("SQLAlchemy", self)
        for key in db._bind_keys(bind_key):
            engine = engines.get(key)
            if engine is None:
                raise db._unbound(key)
            async with engine.begin() as connection:
                await connection.run_sync(getattr(self.metadatas[key], op_name))


def _dispose_on_their_loops(loops: _Loops) -> None:
    for loop, engines in list(loops.items()):
        if loop.is_running():
            for engine in engines.values():
                asyncio.run_coroutine_threadsafe(engine.dispose(), loop)


def _log_failure(closing: asyncio.Future[None]) -> None:
    if not closing.cancelled() and closing.exception() is not None:
        _log.error("Closing a database session failed", exc_info=closing.exception())


def _running_loop() -> asyncio.AbstractEventLoop:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        raise RuntimeError(
            "db.async_session and the db.a* helpers are for async code, on an"
            " event loop. Sync views use db.session."
        ) from None
