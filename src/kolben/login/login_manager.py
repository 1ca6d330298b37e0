"""The :class:`LoginManager`: how an app finds, loads and refuses users."""

from __future__ import annotations

import asyncio
import inspect
import weakref
from collections.abc import Callable, Generator
from datetime import UTC, datetime, timedelta
from hashlib import sha512
from typing import TYPE_CHECKING, Any

from ..globals import current_app, g, request, session
from ..helpers import abort, flash, redirect
from . import utils
from .config import (
    CONFIG_DEFAULTS,
    ID_ATTRIBUTE,
    LOGIN_MESSAGE,
    LOGIN_MESSAGE_CATEGORY,
    REFRESH_MESSAGE,
    REFRESH_MESSAGE_CATEGORY,
    SESSION_KEYS,
)
from .mixins import AnonymousUserMixin
from .signals import (
    session_protected,
    user_accessed,
    user_loaded_from_cookie,
    user_loaded_from_request,
    user_needs_refresh,
    user_unauthorized,
)

if TYPE_CHECKING:
    from ..app import Kolben
    from ..response import Response

C = Callable[..., Any]
#: A step of loading the user: the loader to call and its argument.
Load = tuple[C, Any]


def _create_identifier() -> str:
    """Return the client's identifier: a hash of its address and User-Agent.

    The hashed text is Flask-Login's, so sessions moved from a Flask app keep
    their ``_id``. SECURITY: the address is the peer's, which the proxy-headers
    middleware sets from trusted proxies; ``LOGIN_TRUST_FORWARDED_FOR`` takes
    the first ``X-Forwarded-For`` address instead, which any client can send.
    """
    address = request.remote_addr
    if current_app.config.get("LOGIN_TRUST_FORWARDED_FOR"):
        address = request.headers.get("X-Forwarded-For", address)
    addr = address.encode("utf-8").split(b",")[0].strip() if address else None
    agent = request.headers.get("User-Agent")
    ua = agent.encode("utf-8") if agent is not None else None
    return sha512(f"{addr!r}|{ua!r}".encode()).hexdigest()


def _call_sync(loader: C, arg: Any) -> Any:
    """Call ``loader`` from sync code; an async one runs on the request's loop."""
    if inspect.iscoroutinefunction(loader):
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return current_app.ensure_sync(loader)(arg)
        raise RuntimeError(
            "current_user was first used on the event loop, where the async"
            " user_loader cannot be awaited, by async code that runs after a"
            " sync view (an async error handler or teardown function?). Use"
            " current_user in the view or in a before_request hook first."
        )
    return loader(arg)


