"""The application object: configuration, registration and dispatch entry."""

from __future__ import annotations

import inspect
import logging
import os
import threading
from collections.abc import Awaitable, Callable, Iterator
from datetime import timedelta
from typing import IO, TYPE_CHECKING, Any, TypeVar

from . import _app_dispatch, _dispatch, _pipeline_sync, asgi, wsgi
from ._app_dispatch import DispatchMixin
from ._app_testing import TestingMixin
from ._app_urls import URLMixin
from ._background import BackgroundTasks
from ._concurrency import (
    NONBLOCKING,
    SyncRunner,
    call_nonblocking,
    coroutine_function,
)
from ._internal import lazy
from ._scaffold import Scaffold, T_teardown, find_package, setupmethod
from .config import DEFAULT_CONFIG, Config
from .ctx import AppContext, _AppCtxGlobals
from .http.exceptions import Aborter, HTTPException
from .json.provider import DefaultJSONProvider, JSONProvider
from .request import Request
from .response import Response
from .routing import BuildError, Map, Rule
from .sessions import SecureCookieSessionInterface, SessionInterface
from .templating import (
    DispatchingJinjaLoader,
    Environment,
    create_environment,
    select_autoescape,
    update_context,
)

if TYPE_CHECKING:
    from .blueprints import Blueprint
    from .cli import KolbenCliRunner
    from .middleware.proxy_fix import Forwarding
    from .testing import KolbenClient

F = TypeVar("F", bound=Callable[..., Any])


