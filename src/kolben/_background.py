"""Background tasks: short work that runs after the response has been sent.

``app.add_background_task(func, *args, **kwargs)`` in a view keeps ``func``
(sync or async) on the response: under ASGI it starts on the event loop
(a sync one in the thread pool) once the body is out; under WSGI it runs on
the worker after the server has closed the body. Each runs in a fresh
application context whose ``g`` starts as a copy of the request's, with no
request context. An exception is logged, never lost. At shutdown the ASGI
lifespan waits for running tasks, up to ``BACKGROUND_TASK_SHUTDOWN_TIMEOUT``
seconds, before the ``after_serving`` functions run.
"""

from __future__ import annotations

import asyncio
import copy
import inspect
import weakref
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from ._concurrency import run_coroutine_sync
from .ctx import AppContext
from .globals import _cv_app

if TYPE_CHECKING:
    from .app import Kolben

Task = tuple[Callable[..., Any], tuple[Any, ...], dict[str, Any]]

#: The tasks running on each app's event loop, for shutdown to wait on.
_running: weakref.WeakKeyDictionary[Kolben, set[asyncio.Task[None]]] = (
    weakref.WeakKeyDictionary()
)


class BackgroundTasks:
    """``add_background_task``, mixed into the application class."""

    def add_background_task(
        self, func: Callable[..., Any], *args: Any, **kwargs: Any
    ) -> None:
        """Run ``func(*args, **kwargs)`` after the response has been sent.

        Example::

            @app.post("/signup")
            def signup():
                app.add_background_task(send_welcome_mail, request.form["email"])
                return {"ok": True}, 201

        Outside a request (in a ``before_serving`` function, say) it starts at
        once on the running event loop. For work longer than a few seconds,
        or that must survive a restart, use a job queue (RQ, Celery).

        :param func: a sync or async function.
        """
        app: Kolben = self  # type: ignore[assignment]
        ctx = _cv_app.get(None)
        task: Task = (func, args, kwargs)
        if ctx is None or ctx.request is None or ctx._websocket is not None:
            _start_now(app, task, ctx)
            return
        # PERF: kept on the context; the adapters look once per request.
        if ctx._background is None:
            ctx._background = []
        ctx._background.append(task)


def start_after_response(app: Kolben, ctx: AppContext) -> None:
    """Start the tasks of a request whose response the ASGI adapter has sent."""
    tasks, ctx._background = ctx._background or [], None
    _schedule(app, tasks, ctx._g)


def run_after_body(app: Kolben, ctx: AppContext, body: Any) -> TaskBody:
    """Wrap a WSGI body so that closing it runs the request's tasks."""
    tasks, ctx._background = ctx._background or [], None
    return TaskBody(app, body, tasks, ctx._g)


def _start_now(app: Kolben, task: Task, ctx: AppContext | None) -> None:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        raise RuntimeError(
            "add_background_task() outside a request needs a running event loop"
            " (an ASGI server's, in a before_serving function, say)."
        ) from None
    g = ctx.g if ctx is not None else None
    _schedule(app, [task], g)


class TaskBody:
    """A WSGI body that runs its background tasks when the server closes it.

    :param app: the application.
    :param body: the response's own body.
    :param tasks: the tasks to run.
    :param g: the request's ``g``, copied into each task's context.
    """

    def __init__(self, app: Kolben, body: Any, tasks: list[Task], g: Any) -> None:
        self._app = app
        self._body = body
        self._tasks = tasks
        self._g = g
        self._started = False

    def __iter__(self) -> Iterator[Any]:
        return iter(self._body)

    def _close_body(self) -> None:
        close = getattr(self._body, "close", None)
        if close is not None:
            close()

    def close(self) -> None:
        """Close the body, then run the tasks here, on the WSGI worker."""
        self._close_body()
        if self._started:
            return
        self._started = True
        for task in self._tasks:
            _run_sync(self._app, task, self._g)


def _task_context(app: Kolben, g: Any) -> AppContext:
    ctx = AppContext(app)  # no request; ``g`` starts as the request's
    if g is not None:
        ctx.g = copy.copy(g)
    return ctx


def _run_sync(app: Kolben, task: Task, g: Any) -> None:
    func, args, kwargs = task
    try:
        with _task_context(app, g):
            rv = func(*args, **kwargs)
            if inspect.iscoroutine(rv):
                run_coroutine_sync(rv)
    except Exception:
        app.logger.exception("The background task %s failed.", _name(func))


def _schedule(app: Kolben, tasks: list[Task], g: Any) -> None:
    running = _running.setdefault(app, set())
    for task in tasks:
        job = asyncio.ensure_future(_run_async(app, task, g))
        running.add(job)
        job.add_done_callback(running.discard)


async def _run_async(app: Kolben, task: Task, g: Any) -> None:
    func, args, kwargs = task
    try:
        with _task_context(app, g):
            if inspect.iscoroutinefunction(func):
                await func(*args, **kwargs)
            else:
                assert app._sync_runner is not None
                await app._sync_runner.run(_call_sync, func, args, kwargs)
    except Exception:
        app.logger.exception("The background task %s failed.", _name(func))


def _call_sync(func: Callable[..., Any], args: Any, kwargs: Any) -> None:
    rv = func(*args, **kwargs)
    if inspect.iscoroutine(rv):
        run_coroutine_sync(rv)


def _name(func: Callable[..., Any]) -> str:
    return getattr(func, "__qualname__", None) or repr(func)


async def wait_for_tasks(app: Kolben) -> None:
    """Wait for the app's running tasks, at most the shutdown timeout.

    Tasks still running then are cancelled, and named in a warning.
    """
    running = _running.get(app)
    if not running:
        return
    timeout = float(app.config["BACKGROUND_TASK_SHUTDOWN_TIMEOUT"])
    _, pending = await asyncio.wait(set(running), timeout=timeout)
    if pending:
        app.logger.warning(
            "%d background task(s) still running after %s s were cancelled.",
            len(pending),
            timeout,
        )
        for job in pending:
            job.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
