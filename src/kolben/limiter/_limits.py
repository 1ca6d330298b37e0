"""Limit definitions: ``Limit``, ``RouteLimit``, ``ApplicationLimit``.

A :class:`Limit` is what the user declares (``"5/minute"`` or a function
returning such a string, with its options); a :class:`RuntimeLimit` is one
parsed rate (``5 per 1 minute``) with those options, what a request is
checked against. A static string is parsed once; a function is called on
every request, so its limits can change while the app runs.
"""

from __future__ import annotations

import dataclasses
import inspect
import weakref
from collections.abc import Callable, Iterator, Sequence
from functools import wraps
from types import TracebackType
from typing import TYPE_CHECKING, Any, TypeVar, overload

from limits import RateLimitItem, parse_many

from ..blueprints import Blueprint
from ..globals import request
from .util import get_qualified_name

if TYPE_CHECKING:
    from ..response import Response
    from ._check import RequestLimit
    from ._extension import Limiter

F = TypeVar("F", bound=Callable[..., Any])

#: The attribute that marks a view wrapped by a limiter, naming the limiter.
WRAPPED_BY = "__kolben_limiter__"


@dataclasses.dataclass(frozen=True, eq=False, slots=True)
class RuntimeLimit:
    """One parsed rate with the options of the limit that declared it."""

    limit: RateLimitItem
    key_func: Callable[[], str]
    scope: str | Callable[[str], str] | None
    per_method: bool = False
    methods: tuple[str, ...] | None = None
    error_message: str | Callable[[], str] | None = None
    exempt_when: Callable[[], bool] | None = None
    override_defaults: bool | None = False
    deduct_when: Callable[[Response], bool] | None = None
    on_breach: Callable[[RequestLimit], Response | None] | None = None
    cost: Callable[[], int] | int = 1
    shared: bool = False

    @property
    def is_exempt(self) -> bool:
        """Whether ``exempt_when`` exempts this request."""
        return self.exempt_when is not None and bool(self.exempt_when())

    @property
    def deduction_amount(self) -> int:
        """How much a hit of this request costs."""
        cost = self.cost
        return cost() if callable(cost) else cost

    @property
    def method_exempt(self) -> bool:
        """Whether the limit leaves out this request's method."""
        return self.methods is not None and request.method.lower() not in self.methods

    def scope_for(self, endpoint: str, method: str | None) -> str:
        """Return the bucket of this limit for ``endpoint`` and ``method``.

        A shared limit's bucket is its scope alone, so every endpoint that
        shares it counts into one bucket.
        """
        scope = self.scope
        if callable(scope):
            scope = scope(request.endpoint or "")
        if scope:
            bucket = scope if self.shared else f"{endpoint}:{scope}"
        else:
            bucket = endpoint
        if self.per_method and method:
            bucket += f":{method.upper()}"
        return bucket


@dataclasses.dataclass(eq=False)
class Limit:
    """A rate limit definition, for ``default_limits`` and the like.

    Example::

        Limiter(
            get_remote_address,
            default_limits=[
                Limit("100/minute"),
                Limit("10/second", key_function=lambda: request.headers["X-User"]),
            ],
        )

    :param limit_provider: ``"5/minute"`` (several with ``;``), or a function
        returning such a string, called on every request.
    :param key_function: the key to count by; the limiter's by default.
    :param scope: a name for the bucket, or a function of the endpoint.
    :param cost: what a hit costs, or a function returning it.
    :param shared: whether every endpoint counts into one bucket.
    :param methods: only these methods are limited.
    :param per_method: count each method separately.
    :param error_message: the 429's description, or a function returning it.
    :param exempt_when: a function; when it returns true, the limit is skipped.
    :param deduct_when: a function of the response; only when it returns
        true does the request count (checked after the view).
    :param on_breach: called with the :class:`RequestLimit` when the limit
        is hit; a response it returns is sent instead of the 429 page.
    """

    limit_provider: Callable[[], str] | str
    key_function: Callable[[], str] | None = None
    scope: str | Callable[[str], str] | None = None
    cost: Callable[[], int] | int | None = None
    shared: bool = False
    methods: Sequence[str] | None = None
    per_method: bool = False
    error_message: str | Callable[[], str] | None = None
    exempt_when: Callable[[], bool] | None = None
    deduct_when: Callable[[Response], bool] | None = None
    on_breach: Callable[[RequestLimit], Response | None] | None = None
    override_defaults: bool | None = dataclasses.field(default=False, init=False)
    #: Whether init_app has filled in the settings left to config.
    finalized: bool = dataclasses.field(default=True)
    limiter: Any = dataclasses.field(default=None, init=False, repr=False)
    _parsed: tuple[RuntimeLimit, ...] | None = dataclasses.field(
        default=None, init=False, repr=False
    )

    def __post_init__(self) -> None:
        if self.methods:
            self.methods = tuple(m.lower() for m in self.methods)

    def __iter__(self) -> Iterator[RuntimeLimit]:
        # PERF: a static string is parsed once, not on every request.
        parsed = self._parsed
        if parsed is None:
            parsed = self._runtime_limits()
            if not callable(self.limit_provider):
                self._parsed = parsed
        return iter(parsed)

    def _runtime_limits(self) -> tuple[RuntimeLimit, ...]:
        provider = self.limit_provider
        text = provider() if callable(provider) else provider
        methods = tuple(self.methods) if self.methods else None
        return tuple(
            RuntimeLimit(
                item,
                self.limit_by,
                scope=self.scope,
                per_method=self.per_method,
                methods=methods,
                error_message=self.error_message,
                exempt_when=self.exempt_when,
                override_defaults=self.override_defaults,
                deduct_when=self.deduct_when,
                on_breach=self.on_breach,
                cost=self.cost or 1,
                shared=self.shared,
            )
            for item in (parse_many(text) if text else ())
        )

    @property
    def limit_by(self) -> Callable[[], str]:
        """The key function: the limit's own, or its limiter's."""
        if self.key_function is not None:
            return self.key_function
        return self.limiter._key_func  # type: ignore[no-any-return]

    def bind(self, limiter: Limiter) -> Limit:
        """Bind the definition to ``limiter`` (held weakly); return it."""
        self.limiter = weakref.proxy(limiter)
        self._parsed = None
        return self


