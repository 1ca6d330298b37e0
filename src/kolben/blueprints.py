"""Blueprints: a group of routes, hooks and error handlers registered on an app.

A blueprint records what is registered on it and replays it on the app at
``app.register_blueprint(bp)``, with its name prefixed to endpoints
(``"auth.login"``) and its ``url_prefix`` to rules. Hooks and error handlers
registered on a blueprint apply to that blueprint's requests only; the
``app_``-prefixed decorators register app-wide ones.
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from ._scaffold import (
    Scaffold,
    T_after_request,
    T_before_request,
    T_error_handler,
    T_teardown,
    T_template_context_processor,
    T_url_defaults,
    T_url_value_preprocessor,
    setupmethod,
)

if TYPE_CHECKING:
    from .app import Kolben

F = TypeVar("F", bound=Callable[..., Any])
DeferredSetup = Callable[["BlueprintSetupState"], None]
_sentinel: Any = object()


class BlueprintSetupState:
    """What one registration of a blueprint on an app needs to know.

    :param blueprint: the blueprint being registered.
    :param app: the application it is registered on.
    :param options: the keyword arguments given to ``register_blueprint``.
    :param first_registration: whether this blueprint is registered for the
        first time on this app.
    """

    def __init__(
        self,
        blueprint: Blueprint,
        app: Kolben,
        options: dict[str, Any],
        first_registration: bool,
    ) -> None:
        """Keep the blueprint, the app and the options of this registration."""
        self.app = app
        self.blueprint = blueprint
        self.options = options
        self.first_registration = first_registration
        subdomain = options.get("subdomain")
        self.subdomain = blueprint.subdomain if subdomain is None else subdomain
        url_prefix = options.get("url_prefix")
        self.url_prefix = blueprint.url_prefix if url_prefix is None else url_prefix
        self.name = options.get("name", blueprint.name)
        self.name_prefix = options.get("name_prefix", "")
        self.url_defaults = dict(blueprint.url_values_defaults)
        self.url_defaults.update(options.get("url_defaults", ()))

    @property
    def full_name(self) -> str:
        """The dotted name endpoints get, including parent blueprints."""
        return f"{self.name_prefix}.{self.name}".lstrip(".")

    def add_url_rule(
        self,
        rule: str,
        endpoint: str | None = None,
        view_func: Callable[..., Any] | None = None,
        **options: Any,
    ) -> None:
        """Register a rule on the app with the blueprint's prefix and name."""
        if self.url_prefix is not None:
            if rule:
                rule = "/".join((self.url_prefix.rstrip("/"), rule.lstrip("/")))
            else:
                rule = self.url_prefix
        options.setdefault("subdomain", self.subdomain)
        if endpoint is None:
            if view_func is None:
                raise TypeError("add_url_rule() needs an endpoint or a view_func.")
            endpoint = view_func.__name__
        defaults = self.url_defaults
        if "defaults" in options:
            defaults = {**defaults, **options.pop("defaults")}
        self.app.add_url_rule(
            rule,
            f"{self.full_name}.{endpoint}",
            view_func,
            defaults=defaults or None,
            **options,
        )


