"""The ``Limiter`` extension object (Flask-Limiter's API)."""

from __future__ import annotations

import functools
import logging
import weakref
from collections.abc import Callable, Coroutine
from typing import TYPE_CHECKING, Any, TypeVar, overload

from ..blueprints import Blueprint
from ..globals import current_app, g, request
from ..helpers import nonblocking
from . import _check
from ._config import Settings
from ._guard import Guard, _on_loop
from ._limits import ApplicationLimit, Limit, RouteLimit, RuntimeLimit
from ._resolve import Plan, plan_for
from ._storage import Storages
from .constants import ExemptionScope

if TYPE_CHECKING:
    from limits.storage import Storage
    from limits.strategies import RateLimiter

    from ..app import Kolben
    from ..response import Response

F = TypeVar("F", bound=Callable[..., Any])
LimitValue = str | Callable[[], str]
_DEFAULT_FLAGS = (
    ExemptionScope.APPLICATION | ExemptionScope.DEFAULT | ExemptionScope.META
)


class Limiter(Settings, Guard):
    """Rate limit a kolben app's routes: Flask-Limiter's ``Limiter``.

    Example::

        limiter = Limiter(
            get_remote_address,
            app=app,
            default_limits=["200 per day", "50 per hour"],
            storage_uri="redis://localhost:6379",
        )

        @app.route("/slow")
        @limiter.limit("1 per day")
        def slow():
            return "24"

    The keyword arguments are Flask-Limiter's, each with its
    ``RATELIMIT_*`` config key (``docs/limiter.md`` has the table).

    :param key_func: the function that returns what to count by, usually
        :func:`~kolben.limiter.util.get_remote_address`.
    :param app: an app to initialise now; or call :meth:`init_app`.
    """

    def __init__(
        self, key_func: Callable[[], str], *, app: Kolben | None = None, **options: Any
    ) -> None:
        self.logger = logging.getLogger("kolben.limiter")
        self._key_func = key_func
        self._options = options
        self.enabled: bool = options.pop("enabled", True)
        self.initialized = False
        self._request_filters: list[Callable[[], bool]] = []
        self._route_exemptions: dict[str, ExemptionScope] = {}
        self._blueprint_exemptions: dict[str, ExemptionScope] = {}
        self._decorated_limits: dict[str, list[Limit]] = {}
        self._blueprint_limits: dict[str, list[Limit]] = {}
        self._marked_for_limiting: set[str] = set()
        self._default_limits = self._bound(options.pop("default_limits", None), Limit)
        self._application_limits = self._bound(
            options.pop("application_limits", None), ApplicationLimit
        )
        self._plans: weakref.WeakKeyDictionary[Kolben, dict[str, Plan]] = (
            weakref.WeakKeyDictionary()
        )
        self._ctx_key = f"_kolben_limiter_{id(self)}"
        self._storages: Storages | None = None
        self.app = app
        if app is not None:
            self.init_app(app)

    def _bound(self, limits: list[Any] | None, cls: type[Limit]) -> list[Limit]:
        bound = []
        for lim in limits or ():
            if not isinstance(lim, Limit):
                lim = cls(lim, finalized=False)
            bound.append(lim.bind(self))
        return bound

    def init_app(self, app: Kolben) -> None:
        """Initialise ``app``: read its config, open the storage, add hooks.

        :param app: the app to rate limit.
        """
        self.enabled = app.config.setdefault("RATELIMIT_ENABLED", self.enabled)
        if not self.enabled:
            return
        self._configure(app)
        self._storages = Storages(
            self._storage_uri,
            self._storage_options,
            self._strategy,
            self._in_memory_fallback_enabled,
        )
        limiters = app.extensions.setdefault("limiter", set())
        if self not in limiters:
            # Both hooks do I/O only through a coroutine they hand to the
            # event loop when they run on it (see kolben.limiter).
            app.before_request(nonblocking(self._check_request_limit))  # type: ignore[type-var]
            app.after_request(nonblocking(self._after_request))
        limiters.add(self)
        self.initialized = True

    # -- declaring limits ----------------------------------------------------------

    def limit(
        self,
        limit_value: LimitValue,
        *,
        key_func: Callable[[], str] | None = None,
        per_method: bool = False,
        methods: list[str] | None = None,
        error_message: str | Callable[[], str] | None = None,
        exempt_when: Callable[[], bool] | None = None,
        override_defaults: bool = True,
        deduct_when: Callable[[Response], bool] | None = None,
        on_breach: Callable[[_check.RequestLimit], Response | None] | None = None,
        cost: int | Callable[[], int] = 1,
        scope: str | Callable[[str], str] | None = None,
    ) -> RouteLimit:
        """Limit a view, every route of a blueprint, or a block of code.

        Example::

            @app.route("/login", methods=["GET", "POST"])
            @limiter.limit("5/minute", methods=["POST"])
            def login(): ...

            limiter.limit("100/hour")(api_blueprint)

        :param limit_value: ``"5/minute"`` (several with ``;``), or a function
            returning such a string on each request.
        :param key_func: count by this instead of the limiter's key function.
        :param per_method: count each method separately.
        :param methods: limit only these methods.
        :param error_message: the 429's description, or a function of none.
        :param exempt_when: when it returns true, the limit is skipped.
        :param override_defaults: replace the default limits (the default).
        :param deduct_when: count the request only if this function of the
            response returns true.
        :param on_breach: called with the :class:`RequestLimit` on a breach;
            a response it returns is sent instead of the 429 page.
        :param cost: what a request costs, or a function returning it.
        :param scope: a name added to the bucket's key.
        """
        return self._route_limit(limit_value, False, scope, locals())

    def shared_limit(
        self,
        limit_value: LimitValue,
        scope: str | Callable[[str], str],
        *,
        key_func: Callable[[], str] | None = None,
        per_method: bool = False,
        methods: list[str] | None = None,
        error_message: str | Callable[[], str] | None = None,
        exempt_when: Callable[[], bool] | None = None,
        override_defaults: bool = True,
        deduct_when: Callable[[Response], bool] | None = None,
        on_breach: Callable[[_check.RequestLimit], Response | None] | None = None,
        cost: int | Callable[[], int] = 1,
    ) -> RouteLimit:
        """Limit several views together: they count into one bucket, ``scope``.

        Example::

            mysql = limiter.shared_limit("100/hour", scope="mysql")

            @app.route("/a")
            @mysql
            def a(): ...

        The parameters are :meth:`limit`'s.
        """
        return self._route_limit(limit_value, True, scope, locals())

    def _route_limit(
        self, value: LimitValue, shared: bool, scope: Any, args: dict[str, Any]
    ) -> RouteLimit:
        route_limit = RouteLimit(
            limit_provider=value,
            limiter=self,
            key_function=args["key_func"] or self._key_func,
            shared=shared,
            scope=scope,
            per_method=args["per_method"],
            methods=args["methods"],
            error_message=args["error_message"],
            exempt_when=args["exempt_when"],
            deduct_when=args["deduct_when"],
            on_breach=args["on_breach"],
            cost=args["cost"],
        )
        route_limit.override_defaults = args["override_defaults"]
        return route_limit

    @overload
    def exempt(
        self, obj: Blueprint, *, flags: ExemptionScope = _DEFAULT_FLAGS
    ) -> Blueprint: ...

    @overload
    def exempt(self, obj: F, *, flags: ExemptionScope = _DEFAULT_FLAGS) -> F: ...

    @overload
    def exempt(
        self, obj: None = None, *, flags: ExemptionScope = _DEFAULT_FLAGS
    ) -> Callable[[F], F]: ...

    def exempt(self, obj: Any = None, *, flags: ExemptionScope = _DEFAULT_FLAGS) -> Any:
        """Exempt a view, or every route of a blueprint, from the limits.

        Example::

            @app.route("/health")
            @limiter.exempt
            def health(): ...

            limiter.exempt(internal_blueprint)

        :param obj: the view or blueprint.
        :param flags: what to exempt from: by default the application and
            default limits.
        """
        from .util import get_qualified_name

        if obj is None:
            return functools.partial(self.exempt, flags=flags)
        if isinstance(obj, Blueprint):
            self._blueprint_exemptions[obj.name] = flags
        else:
            self._route_exemptions[get_qualified_name(obj)] = flags
        return obj

    def request_filter(self, fn: Callable[[], bool]) -> Callable[[], bool]:
        """Register ``fn``; a request for which it returns true is not limited.

        Example::

            @limiter.request_filter
            def internal():
                return request.remote_addr == "127.0.0.1"
        """
        self._request_filters.append(fn)
        return fn

    # -- state -------------------------------------------------------------------

    @property
    def storage(self) -> Storage:
        """The storage the limits are counted in."""
        assert self._storages is not None, "init_app has not been called."
        return self._storages.storage

    @property
    def limiter(self) -> RateLimiter:
        """The strategy that counts: the fallback's while the storage is down."""
        storages = self._storages
        assert storages is not None, "init_app has not been called."
        if storages.dead and storages.fallback is not None:
            return storages.fallback
        return storages.limiter

    def reset(self) -> None:
        """Clear every limit in the storage, if it can be reset."""
        try:
            self.storage.reset()
            self.logger.info("Storage has been reset and all limits cleared")
        except NotImplementedError:
            self.logger.warning("This storage type does not support being reset")

    @property
    def context(self) -> _check.LimiterContext:
        """What the current request's checks found."""
        ctx: _check.LimiterContext | None = g.get(self._ctx_key)
        if ctx is None:
            ctx = _check.LimiterContext()
            setattr(g, self._ctx_key, ctx)
        return ctx

    @property
    def current_limit(self) -> _check.RequestLimit | None:
        """The limit the request hit, or else the one with the least room."""
        return self.context.view_rate_limit

    @property
    def current_limits(self) -> list[_check.RequestLimit]:
        """Every limit the request was checked against, tightest first."""
        return self.context.view_rate_limits

    def identify_request(self) -> str:
        """Return what identifies the request's limits: its endpoint."""
        if self.initialized and self.enabled:
            return self._request_identifier()
        return ""

    # -- checking ------------------------------------------------------------------

    def check(self) -> None:
        """Check the current request's limits now, from sync code.

        :raises RateLimitExceeded: a limit is exceeded.
        """
        limits = self._request_limits(hook=True) + self._request_limits(hook=False)
        if limits:
            self._guarded_sync(limits)

    async def check_async(self) -> None:
        """Check the current request's limits now, from async code.

        :raises RateLimitExceeded: a limit is exceeded.
        """
        limits = self._request_limits(hook=True) + self._request_limits(hook=False)
        if limits:
            await self._guarded_async(limits)

    def _plan(self) -> Plan | None:
        """Return the endpoint's plan, or ``None`` if nothing may be limited."""
        endpoint = request.endpoint
        if not endpoint or endpoint.rpartition(".")[2] == "static":
            return None
        app = current_app._get_current_object()
        plans = self._plans.get(app)
        if plans is None:
            plans = self._plans[app] = {}
        plan = plans.get(endpoint)
        if plan is None:
            plan = plans[endpoint] = plan_for(self, app, endpoint, request.blueprint)
        return plan

    def _request_limits(
        self, hook: bool, name: str | None = None
    ) -> list[RuntimeLimit]:
        """Return the limits to check before the view (``hook``) or in it."""
        if not (self.enabled and self.initialized):
            return []
        ctx = self.context
        plan = ctx.plan
        if plan is None:
            # PERF: looked up once per request, for the hook and the view.
            plan = self._plan()
            if plan is None or any(fn() for fn in self._request_filters):
                plan = False
            ctx.plan = plan
        if plan is False:
            return []
        if self._storages is not None and self._storages.dead and self._fallback_limits:
            return self._retry_limits([], hook)
        limits = [lim for group in plan.application for lim in group] if hook else []
        if name is not None and name != plan.name:
            return [
                lim for group in self._decorated_limits.get(name, ()) for lim in group
            ]
        if hook == plan.in_view:
            return limits
        explicit = [lim for group in plan.explicit for lim in group]
        limits += explicit
        if plan.defaults and (
            plan.defaults_always or all(lim.method_exempt for lim in explicit)
        ):
            seen = ctx.seen
            for group in plan.defaults:
                for lim in group:
                    if id(lim) not in seen:
                        seen.add(id(lim))
                        limits.append(lim)
        return limits

    def _check_request_limit(self) -> Coroutine[Any, Any, None] | None:
        """Check the limits that apply before the view (a before_request hook).

        PERF: marked nonblocking. Off the event loop, or with in-memory
        storage, it checks in place; on the loop with a storage that does
        I/O it returns the async check, for the core to await there.
        """
        setattr(g, self._ctx_key, _check.LimiterContext())
        limits = self._request_limits(hook=True)
        if not limits:
            return None
        if self._storages is not None and self._storages.does_io and _on_loop():
            return self._guarded_async(limits, hook=True)
        self._guarded_sync(limits, hook=True)
        return None

    def _check_view_sync(self, name: str) -> None:
        limits = self._request_limits(hook=False, name=name)
        if limits:
            self._guarded_sync(limits)

    async def _check_view_async(self, name: str) -> None:
        limits = self._request_limits(hook=False, name=name)
        if limits:
            if self._storages is not None and self._storages.does_io:
                await self._guarded_async(limits)
            else:
                self._guarded_sync(limits)

    def _check_block_sync(self, name: str) -> None:
        limits = [lim for group in self._decorated_limits[name] for lim in group]
        self._guarded_sync(limits)

    async def _check_block_async(self, name: str) -> None:
        limits = [lim for group in self._decorated_limits[name] for lim in group]
        await self._guarded_async(limits)