@dataclasses.dataclass(eq=False, kw_only=True)
class ApplicationLimit(Limit):
    """A limit shared by every route of the app (``application_limits``)."""

    scope: str | Callable[[str], str] | None = "global"
    shared: bool = dataclasses.field(default=True, init=False)


@dataclasses.dataclass(eq=False, kw_only=True)
class RouteLimit(Limit):
    """A limit for a view or a blueprint: what :meth:`Limiter.limit` returns.

    Use it as a decorator on a view (sync or async), call it with a
    blueprint to limit every route of the blueprint, or use it as a context
    manager (``with``, or ``async with`` in an async view) to limit a block.
    """

    override_defaults: bool | None = False
    limiter: Any = dataclasses.field(default=None, repr=False)

    def __post_init__(self) -> None:
        super().__post_init__()
        self.bind(self.limiter)

    @overload
    def __call__(self, obj: F) -> F: ...

    @overload
    def __call__(self, obj: Blueprint) -> None: ...

    def __call__(self, obj: F | Blueprint) -> F | None:
        """Limit the view ``obj``, or every route of the blueprint ``obj``."""
        limiter: Limiter = self.limiter
        if isinstance(obj, Blueprint):
            limiter._blueprint_limits.setdefault(obj.name, []).append(self)
            return None
        name = get_qualified_name(obj)
        limiter._decorated_limits.setdefault(name, []).append(self)
        limiter._marked_for_limiting.add(name)
        # Stacked decorators of one limiter check once, in the outermost.
        if getattr(obj, WRAPPED_BY, None) == limiter:
            return obj
        wrapper = _wrap(obj, limiter, name)
        setattr(wrapper, WRAPPED_BY, limiter)
        return wrapper  # type: ignore[return-value]

    def _location(self) -> str:
        frame = inspect.stack(0)[2]
        return f"{frame.filename}:{frame.function}:{frame.lineno}"

    def __enter__(self) -> None:
        """Check this limit for the current request, from sync code."""
        name = self._location()
        self.limiter._decorated_limits[name] = [self]
        self.limiter._check_block_sync(name)

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Leave the block; nothing to undo."""

    async def __aenter__(self) -> None:
        """Check this limit for the current request, from async code."""
        name = self._location()
        self.limiter._decorated_limits[name] = [self]
        await self.limiter._check_block_async(name)

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Leave the block; nothing to undo."""


def _wrap(view: Callable[..., Any], limiter: Limiter, name: str) -> Callable[..., Any]:
    """Return ``view`` checking its limits first, keeping it sync or async.

    A sync view checks in its own thread with the sync storage, an async
    view on its loop with the async storage: neither waits for a hop.
    """
    if inspect.iscoroutinefunction(view):

        @wraps(view)
        async def check_then_await(*args: Any, **kwargs: Any) -> Any:
            await limiter._check_view_async(name)
            return await view(*args, **kwargs)

        return check_then_await

    @wraps(view)
    def check_then_call(*args: Any, **kwargs: Any) -> Any:
        limiter._check_view_sync(name)
        return view(*args, **kwargs)

    return check_then_call