class LoginManager:
    """Hold the login settings of one or more apps, and load their users.

    Example::

        login = LoginManager(app)
        login.login_view = "auth.login"

        @login.user_loader
        def load_user(user_id):
            return db.session.get(User, int(user_id))

    :param app: the app to set up now; or call :meth:`init_app` later.
    :param add_context_processor: give templates ``current_user``.
    """

    def __init__(
        self, app: Kolben | None = None, add_context_processor: bool = True
    ) -> None:
        #: The class (or factory) of the user no one is logged in as.
        """Take the app (or call :meth:`init_app` later)."""
        self.anonymous_user: Callable[[], Any] = AnonymousUserMixin
        #: The endpoint (or URL) to redirect to when a login is needed.
        self.login_view: str | None = None
        #: Login views per blueprint name; ``None`` names the app's own.
        self.blueprint_login_views: dict[str | None, str | None] = {}
        #: The message flashed on that redirect; falsy flashes nothing.
        self.login_message: str | None = LOGIN_MESSAGE
        #: The category of ``login_message``.
        self.login_message_category = LOGIN_MESSAGE_CATEGORY
        #: The endpoint (or URL) to send users to for a fresh login.
        self.refresh_view: str | None = None
        #: The message flashed on that redirect.
        self.needs_refresh_message: str | None = REFRESH_MESSAGE
        #: The category of :attr:`needs_refresh_message`.
        self.needs_refresh_message_category = REFRESH_MESSAGE_CATEGORY
        #: ``"basic"``, ``"strong"`` or ``None``; ``SESSION_PROTECTION``
        #: overrides it when set.
        self.session_protection: str | None = "basic"
        #: Translates the flashed messages when set (e.g. ``gettext``).
        self.localize_callback: Callable[[str], str] | None = None
        self.unauthorized_callback: C | None = None
        self.needs_refresh_callback: C | None = None
        #: The user method that returns the id kept in the session.
        self.id_attribute = ID_ATTRIBUTE
        self._user_callback: C | None = None
        self._request_callback: C | None = None
        self._session_identifier_generator: Callable[[], str] = _create_identifier
        self._apps: weakref.WeakSet[Kolben] = weakref.WeakSet()
        self._preloading: weakref.WeakSet[Kolben] = weakref.WeakSet()
        self._preload_plans: weakref.WeakKeyDictionary[
            Kolben, dict[str | None, bool]
        ] = weakref.WeakKeyDictionary()
        if app is not None:
            self.init_app(app, add_context_processor)

    def init_app(self, app: Kolben, add_context_processor: bool = True) -> None:
        """Set up ``app``: config defaults, the remember-cookie hook, templates.

        The manager becomes ``app.login_manager`` (and
        ``app.extensions["login"]``).

        :param app: the app.
        :param add_context_processor: give templates ``current_user``.
        """
        app.login_manager = self  # type: ignore[attr-defined]
        app.extensions["login"] = self
        for key, value in CONFIG_DEFAULTS.items():
            app.config.setdefault(key, value)
        app.after_request(self._update_remember_cookie)
        if add_context_processor:
            app.context_processor(utils._user_context_processor)
        self._apps.add(app)
        if self._has_async_loader():
            self._preload_on(app)

    # -- callbacks ---------------------------------------------------------------

    def user_loader(self, callback: C) -> C:
        """Set the function that returns the user for an id, or ``None``.

        It takes the id (a ``str``, what ``get_id()`` returned) and may be
        async. Example::

            @login.user_loader
            async def load_user(user_id):
                return await db.session.get(User, int(user_id))

        :param callback: the loader.
        """
        self._user_callback = callback
        self._loader_set()
        return callback

    @property
    def user_callback(self) -> C | None:
        """The function set with :meth:`user_loader`."""
        return self._user_callback

    def request_loader(self, callback: C) -> C:
        """Set the function that finds a user in the request itself.

        It takes the request and returns a user or ``None``; it is asked when
        the session has no user. It may be async. Example::

            @login.request_loader
            def load_user_from_api_key(request):
                key = request.headers.get("X-API-Key")
                return User.query.filter_by(api_key=key).first() if key else None

        :param callback: the loader.
        """
        self._request_callback = callback
        self._loader_set()
        return callback

    @property
    def request_callback(self) -> C | None:
        """The function set with :meth:`request_loader`."""
        return self._request_callback

    def unauthorized_handler(self, callback: C) -> C:
        """Set what :meth:`unauthorized` returns instead of its redirect.

        :param callback: takes no arguments, returns a response; may be async.
        """
        self.unauthorized_callback = callback
        return callback

    def needs_refresh_handler(self, callback: C) -> C:
        """Set what :meth:`needs_refresh` returns instead of its redirect.

        :param callback: takes no arguments, returns a response; may be async.
        """
        self.needs_refresh_callback = callback
        return callback

    # -- refusals ------------------------------------------------------------------

    def unauthorized(self) -> Any:
        """Return the answer for a user who must log in first.

        The :meth:`unauthorized_handler`'s, if set; otherwise flash
        ``login_message`` and redirect to the login view of the request's
        blueprint (``blueprint_login_views``) or ``login_view``, with
        the page asked for in ``?next=`` (or the session, with
        ``USE_SESSION_FOR_NEXT``). Without a login view: 401.
        """
        utils.send(user_unauthorized)
        if self.unauthorized_callback:
            return self.unauthorized_callback()
        login_view = self.login_view
        for name in request.blueprints:
            if name in self.blueprint_login_views:
                login_view = self.blueprint_login_views[name]
                break
        if not login_view:
            abort(401)
        self._flash(self.login_message, self.login_message_category)
        return self._redirect_to(login_view)

    def needs_refresh(self) -> Any:
        """Return the answer for a user whose login is not fresh.

        The :meth:`needs_refresh_handler`'s, if set; otherwise flash
        ``needs_refresh_message`` and redirect to ``refresh_view``
        with ``?next=``. Without a refresh view: 401.
        """
        utils.send(user_needs_refresh)
        if self.needs_refresh_callback:
            return self.needs_refresh_callback()
        if not self.refresh_view:
            abort(401)
        self._flash(self.needs_refresh_message, self.needs_refresh_message_category)
        return self._redirect_to(self.refresh_view)

    def _flash(self, message: str | None, category: str) -> None:
        if message:
            if self.localize_callback is not None:
                message = self.localize_callback(message)
            flash(message, category=category)

    def _redirect_to(self, view: str) -> Response:
        if current_app.config.get("USE_SESSION_FOR_NEXT"):
            target = utils.expand_login_view(view)
            session["_id"] = self._session_identifier_generator()
            session["next"] = utils.make_next_param(target, request.url)
            return redirect(utils.login_url(view))
        return redirect(utils.login_url(view, next_url=request.url))

    # -- loading the user ----------------------------------------------------------

    def _update_request_context_with_user(self, user: Any = None) -> None:
        """Make ``user`` (or the anonymous user) the request's ``current_user``."""
        g._login_user = self.anonymous_user() if user is None else user

    def _has_async_loader(self) -> bool:
        return any(
            inspect.iscoroutinefunction(f)
            for f in (self._user_callback, self._request_callback)
        )

    def _loader_set(self) -> None:
        if self._has_async_loader():
            for app in list(self._apps):
                self._preload_on(app)

    def _preload_on(self, app: Kolben) -> None:
        # An async loader cannot be awaited from a sync attribute access, and
        # an async view touches current_user on the event loop, where waiting
        # for a coroutine would block it. So for async views the user is
        # loaded by an async before-request hook, on the loop serving the
        # request; sync views still load it lazily on first use, running the
        # loader on that loop from their thread (app.ensure_sync). The hook
        # exists only for apps with an async loader: others pay nothing.
        if app not in self._preloading:
            self._preloading.add(app)
            app.before_request(self._preload_user)

    async def _preload_user(self) -> None:
        app = utils._app()
        plan = self._preload_plans.get(app)
        if plan is None:
            plan = self._preload_plans[app] = {}
        endpoint = request.endpoint
        preload = plan.get(endpoint)
        if preload is None:
            # PERF: decided once per endpoint; nothing is registered after
            # the first request.
            preload = plan[endpoint] = self._async_code_may_use_user(app)
        if preload:
            await self._ensure_user_loaded()

    def _async_code_may_use_user(self, app: Kolben) -> bool:
        """Whether async code of this request's endpoint runs on the loop.

        A sync view with sync hooks loads the user lazily, off the loop; an
        async view, MethodView, hook or a request no rule matched (its error
        handler) gets the user loaded beforehand.
        """
        view = app.view_functions.get(request.endpoint or "")
        if view is None or hasattr(view, "view_class"):
            return True
        scopes = (None, *request.blueprints)
        hooks = [
            f
            for funcs in (app.before_request_funcs, app.after_request_funcs)
            for scope in scopes
            for f in funcs.get(scope, ())
            if f != self._preload_user
        ]
        return any(inspect.iscoroutinefunction(f) for f in (view, *hooks))

    async def _ensure_user_loaded(self) -> None:
        """Load the user for the request, awaiting async loaders, unless done."""
        if "_login_user" in g:
            return
        steps = self._load_steps()
        try:
            step = next(steps)
            while True:
                rv = step[0](step[1])
                step = steps.send(await rv if inspect.isawaitable(rv) else rv)
        except StopIteration as done:
            self._update_request_context_with_user(done.value)

    def _load_user(self) -> None:
        """Load the user for the request from the session, cookie or request."""
        steps = self._load_steps()
        try:
            step = next(steps)
            while True:
                step = steps.send(_call_sync(*step))
        except StopIteration as done:
            self._update_request_context_with_user(done.value)

    def _load_steps(self) -> Generator[Load, Any, Any]:
        """Decide where the user comes from; yield each loader call to make.

        Written once for the sync and the async drivers above, which make the
        calls and send the results back.
        """
        if self._user_callback is None and self._request_callback is None:
            raise RuntimeError(
                "Missing user_loader or request_loader. Set one with"
                " @login_manager.user_loader, which takes a user id and"
                " returns the user or None."
            )
        utils.send(user_accessed)
        if self._session_protection_failed():
            return None
        user = None
        user_id = session.get("_user_id")
        if user_id is not None and self._user_callback is not None:
            user = yield self._user_callback, user_id
        if user is not None:
            return user
        cookie = request.cookies.get(current_app.config["REMEMBER_COOKIE_NAME"])
        if cookie is not None and g.get(utils.REMEMBER_OP) != "clear":
            return (yield from self._load_from_remember_cookie(cookie))
        if self._request_callback is not None:
            user = yield self._request_callback, request._get_current_object()  # type: ignore[attr-defined]
            if user is not None:
                utils.send(user_loaded_from_request, user=user)
        return user

    def _load_from_remember_cookie(self, cookie: str) -> Generator[Load, Any, Any]:
        user_id = utils.decode_cookie(cookie)
        if user_id is None or self._user_callback is None:
            return None
        user = yield self._user_callback, user_id
        if user is None:
            return None
        # A login from the cookie is a login: a new session id (SECURITY:
        # the session may have been planted), bound to this client, so that
        # "strong" protection does not drop it on the next request.
        utils.rotate_session()
        session["_user_id"] = user_id
        session["_fresh"] = False
        session["_id"] = self._session_identifier_generator()
        utils.send(user_loaded_from_cookie, user=user)
        return user

    def _session_protection_failed(self) -> bool:
        app = current_app
        mode = app.config.get("SESSION_PROTECTION", self.session_protection)
        if mode not in ("basic", "strong"):
            return False
        sess = session
        # An empty session is an anonymous user's, or one just logged out.
        if not sess or self._session_identifier_generator() == sess.get("_id"):
            return False
        if mode == "basic" or sess.permanent:
            if sess.get("_fresh") is not False:
                sess["_fresh"] = False
            utils.send(session_protected)
            return False
        for key in SESSION_KEYS:
            if key in sess:
                sess.pop(key)
        setattr(g, utils.REMEMBER_OP, "clear")
        utils.send(session_protected)
        return True

    # -- the remember cookie -------------------------------------------------------

    def _update_remember_cookie(self, response: Response) -> Response:
        config = current_app.config
        operation = g.pop(utils.REMEMBER_OP, None)
        if operation is None and config["REMEMBER_COOKIE_REFRESH_EACH_REQUEST"]:
            operation = self._refresh_operation()
        if operation == "set" and "_user_id" in session:
            self._set_cookie(response)
        elif operation == "clear":
            self._clear_cookie(response)
        return response

    def _refresh_operation(self) -> str | None:
        if current_app.config["LOGIN_REMEMBER_ON_REFRESH"]:
            return "set"
        # Refresh only a remember cookie the client has: a user who did not
        # ask to be remembered is not given a year-long login.
        if utils.login_remembered():
            return "set"
        return None

    def _set_cookie(self, response: Response) -> None:
        config = current_app.config
        if "_remember_seconds" in session:
            duration: Any = timedelta(seconds=session["_remember_seconds"])
        else:
            duration = config["REMEMBER_COOKIE_DURATION"]
        if isinstance(duration, int | float):
            duration = timedelta(seconds=duration)
        if not isinstance(duration, timedelta):
            raise TypeError(
                "REMEMBER_COOKIE_DURATION must be a datetime.timedelta,"
                f" instead got: {duration!r}"
            )
        response.set_cookie(
            config["REMEMBER_COOKIE_NAME"],
            value=utils.encode_cookie(str(session["_user_id"])),
            expires=datetime.now(UTC) + duration,
            domain=config["REMEMBER_COOKIE_DOMAIN"],
            path=config["REMEMBER_COOKIE_PATH"],
            secure=config["REMEMBER_COOKIE_SECURE"],
            httponly=config["REMEMBER_COOKIE_HTTPONLY"],
            samesite=config["REMEMBER_COOKIE_SAMESITE"],
        )

    def _clear_cookie(self, response: Response) -> None:
        config = current_app.config
        response.delete_cookie(
            config["REMEMBER_COOKIE_NAME"],
            domain=config["REMEMBER_COOKIE_DOMAIN"],
            path=config["REMEMBER_COOKIE_PATH"],
        )