class Blueprint(Scaffold):
    """A reusable group of views, hooks and commands.

    Example::

        auth = Blueprint("auth", __name__, url_prefix="/auth")

        @auth.route("/login", methods=["GET", "POST"])
        def login():
            ...

        app.register_blueprint(auth)
        url_for("auth.login")  # "/auth/login"

    :param name: the blueprint's name, prefixed to its endpoints.
    :param import_name: the name of the blueprint's module, ``__name__``.
    :param static_folder: a folder of static files of its own.
    :param static_url_path: the URL of those files.
    :param template_folder: a folder of templates of its own.
    :param url_prefix: a path prepended to every rule.
    :param subdomain: the subdomain its rules match on.
    :param url_defaults: default values for every rule's variables.
    :param root_path: the folder resources are found in.
    :param cli_group: the ``kolben`` command group of its commands: its name
        by default, another name, or ``None`` to add them to the app's group.
    """

    def __init__(
        self,
        name: str,
        import_name: str,
        static_folder: str | os.PathLike[str] | None = None,
        static_url_path: str | None = None,
        template_folder: str | os.PathLike[str] | None = None,
        url_prefix: str | None = None,
        subdomain: str | None = None,
        url_defaults: dict[str, Any] | None = None,
        root_path: str | None = None,
        cli_group: str | None = _sentinel,
    ) -> None:
        """Take the blueprint's name, import name, folders and URL options."""
        super().__init__(import_name, root_path)
        if not name:
            raise ValueError("'name' may not be empty.")
        if "." in name:
            raise ValueError("'name' may not contain a dot '.' character.")
        self.name = name
        self.static_folder = static_folder
        self.static_url_path = static_url_path
        self.template_folder = template_folder
        self.url_prefix = url_prefix
        self.subdomain = subdomain
        self.url_values_defaults = url_defaults or {}
        self.cli_group = cli_group
        self.deferred_functions: list[DeferredSetup] = []
        self._blueprints: list[tuple[Blueprint, dict[str, Any]]] = []
        self._got_registered_once = False
        from .cli import AppGroup

        #: The blueprint's command group; see ``cli_group``.
        self.cli = AppGroup(name)

    def _check_setup_finished(self, f_name: str) -> None:
        if self._got_registered_once:
            raise AssertionError(
                f"The setup method '{f_name}' can no longer be called on the"
                f" blueprint '{self.name}'. It has already been registered and"
                " changes would not be applied. Register all views, hooks and"
                " error handlers before registering the blueprint."
            )

    def make_setup_state(
        self, app: Kolben, options: dict[str, Any], first_registration: bool = False
    ) -> BlueprintSetupState:
        """Make the state the deferred functions of one registration get.

        Override it to hand them a subclass of :class:`BlueprintSetupState`.

        :param app: the application it is registered on.
        :param options: the keyword arguments of ``register_blueprint``.
        :param first_registration: whether it is its first time on ``app``.
        """
        return BlueprintSetupState(self, app, options, first_registration)

    @setupmethod
    def record(self, func: DeferredSetup) -> None:
        """Run ``func(state)`` each time the blueprint is registered on an app."""
        self.deferred_functions.append(func)

    @setupmethod
    def record_once(self, func: DeferredSetup) -> None:
        """Run ``func(state)`` only the first time it is registered on an app."""

        def wrapper(state: BlueprintSetupState) -> None:
            if state.first_registration:
                func(state)

        self.record(wrapper)

    @setupmethod
    def add_url_rule(
        self,
        rule: str,
        endpoint: str | None = None,
        view_func: Callable[..., Any] | None = None,
        provide_automatic_options: bool | None = None,
        **options: Any,
    ) -> None:
        """Register a rule, prefixed with the blueprint's name and URL prefix."""
        if endpoint and "." in endpoint:
            raise ValueError("'endpoint' may not contain a dot '.' character.")
        if view_func is not None and "." in getattr(view_func, "__name__", ""):
            raise ValueError("'view_func' name may not contain a dot '.' character.")
        self.record(
            lambda s: s.add_url_rule(
                rule,
                endpoint,
                view_func,
                provide_automatic_options=provide_automatic_options,
                **options,
            )
        )

    @setupmethod
    def register_blueprint(self, blueprint: Blueprint, **options: Any) -> None:
        """Nest ``blueprint`` in this one; it is registered along with it.

        :param options: as for ``app.register_blueprint``; the URL prefix and
            subdomain add to this blueprint's.
        """
        if blueprint is self:
            raise ValueError("Cannot register a blueprint on itself")
        self._blueprints.append((blueprint, options))

    def register(self, app: Kolben, options: dict[str, Any]) -> None:
        """Register this blueprint and the ones nested in it on ``app``.

        ``app.register_blueprint`` calls this.

        :param options: ``url_prefix``, ``subdomain``, ``url_defaults`` and
            ``name`` (to register the same blueprint twice under two names).
        """
        name = f"{options.get('name_prefix', '')}.{options.get('name', self.name)}"
        name = name.lstrip(".")
        if name in app.blueprints:
            existing = "this" if app.blueprints[name] is self else "a different"
            raise ValueError(
                f"The name '{name}' is already registered for {existing}"
                " blueprint. Use 'name=' to provide a unique name."
            )
        first_registration = not any(bp is self for bp in app.blueprints.values())
        app.blueprints[name] = self
        self._got_registered_once = True
        state = self.make_setup_state(app, options, first_registration)
        if self.has_static_folder:
            state.add_url_rule(
                f"{self.static_url_path}/<path:filename>",
                endpoint="static",
                view_func=self.send_static_file,
            )
        self._merge_into(app, name)
        for deferred in self.deferred_functions:
            deferred(state)
        self._register_commands(app, options, name)
        for blueprint, nested_options in self._blueprints:
            blueprint.register(app, _nested_options(state, blueprint, nested_options))

    def _register_commands(
        self, app: Kolben, options: dict[str, Any], name: str
    ) -> None:
        from .cli import merge_cli_group

        cli_group = options.get("cli_group", self.cli_group)
        merge_cli_group(
            app.cli, self.cli, "" if cli_group is _sentinel else cli_group, name
        )

    def _merge_into(self, app: Kolben, name: str) -> None:
        """Copy hooks and handlers to the app, keyed by the registered name."""
        for scope, by_code in self.error_handler_spec.items():
            key = name if scope is None else f"{name}.{scope}"
            app.error_handler_spec[key] = defaultdict(
                dict, {code: dict(handlers) for code, handlers in by_code.items()}
            )
        for endpoint, func in self.view_functions.items():
            app.view_functions[f"{name}.{endpoint}"] = func
        for registry, target in (
            (self.before_request_funcs, app.before_request_funcs),
            (self.after_request_funcs, app.after_request_funcs),
            (self.teardown_request_funcs, app.teardown_request_funcs),
            (self.before_websocket_funcs, app.before_websocket_funcs),
            (self.after_websocket_funcs, app.after_websocket_funcs),
            (self.teardown_websocket_funcs, app.teardown_websocket_funcs),
            (self.url_default_functions, app.url_default_functions),
            (self.url_value_preprocessors, app.url_value_preprocessors),
            (self.template_context_processors, app.template_context_processors),
        ):
            for scope, funcs in registry.items():
                key = name if scope is None else f"{name}.{scope}"
                target[key].extend(funcs)

    def _add_template_item(
        self, kind: str, f: Callable[..., Any], name: str | None
    ) -> None:
        # Templates are the app's: a blueprint's filters are app-wide.
        self.record_once(lambda s: s.app._add_template_item(kind, f, name))

    # -- app-wide variants ---------------------------------------------------

    app_template_filter = Scaffold.template_filter
    app_template_test = Scaffold.template_test
    app_template_global = Scaffold.template_global
    add_app_template_filter = Scaffold.add_template_filter
    add_app_template_test = Scaffold.add_template_test
    add_app_template_global = Scaffold.add_template_global

    def _app_wide(self, register: Callable[[Kolben], Callable[[F], Any]], f: F) -> F:
        self.record_once(lambda s: register(s.app)(f))
        return f

    @setupmethod
    def before_app_request(self, f: T_before_request) -> T_before_request:
        """Like ``before_request``, for every request of the app."""
        return self._app_wide(lambda app: app.before_request, f)

    @setupmethod
    def after_app_request(self, f: T_after_request) -> T_after_request:
        """Like ``after_request``, for every request of the app."""
        return self._app_wide(lambda app: app.after_request, f)

    @setupmethod
    def teardown_app_request(self, f: T_teardown) -> T_teardown:
        """Like ``teardown_request``, for every request of the app."""
        return self._app_wide(lambda app: app.teardown_request, f)

    @setupmethod
    def app_context_processor(
        self, f: T_template_context_processor
    ) -> T_template_context_processor:
        """Like ``context_processor``, for every template of the app."""
        return self._app_wide(lambda app: app.context_processor, f)

    @setupmethod
    def app_url_defaults(self, f: T_url_defaults) -> T_url_defaults:
        """Like ``url_defaults``, for every endpoint of the app."""
        return self._app_wide(lambda app: app.url_defaults, f)

    @setupmethod
    def app_url_value_preprocessor(
        self, f: T_url_value_preprocessor
    ) -> T_url_value_preprocessor:
        """Like ``url_value_preprocessor``, for every request of the app."""
        return self._app_wide(lambda app: app.url_value_preprocessor, f)

    @setupmethod
    def app_errorhandler(
        self, code: type[BaseException] | int
    ) -> Callable[[T_error_handler], T_error_handler]:
        """Like ``errorhandler``, for errors anywhere in the app.

        Example::

            @bp.app_errorhandler(404)
            def not_found(e):
                return "nothing here", 404

        :param code: A status code or an exception class.
        """

        def decorator(f: T_error_handler) -> T_error_handler:
            def register(state: BlueprintSetupState) -> None:
                state.app.register_error_handler(code, f)

            self.record_once(register)
            return f

        return decorator


def _nested_options(
    state: BlueprintSetupState, blueprint: Blueprint, options: dict[str, Any]
) -> dict[str, Any]:
    """Combine a nested blueprint's options with its parent's registration."""
    options = dict(options)
    url_prefix = options.get("url_prefix")
    if url_prefix is None:
        url_prefix = blueprint.url_prefix
    if state.url_prefix is not None and url_prefix is not None:
        url_prefix = f"{state.url_prefix.rstrip('/')}/{url_prefix.lstrip('/')}"
    elif url_prefix is None:
        url_prefix = state.url_prefix
    options["url_prefix"] = url_prefix
    subdomain = options.get("subdomain")
    if subdomain is None:
        subdomain = blueprint.subdomain
    if state.subdomain is not None and subdomain is not None:
        subdomain = f"{subdomain}.{state.subdomain}"
    elif subdomain is None:
        subdomain = state.subdomain
    options["subdomain"] = subdomain
    options["name_prefix"] = state.full_name
    return options