class Kolben(DispatchMixin, URLMixin, TestingMixin, BackgroundTasks, Scaffold):
    """A kolben application: a WSGI app and an ASGI app at once.

    Example::

        app = Kolben(__name__)

        @app.route("/")
        def index():
            return "Hello"

    :param import_name: the name of the application's module, ``__name__``.
    :param static_url_path: the URL prefix of static files.
    :param static_folder: the folder of static files, relative to ``root_path``.
    :param host_matching: match rules on the full Host header (``host=``).
    :param subdomain_matching: match rules on the subdomain of ``SERVER_NAME``.
    :param template_folder: the folder of templates, relative to ``root_path``.
    :param instance_path: the instance folder; ``instance/`` next to the app.
    :param instance_relative_config: resolve config file names in the
        instance folder instead of ``root_path``.
    :param root_path: the app's folder, when ``import_name`` cannot tell.
    """

    request_class: type[Request] = Request
    response_class: type[Response] = Response
    json_provider_class: type[JSONProvider] = DefaultJSONProvider
    app_ctx_globals_class = _AppCtxGlobals
    config_class = Config
    url_map_class = Map
    url_rule_class = Rule
    session_interface: SessionInterface = SecureCookieSessionInterface()
    test_client_class: type[KolbenClient] | None = None
    test_cli_runner_class: type[KolbenCliRunner] | None = None
    default_config = DEFAULT_CONFIG
    aborter_class = Aborter

    def __init__(
        self,
        import_name: str,
        static_url_path: str | None = None,
        static_folder: str | os.PathLike[str] | None = "static",
        static_host: str | None = None,
        host_matching: bool = False,
        subdomain_matching: bool = False,
        template_folder: str | os.PathLike[str] | None = "templates",
        instance_path: str | None = None,
        instance_relative_config: bool = False,
        root_path: str | None = None,
    ) -> None:
        """Take the app's import name and where its files and instance live."""
        super().__init__(import_name, root_path)
        self.static_url_path = static_url_path
        self.static_folder = static_folder
        self.static_host = static_host
        self.template_folder = template_folder
        if instance_path is None:
            instance_path = self.auto_find_instance_path()
        elif not os.path.isabs(instance_path):
            raise ValueError(
                "If an instance path is provided it must be absolute. Use"
                " os.path.abspath(...) or a path relative to root_path,"
                " os.path.join(app.root_path, ...)."
            )
        self.instance_path = instance_path
        self.config = self.make_config(instance_relative_config)
        #: Called by :func:`kolben.abort`; made by :meth:`make_aborter`.
        self.aborter = self.make_aborter()
        self.json: JSONProvider = self.json_provider_class(self)
        #: Called in order by :meth:`handle_url_build_error` with
        #: ``(error, endpoint, values)`` when ``url_for`` cannot build; the
        #: first that returns a value other than ``None`` gives the URL.
        self.url_build_error_handlers: list[
            Callable[[BuildError, str, dict[str, Any]], str | None]
        ] = []
        #: Called as ``wrap(endpoint, view)`` when the app compiles its
        #: routes (at its first request), each returns the function that
        #: serves ``endpoint``: ``view`` itself when it has nothing to add.
        #: Batteries append to it in ``init_app`` (``kolben.api`` validates
        #: typed views so); ``view_functions`` keeps the registered views.
        self.view_wrappers: list[
            Callable[[str, Callable[..., Any]], Callable[..., Any]]
        ] = []
        self.url_map = self.url_map_class(host_matching=host_matching)
        self.subdomain_matching = subdomain_matching
        self.extensions: dict[str, Any] = {}
        #: The registered blueprints by their (dotted) names.
        self.blueprints: dict[str, Blueprint] = {}
        self.teardown_appcontext_funcs: list[Callable[..., Any]] = []
        self.before_serving_funcs: list[Callable[..., Any]] = []
        self.after_serving_funcs: list[Callable[..., Any]] = []
        self._got_first_request = False
        self._freeze_lock = threading.Lock()
        self._plans: dict[str, _dispatch.Plan] = {}
        self._default_plan = _dispatch.Plan(self, None)
        self._sync_runner: SyncRunner | None = None
        self._trusted_hosts: list[str] = []
        #: The forwarding headers ``PROXY_FIX`` trusts, applied by the
        #: adapters before the request is built; ``None``: off.
        self._proxy_fix: Forwarding | None = None
        self._async_funcs: dict[Callable[..., Any], bool] = {}
        self._error_pages: dict[type[HTTPException], str] = {}
        self._matches_domains = False
        #: Whether a subclass's ``create_url_adapter`` matches and builds URLs.
        self._custom_adapter = False
        #: The dispatch methods this app overrides (see ``_app_dispatch``);
        #: any sends its requests down the general path.
        self._overrides: tuple[str, ...] = ()
        from .cli import AppGroup

        #: The app's click command group; ``kolben`` offers its commands.
        self.cli = AppGroup(self.name)
        self.shell_context_processors: list[Callable[[], dict[str, Any]]] = []
        # kolben adds the static route only when the folder exists, so an app
        # without one has no catch-all /static/ rule.
        folder = self.static_folder
        if folder is not None and os.path.isdir(folder):
            if bool(static_host) != host_matching:
                raise ValueError(
                    "Invalid static_host/host_matching combination: give"
                    " static_host exactly when host_matching=True."
                )
            self.add_url_rule(
                f"{self.static_url_path}/<path:filename>",
                endpoint="static",
                view_func=_send_static_file,
                host=static_host,
            )

    def make_config(self, instance_relative: bool = False) -> Config:
        """Make ``app.config``: ``default_config``, and debug mode from the env.

        :param instance_relative: resolve file names in ``instance_path``
            instead of ``root_path``.
        """
        from .helpers import get_debug_flag

        defaults = dict(self.default_config)
        defaults["DEBUG"] = get_debug_flag()
        root = self.instance_path if instance_relative else self.root_path
        return self.config_class(root, defaults)

    def auto_find_instance_path(self) -> str:
        """Return the instance folder when none was given.

        ``instance/`` next to the package or module, or, for one installed
        in an environment, ``<prefix>/var/<name>-instance``.
        """
        prefix, package_path = find_package(self.import_name)
        if prefix is None:
            return os.path.join(package_path, "instance")
        return os.path.join(prefix, "var", f"{self.name}-instance")

    def make_aborter(self) -> Aborter:
        """Make ``app.aborter``, an instance of ``aborter_class``."""
        return self.aborter_class()

    def redirect(self, location: str, code: int = 302) -> Response:
        """Make a redirect response; :func:`kolben.redirect` calls this.

        :param location: the URL to redirect to.
        :param code: the status code: 301, 302, 303, 307 or 308.
        """
        from .helpers import _redirect_response

        return _redirect_response(location, code, self.response_class)

    # -- properties ------------------------------------------------------------

    @lazy
    def name(self) -> str:  # type: ignore[override]
        """The app's name: its import name, or the script's name for __main__."""
        if self.import_name == "__main__":
            import sys

            fn = getattr(sys.modules["__main__"], "__file__", None)
            return os.path.splitext(os.path.basename(fn))[0] if fn else "__main__"
        return self.import_name

    @property
    def debug(self) -> bool:
        """Debug mode (``DEBUG``): the debug page, reloading, verbose JSON."""
        return bool(self.config["DEBUG"])

    @debug.setter
    def debug(self, value: bool) -> None:
        self.config["DEBUG"] = value

    @property
    def testing(self) -> bool:
        """Testing mode (``TESTING``): exceptions propagate to the test."""
        return bool(self.config["TESTING"])

    @testing.setter
    def testing(self, value: bool) -> None:
        self.config["TESTING"] = value

    @property
    def secret_key(self) -> str | bytes | None:
        """The key that signs sessions (``SECRET_KEY``)."""
        return self.config["SECRET_KEY"]  # type: ignore[no-any-return]

    @secret_key.setter
    def secret_key(self, value: str | bytes | None) -> None:
        self.config["SECRET_KEY"] = value

    @property
    def permanent_session_lifetime(self) -> timedelta:
        """How long a permanent session lasts (``PERMANENT_SESSION_LIFETIME``).

        Setting it stores a ``timedelta`` or a number of seconds.
        """
        value = self.config["PERMANENT_SESSION_LIFETIME"]
        return value if isinstance(value, timedelta) else timedelta(seconds=value)

    @permanent_session_lifetime.setter
    def permanent_session_lifetime(self, value: timedelta | int) -> None:
        self.config["PERMANENT_SESSION_LIFETIME"] = value

    @lazy
    def logger(self) -> logging.Logger:
        """The app's logger, named after the app; see :mod:`kolben.logging`."""
        from .logging import create_logger

        return create_logger(self)

    #: Options for the Jinja environment, set before it is first used.
    jinja_options: dict[str, Any] = {}

    #: The class of :attr:`jinja_env`; a subclass may use its own.
    jinja_environment = Environment

    @lazy
    def jinja_env(self) -> Environment:
        """The Jinja environment, made by :meth:`create_jinja_environment`."""
        return self.create_jinja_environment()

    def create_jinja_environment(self) -> Environment:
        """Make the Jinja environment from ``jinja_options`` and the app's globals.

        Override it to change the environment; ``jinja_options`` and
        ``TEMPLATES_AUTO_RELOAD`` are read here, when it is first used.
        """
        return create_environment(self)

    def create_global_jinja_loader(self) -> DispatchingJinjaLoader:
        """Make the environment's loader: the app's, then each blueprint's.

        To change where the app's own templates come from, override
        :attr:`jinja_loader` instead.
        """
        return DispatchingJinjaLoader(self)

    def select_jinja_autoescape(self, filename: str | None) -> bool:
        """Tell whether a template is autoescaped: strings, and HTML/XML/SVG files.

        :param filename: the template's name; ``None`` for a template string.
        """
        return select_autoescape(filename)

    def update_template_context(self, context: dict[str, Any]) -> None:
        """Add what the context processors return to a template's context.

        The app's processors run, then those of the request's blueprints;
        values passed to ``render_template`` win over theirs.

        :param context: the context, changed in place.
        """
        update_context(self, context)

    def _add_template_item(
        self, kind: str, f: Callable[..., Any], name: str | None
    ) -> None:
        getattr(self.jinja_env, kind)[name or f.__name__] = f

    def open_resource(
        self, resource: str, mode: str = "rb", encoding: str | None = None
    ) -> IO[Any]:
        """Open a file relative to ``root_path`` for reading.

        As in Flask, the app's text mode uses the locale's encoding unless
        one is given, where a blueprint's defaults to UTF-8.

        :param resource: the path relative to ``root_path``.
        :param mode: ``"rb"``, ``"r"`` or ``"rt"``.
        :param encoding: the text encoding in text mode.
        """
        return super().open_resource(resource, mode, encoding)

    def open_instance_resource(
        self, resource: str, mode: str = "rb", encoding: str | None = "utf-8"
    ) -> IO[Any]:
        """Open a file in the instance folder, for reading or writing.

        :param resource: the path relative to ``instance_path``.
        :param mode: any ``open`` mode.
        :param encoding: the text encoding in text mode.
        """
        path = os.path.join(self.instance_path, resource)
        if "b" in mode:
            return open(path, mode)  # noqa: SIM115 - the caller closes it
        return open(path, mode, encoding=encoding)  # noqa: SIM115

    # -- registration ----------------------------------------------------------

    def _check_setup_finished(self, f_name: str) -> None:
        if self._got_first_request:
            raise AssertionError(
                f"The setup method '{f_name}' can no longer be called on the"
                f" application. It has already handled its first request, and"
                f" kolben compiles routes and hooks at that point. Make sure"
                f" all views, hooks, blueprints and error handlers are"
                f" registered before the application starts serving."
            )

    @setupmethod
    def add_url_rule(
        self,
        rule: str,
        endpoint: str | None = None,
        view_func: Callable[..., Any] | None = None,
        provide_automatic_options: bool | None = None,
        **options: Any,
    ) -> None:
        """Register a URL rule and optionally its view.

        :param rule: the URL rule string.
        :param endpoint: the endpoint name; the view's ``__name__`` by default.
        :param view_func: the view function.
        :param provide_automatic_options: answer OPTIONS automatically; on by
            default unless the rule lists OPTIONS itself.
        :param options: ``methods``, ``defaults``, ``strict_slashes``, ``host``,
            ``subdomain``, ``merge_slashes``, ``redirect_to``, ``websocket``;
            any other option (``status_code=``, ``tags=``, ...) is kept on
            the rule, in ``rule.options``, for the batteries that read it.
        """
        if endpoint is None:
            if view_func is None:
                raise TypeError("add_url_rule() needs an endpoint or a view_func.")
            endpoint = view_func.__name__
        methods = options.pop("methods", None)
        if methods is None:
            methods = getattr(view_func, "methods", None) or ("GET",)
        if isinstance(methods, str):
            raise TypeError(
                "Allowed methods must be a list of strings, for example:"
                ' @app.route(..., methods=["POST"])'
            )
        methods = {m.upper() for m in methods}
        methods |= set(getattr(view_func, "required_methods", ()))
        if provide_automatic_options is None:
            provide_automatic_options = getattr(
                view_func, "provide_automatic_options", None
            )
        if provide_automatic_options is None:
            provide_automatic_options = (
                "OPTIONS" not in methods and self.config["PROVIDE_AUTOMATIC_OPTIONS"]
            )
        if provide_automatic_options:
            methods.add("OPTIONS")
        rule_obj = self.url_rule_class(
            rule, endpoint=endpoint, methods=methods, **options
        )
        rule_obj.provide_automatic_options = bool(provide_automatic_options)
        self.url_map.add(rule_obj)
        if view_func is not None:
            old = self.view_functions.get(endpoint)
            # Equal, not identical, as in Flask: a view object that defines
            # __eq__ (re-made by a factory, say) may be registered again.
            if old is not None and old != view_func:
                raise AssertionError(
                    "View function mapping is overwriting an existing endpoint"
                    f" function: {endpoint}. Give one of the views another name or"
                    " pass endpoint=..."
                )
            self.view_functions[endpoint] = view_func

    @setupmethod
    def register_blueprint(self, blueprint: Blueprint, **options: Any) -> None:
        """Register a blueprint's routes, hooks, handlers and commands.

        Example::

            app.register_blueprint(auth, url_prefix="/auth")
            app.register_blueprint(auth, url_prefix="/v2/auth", name="auth_v2")

        :param options: ``url_prefix``, ``subdomain``, ``url_defaults``,
            ``cli_group``, and ``name`` to register it a second time.
        """
        blueprint.register(self, options)

    def iter_blueprints(self) -> Iterator[Blueprint]:
        """Iterate the registered blueprints, in registration order."""
        return iter(self.blueprints.values())

    @setupmethod
    def teardown_appcontext(self, f: T_teardown) -> T_teardown:
        """Run ``f(exc)`` when each application context ends.

        Example::

            @app.teardown_appcontext
            def close_db(exc):
                db.session.remove()
        """
        self.teardown_appcontext_funcs.append(f)
        return f

    @setupmethod
    def before_serving(self, f: Callable[..., Any]) -> Callable[..., Any]:
        """Run ``f`` (sync or async) once when an ASGI server starts the app.

        Example::

            @app.before_serving
            async def connect():
                app.extensions["pool"] = await create_pool()
        """
        self.before_serving_funcs.append(f)
        return f

    @setupmethod
    def after_serving(self, f: Callable[..., Any]) -> Callable[..., Any]:
        """Run ``f`` (sync or async) once when an ASGI server shuts down.

        Example::

            @app.after_serving
            async def disconnect():
                await app.extensions["pool"].close()
        """
        self.after_serving_funcs.append(f)
        return f

    @setupmethod
    def shell_context_processor(self, f: F) -> F:
        """Add the names ``f()`` returns to the namespace of ``kolben shell``.

        Example::

            @app.shell_context_processor
            def models():
                return {"db": db, "User": User}
        """
        self.shell_context_processors.append(f)
        return f

    def make_shell_context(self) -> dict[str, Any]:
        """Return the namespace of ``kolben shell``: ``app``, ``g`` and more."""
        from .globals import g

        context: dict[str, Any] = {"app": self, "g": g}
        for processor in self.shell_context_processors:
            context.update(processor())
        return context

    # -- serving ---------------------------------------------------------------

    def _freeze(self) -> None:
        """Gather each endpoint's plan; from now on registration raises."""
        with self._freeze_lock:
            if self._got_first_request:
                return
            self._plans = {
                endpoint: _dispatch.Plan(self, endpoint)
                for endpoint in self.view_functions
            }
            self._default_plan = _dispatch.Plan(self, None)
            self._async_funcs = {
                f: inspect.iscoroutinefunction(f) for f in self._registered_funcs()
            }
            self._sync_runner = SyncRunner(int(self.config["SYNC_THREADS"]))
            # PERF: settings that shape matching are read once, here, rather
            # than on every request.
            config = self.config
            self._trusted_hosts = list(config["TRUSTED_HOSTS"] or ())
            proxy_fix = config.get("PROXY_FIX")
            if proxy_fix is not None and proxy_fix is not False:
                # The one core hook of the proxies battery: both adapters
                # apply these before they build the request.
                from .middleware.proxy_fix import Forwarding

                self._proxy_fix = Forwarding.from_config(proxy_fix)
            self._matches_domains = self.url_map.host_matching or bool(
                self.subdomain_matching and config["SERVER_NAME"]
            )
            self._match_path = self.url_map.matcher().match
            self._overrides = _app_dispatch.overridden(self)
            self._custom_adapter = (
                type(self).create_url_adapter is not URLMixin.create_url_adapter
            )
            self._got_first_request = True

    def _registered_funcs(self) -> Iterator[Callable[..., Any]]:
        yield from self.view_functions.values()
        # The views as served, which a view wrapper may have replaced.
        yield from (plan.view for plan in self._plans.values() if plan.view)
        for registry in (
            self.before_request_funcs,
            self.after_request_funcs,
            self.teardown_request_funcs,
            self.url_value_preprocessors,
        ):
            for funcs in registry.values():
                yield from funcs
        for by_code in self.error_handler_spec.values():
            for handlers in by_code.values():
                yield from handlers.values()
        yield from self.teardown_appcontext_funcs

    def _call_offload(
        self, f: Callable[..., Any], /, *args: Any, **kwargs: Any
    ) -> Awaitable[Any]:
        """Return what to await to call ``f``: itself if async, else a thread.

        PERF: a plain function, so an async view's own coroutine is awaited
        with no wrapper around it.
        """
        # PERF: registered functions were classified once, at the first request.
        is_async = self._async_funcs.get(f)
        if is_async is None:
            is_async = inspect.iscoroutinefunction(f)
        if is_async:
            return f(*args, **kwargs)  # type: ignore[no-any-return]
        if getattr(f, NONBLOCKING, False):
            return call_nonblocking(f, *args, **kwargs)  # type: ignore[no-any-return]
        assert self._sync_runner is not None
        return self._sync_runner.run(f, *args, **kwargs)

    def _teardown(self, ctx: AppContext, exc: BaseException | None) -> None:
        """End ``ctx``: its teardown functions, or the overridden methods."""
        if self._overrides:
            _app_dispatch.teardown_generally(self, ctx, exc)
        else:
            _pipeline_sync.teardown(self, ctx, exc, _dispatch.call_inline)

    # PERF: the two entry points are the adapters' own functions, bound as
    # methods, so a request takes no extra call on its way in.

    #: The WSGI application, ``app.wsgi_app(environ, start_response)``; wrap
    #: this attribute to add WSGI middleware::
    #:
    #:     app.wsgi_app = ProxyFix(app.wsgi_app)
    wsgi_app = wsgi.handle

    #: The ASGI application, ``await app.asgi_app(scope, receive, send)``;
    #: wrap this attribute to add ASGI middleware::
    #:
    #:     app.asgi_app = SomeASGIMiddleware(app.asgi_app)
    asgi_app = coroutine_function(asgi.handle)

    @coroutine_function
    def __call__(
        self,
        environ_or_scope: dict[str, Any],
        start_response_or_receive: Callable[..., Any],
        send: Callable[[dict[str, Any]], Any] | None = None,
    ) -> Any:
        """Serve WSGI ``(environ, start_response)`` or ASGI ``(scope, receive, send)``.

        The two protocols are told apart by the number of arguments.
        """
        if send is None:
            return self.wsgi_app(environ_or_scope, start_response_or_receive)
        return self.asgi_app(environ_or_scope, start_response_or_receive, send)

    def run(
        self,
        host: str | None = None,
        port: int | None = None,
        debug: bool | None = None,
        load_dotenv: bool = True,
        **options: Any,
    ) -> None:
        """Serve the app with the development server (uvicorn) from a script.

        Prefer ``kolben run``; never use this in production. Reloads on code
        changes in debug mode.

        :param host: the interface; 127.0.0.1 unless ``SERVER_NAME`` says.
        :param port: the port; 5000 unless ``SERVER_NAME`` says.
        :param debug: set debug mode.
        :param load_dotenv: load ``.env`` and ``.kolbenenv`` (or a Flask
            project's ``.flaskenv``) first.
        :param options: ``reload``, ``extra_files``, ``exclude_patterns``,
            ``cert``, ``key``, ``ssl_context`` (``"adhoc"``, a ``(cert, key)``
            pair or an SSLContext); others go to ``uvicorn.run``.
        """
        from ._devserver import run_app

        run_app(self, host, port, debug, load_dotenv, options)

    # -- URLs ------------------------------------------------------------------

    # -- contexts and testing ----------------------------------------------------

    def app_context(self) -> AppContext:
        """Return an application context to use in a ``with`` block.

        Example::

            with app.app_context():
                init_db()
        """
        return AppContext(self)

    def request_context(self, environ: dict[str, Any]) -> AppContext:
        """Return a request context for a WSGI environ, with the URL matched.

        Unlike handling a request, this does not end the setup phase: an app
        factory or a test may build URLs in a test context, then register more.
        """
        request = self.request_class(environ, app=self)
        ctx = AppContext(self, request)
        if self._got_first_request:
            plan = self._match(request)
        else:
            plan = self._match_unfrozen(request)
        ctx._teardown_request = plan.teardown
        return ctx


def _send_static_file(filename: str) -> Response:
    """Serve the app's ``static`` view: ``current_app.send_static_file``.

    A function rather than the bound method, so that the app's own view
    table holds no reference back to the app.
    """
    from .globals import current_app

    return current_app.send_static_file(filename)
