"""Running sync code from async code and async code from sync code.

- Under ASGI, sync views and hooks run in a bounded thread pool with the
  context copied, so they never block the event loop (:func:`run_sync`).
- Under WSGI, async views and hooks run on one long-lived event loop owned by
  the worker process, in a background thread (:func:`run_coroutine_sync`).
  Starting a fresh loop per request is what makes async views slow in Flask.
- Sync code running in the ASGI thread pool that meets an async hook sends it
  back to the serving loop, so async resources stay on the loop they belong to.
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
import inspect
import os
import threading
from collections.abc import Callable, Coroutine
from concurrent.futures import Executor, ThreadPoolExecutor
from types import CoroutineType
from typing import Any, TypeVar

T = TypeVar("T")
_mark_coroutine = getattr(inspect, "markcoroutinefunction", None)

#: The loop serving the current ASGI request; unset under WSGI.
_serving_loop: contextvars.ContextVar[asyncio.AbstractEventLoop | None]
_serving_loop = contextvars.ContextVar("kolben.serving_loop", default=None)

#: The attribute :func:`nonblocking` sets.
NONBLOCKING = "__kolben_nonblocking__"
F = TypeVar("F", bound=Callable[..., Any])


def nonblocking(f: F) -> F:
    """Mark a sync hook or view as never blocking, so it runs on the loop.

    Under ASGI a sync function runs in the thread pool, so that it cannot
    block the event loop; a request whose other code is async pays a
    thread hop for it. A function that does no I/O and takes no lock that
    others hold for long can say so, and runs on the loop directly::

        @app.teardown_appcontext
        @nonblocking
        def forget(exc):
            registry.pop(id(g), None)

    Under WSGI it makes no difference.

    A function that does I/O only sometimes can be marked too, if it never
    blocks the loop: called where an event loop runs (an async endpoint's
    request under ASGI), it returns a coroutine for its I/O, which is
    awaited there; called anywhere else, it does the I/O itself and returns
    its result. ``kolben.limiter`` checks Redis-backed limits this way, so
    neither kind of endpoint pays a thread hop for its hook.

    :param f: the function; a method is marked through its function.
    """
    setattr(getattr(f, "__func__", f), NONBLOCKING, True)
    return f


async def _ready(value: T) -> T:
    return value


def call_nonblocking(f: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Call a :func:`nonblocking` function; return something to await.

    A coroutine it returns is what to await (see :func:`nonblocking`).
    """
    rv = f(*args, **kwargs)
    # PERF: an exact type check; isinstance against the Coroutine ABC is slow.
    if type(rv) is CoroutineType:
        return rv
    return _ready(rv)


class _WorkerLoop:
    """An event loop running forever in a daemon thread of this process."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._pid = 0

    def get(self) -> asyncio.AbstractEventLoop:
        """Return the loop, starting it on first use and after a fork."""
        loop = self._loop
        if loop is not None and self._pid == os.getpid():
            return loop
        with self._lock:
            if self._loop is None or self._pid != os.getpid():
                # An empty context: the loop's own callbacks (its self-pipe
                # reader) keep the context they were made in for as long as
                # the loop lives, which would otherwise be the first async
                # request's, holding its request and app forever.
                self._loop = contextvars.Context().run(asyncio.new_event_loop)
                self._pid = os.getpid()
                thread = threading.Thread(
                    target=self._loop.run_forever,
                    name="kolben-worker-loop",
                    daemon=True,
                )
                thread.start()
            return self._loop


_worker_loop = _WorkerLoop()


def run_coroutine_sync(coro: Coroutine[Any, Any, T]) -> T:
    """Run ``coro`` to completion from sync code and return its result.

    It runs on the loop serving the current ASGI request, or else on the
    worker's long-lived loop. The caller's context (the current request) is
    carried over.

    :param coro: the coroutine to run.
    :raises RuntimeError: called from the thread that runs that loop, where
        waiting would deadlock.
    """
    loop = _serving_loop.get() or _worker_loop.get()
    try:
        running = asyncio.get_running_loop()
    except RuntimeError:
        running = None
    if running is not None:
        coro.close()
        raise RuntimeError(
            "An async function was called from sync code running on an event"
            " loop. Await it instead, or call it from a sync view."
        )
    # run_coroutine_threadsafe schedules with a copy of this thread's context,
    # so the task sees the current request.
    return asyncio.run_coroutine_threadsafe(coro, loop).result()


class SyncRunner:
    """A bounded thread pool for sync code called from the event loop.

    :param max_workers: the largest number of threads.
    """

    def __init__(self, max_workers: int) -> None:
        self.max_workers = max_workers
        self._executor: ThreadPoolExecutor | None = None

    def _get_executor(self) -> ThreadPoolExecutor:
        if self._executor is None:
            self._executor = ThreadPoolExecutor(
                max_workers=self.max_workers, thread_name_prefix="kolben-sync"
            )
        return self._executor

    async def run(self, func: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
        """Run ``func`` in the pool with the current context and await it."""
        return await self.run_in(self._get_executor(), func, *args, **kwargs)

    @staticmethod
    async def run_in(
        executor: Executor, func: Callable[..., T], /, *args: Any, **kwargs: Any
    ) -> T:
        """Run ``func`` in ``executor`` with the current context and await it."""
        loop = asyncio.get_running_loop()
        ctx = contextvars.copy_context()
        # Async code that this sync code calls goes back to this loop.
        ctx.run(_serving_loop.set, loop)
        call = functools.partial(ctx.run, func, *args, **kwargs)
        return await loop.run_in_executor(executor, call)

    def shutdown(self) -> None:
        """Stop the threads once their work is done."""
        if self._executor is not None:
            self._executor.shutdown(wait=True)
            self._executor = None


def coroutine_function(f: F) -> F:
    """Mark ``f``, which returns a coroutine, as a coroutine function.

    Servers (uvicorn, hypercorn) tell an ASGI 3 app by that mark; the app
    object is a WSGI app as well, so its ``__call__`` cannot be ``async def``.
    """
    if _mark_coroutine is not None:  # pragma: no cover - Python 3.12+
        return _mark_coroutine(f)  # type: ignore[no-any-return]
    f._is_coroutine = asyncio.coroutines._is_coroutine  # type: ignore[attr-defined]
    return f
