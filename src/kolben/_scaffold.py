"""The registration machinery that the app and blueprints share.

Functions are stored by scope: ``None`` is the app (or the blueprint itself
before it is registered); an app also keys them by blueprint name once a
blueprint is registered, which is how blueprint-scoped hooks find their requests.
"""

from __future__ import annotations

import functools
import importlib.util
import os
import pathlib
import sys
from collections import defaultdict
from collections.abc import Callable
from datetime import timedelta
from typing import IO, TYPE_CHECKING, Any, TypeVar

from . import typing as ft
from ._internal import lazy
from ._websocket_scaffold import WebSocketScaffold
from .http.exceptions import HTTPException, default_exceptions

if TYPE_CHECKING:
    from jinja2 import BaseLoader

    from .response import Response

F = TypeVar("F", bound=Callable[..., Any])
# The decorators hand back what they decorate, typed as what each one takes.
# A route takes any callable, not only Flask's RouteCallable: a typed view
# (kolben.api) returns its response model, which the battery converts.
T_route = TypeVar("T_route", bound=Callable[..., Any])
T_before_request = TypeVar("T_before_request", bound=ft.BeforeRequestCallable)
T_after_request = TypeVar("T_after_request", bound=ft.AfterRequestCallable)
T_teardown = TypeVar("T_teardown", bound=ft.TeardownCallable)
T_url_defaults = TypeVar("T_url_defaults", bound=ft.URLDefaultCallable)
T_url_value_preprocessor = TypeVar(
    "T_url_value_preprocessor", bound=ft.URLValuePreprocessorCallable
)
T_template_context_processor = TypeVar(
    "T_template_context_processor", bound=ft.TemplateContextProcessorCallable
)
T_error_handler = TypeVar("T_error_handler", bound=ft.ErrorHandlerCallable)
Scope = str | None
ErrorHandler = Callable[[Any], Any]


def setupmethod(f: F) -> F:
    """Refuse to run a registration method once the app has served a request."""

    def wrapper(self: Scaffold, *args: Any, **kwargs: Any) -> Any:
        self._check_setup_finished(f.__name__)
        return f(self, *args, **kwargs)

    return functools.update_wrapper(wrapper, f)  # type: ignore[return-value]


def get_root_path(import_name: str) -> str:
    """Return the folder of the module or package ``import_name``."""
    mod = sys.modules.get(import_name)
    filename = getattr(mod, "__file__", None) if mod is not None else None
    if filename:
        return os.path.dirname(os.path.abspath(str(filename)))
    try:
        spec = importlib.util.find_spec(import_name)
    except (ImportError, ValueError):
        spec = None
    if spec is None or not spec.origin or spec.origin in ("built-in", "frozen"):
        return os.getcwd()
    return os.path.dirname(os.path.abspath(spec.origin))


def _package_path(import_name: str) -> str:
    """Return the folder that holds the top-level package of ``import_name``."""
    root_name = import_name.partition(".")[0]
    try:
        root_spec = importlib.util.find_spec(root_name)
    except (ImportError, ValueError):  # unknown, invalid, or __main__
        root_spec = None
    if root_spec is None:
        return os.getcwd()
    locations = root_spec.submodule_search_locations
    if not locations:  # a plain module
        return os.path.dirname(str(root_spec.origin))
    if root_spec.origin not in (None, "namespace"):  # a package's __init__.py
        return os.path.dirname(os.path.dirname(root_spec.origin))
    # A namespace package spans folders: take the one holding this module.
    spec = importlib.util.find_spec(import_name)
    location = locations[0]
    if spec is not None and spec.submodule_search_locations:
        inner = pathlib.Path(os.path.commonpath(list(spec.submodule_search_locations)))
        location = next(
            (entry for entry in locations if inner.is_relative_to(entry)), location
        )
    return os.path.dirname(location)


def find_package(import_name: str) -> tuple[str | None, str]:
    """Return the prefix a package is installed under and its import folder.

    The prefix is ``sys.prefix`` for a system install, or the environment
    that holds the ``site-packages`` folder it sits in; ``None`` when it is
    not installed (run from a checkout, say).

    :param import_name: the module's import name.
    """
    path = _package_path(import_name)
    prefix = os.path.abspath(sys.prefix)
    if pathlib.PurePath(path).is_relative_to(prefix):
        return prefix, path
    parent, folder = os.path.split(path)
    if folder.lower() != "site-packages":
        return None, path
    grandparent, name = os.path.split(parent)
    if name.lower() == "lib":  # Windows: <prefix>/Lib/site-packages
        return grandparent, path
    if os.path.basename(grandparent).lower() == "lib":  # <prefix>/lib/pythonX.Y
        return os.path.dirname(grandparent), path
    return parent, path


class Scaffold(WebSocketScaffold):
    """Routes, hooks and error handlers, registered by decorators.

    :param import_name: the name of the module that creates the object,
        usually ``__name__``; it locates resources.
    :param root_path: the folder resources are found in; derived from
        ``import_name`` if not given.
    """

    name: str
    _static_folder: str | None = None
    _static_url_path: str | None = None
    #: The folder of templates, relative to ``root_path``.
    template_folder: str | os.PathLike[str] | None = None

    def __init__(self, import_name: str, root_path: str | None = None) -> None:
        self.import_name = import_name
        self.root_path = root_path or get_root_path(import_name)
        self.view_functions: dict[str, Callable[..., Any]] = {}
        self.before_request_funcs: dict[Scope, list[Callable[..., Any]]]
        self.before_request_funcs = defaultdict(list)
        self.after_request_funcs: dict[Scope, list[Callable[..., Any]]]
        self.after_request_funcs = defaultdict(list)
        self.teardown_request_funcs: dict[Scope, list[Callable[..., Any]]]
        self.teardown_request_funcs = defaultdict(list)
        self.url_value_preprocessors: dict[Scope, list[Callable[..., Any]]]
        self.url_value_preprocessors = defaultdict(list)
        self.url_default_functions: dict[Scope, list[Callable[..., Any]]]
        self.url_default_functions = defaultdict(list)
        self.template_context_processors: dict[Scope, list[Callable[..., Any]]]
        self.template_context_processors = defaultdict(list)
        self.error_handler_spec: dict[
            Scope, dict[int | None, dict[type[BaseException], ErrorHandler]]
        ] = defaultdict(lambda: defaultdict(dict))
        self._init_websocket_hooks()

    def _check_setup_finished(self, f_name: str) -> None:
        raise NotImplementedError

    # -- static files and templates ----------------------------------------------

    @property
    def static_folder(self) -> str | None:
        """The absolute path of the static folder, or ``None``.

        Set it relative to ``root_path``; a trailing slash is ignored.
        """
        if self._static_folder is None:
            return None
        return os.path.join(self.root_path, self._static_folder)

    @static_folder.setter
    def static_folder(self, value: str | os.PathLike[str] | None) -> None:
        if value is not None:
            value = os.fspath(value).rstrip("\\/")
        self._static_folder = value

    @property
    def static_url_path(self) -> str | None:
        """The URL prefix of static files: the static folder's name by default."""
        if self._static_url_path is not None:
            return self._static_url_path
        if self.static_folder is None:
            return None
        return f"/{os.path.basename(self.static_folder)}".rstrip("/")

    @static_url_path.setter
    def static_url_path(self, value: str | None) -> None:
        self._static_url_path = None if value is None else value.rstrip("/")

    @property
    def has_static_folder(self) -> bool:
        """Whether a static folder is set."""
        return self.static_folder is not None

    def get_send_file_max_age(self, filename: str | None) -> int | None:
        """Return how long browsers may cache a file, in seconds.

        ``send_file`` and static files ask this; it reads
        ``SEND_FILE_MAX_AGE_DEFAULT`` (``None``: browsers revalidate, with a
        conditional request). Override it to cache some files longer.

        Example::

            class App(Kolben):
                def get_send_file_max_age(self, filename):
                    if filename and filename.endswith(".woff2"):
                        return 31536000
                    return super().get_send_file_max_age(filename)

        :param filename: the file's path, or ``None`` for a file object.
        """
        from .globals import current_app

        value = current_app.config["SEND_FILE_MAX_AGE_DEFAULT"]
        if value is None:
            return None
        if isinstance(value, timedelta):
            return int(value.total_seconds())
        return int(value)

    def send_static_file(self, filename: str) -> Response:
        """Send a file from the static folder; the ``static`` endpoint's view.

        :param filename: the path inside the static folder.
        """
        from .files import send_from_directory

        if self.static_folder is None:
            raise RuntimeError("'static_folder' must be set to serve static_files.")
        max_age = self.get_send_file_max_age(filename)
        return send_from_directory(self.static_folder, filename, max_age=max_age)

    @lazy
    def jinja_loader(self) -> BaseLoader | None:
        """The loader of this object's own ``template_folder``, or ``None``."""
        if self.template_folder is None:
            return None
        from jinja2 import FileSystemLoader

        return FileSystemLoader(os.path.join(self.root_path, self.template_folder))

    def open_resource(
        self, resource: str, mode: str = "rb", encoding: str | None = "utf-8"
    ) -> IO[Any]:
        """Open a file relative to ``root_path`` for reading.

        Example::

            with app.open_resource("schema.sql") as f:
                db.executescript(f.read().decode())

        :param resource: the path relative to ``root_path``.
        :param mode: ``"rb"``, ``"r"`` or ``"rt"``.
        :param encoding: the text encoding in text mode.
        """
        if mode not in ("r", "rt", "rb"):
            raise ValueError("Resources can only be opened for reading.")
        path = os.path.join(self.root_path, resource)
        if mode == "rb":
            return open(path, mode)  # noqa: SIM115 - the caller closes it
        return open(path, mode, encoding=encoding)  # noqa: SIM115

    # -- routes ----------------------------------------------------------------

    def add_url_rule(
        self,
        rule: str,
        endpoint: str | None = None,
        view_func: Callable[..., Any] | None = None,
        provide_automatic_options: bool | None = None,
        **options: Any,
    ) -> None:
        """Register a URL rule; the ``route`` decorator calls this."""
        raise NotImplementedError

    def route(self, rule: str, **options: Any) -> Callable[[T_route], T_route]:
        """Register the decorated function as the view for ``rule``.

        Example::

            @app.route("/users/<int:user_id>", methods=["GET", "POST"])
            def user(user_id):
                ...

        :param rule: the URL rule, with ``<converter:name>`` variables.
        :param options: ``methods``, ``endpoint``, ``defaults``, ``strict_slashes``,
            ``host``, ``subdomain`` and the other ``add_url_rule`` options.
        """

        def decorator(f: T_route) -> T_route:
            endpoint = options.pop("endpoint", None)
            self.add_url_rule(rule, endpoint, f, **options)
            return f

        return decorator

    def _method_route(self, method: str, rule: str, options: dict[str, Any]) -> Any:
        if "methods" in options:
            raise TypeError("Use the 'route' decorator to use the 'methods' argument.")
        return self.route(rule, methods=[method], **options)

    def get(self, rule: str, **options: Any) -> Callable[[T_route], T_route]:
        """Register a GET view; shortcut for ``route(rule, methods=["GET"])``."""
        return self._method_route("GET", rule, options)  # type: ignore[no-any-return]

    def post(self, rule: str, **options: Any) -> Callable[[T_route], T_route]:
        """Register a POST view; shortcut for ``route(rule, methods=["POST"])``."""
        return self._method_route("POST", rule, options)  # type: ignore[no-any-return]

    def put(self, rule: str, **options: Any) -> Callable[[T_route], T_route]:
        """Register a PUT view; shortcut for ``route(rule, methods=["PUT"])``."""
        return self._method_route("PUT", rule, options)  # type: ignore[no-any-return]

    def delete(self, rule: str, **options: Any) -> Callable[[T_route], T_route]:
        """Register a DELETE view; shortcut for ``route(rule, methods=["DELETE"])``."""
        return self._method_route("DELETE", rule, options)  # type: ignore[no-any-return]

    def patch(self, rule: str, **options: Any) -> Callable[[T_route], T_route]:
        """Register a PATCH view; shortcut for ``route(rule, methods=["PATCH"])``."""
        return self._method_route("PATCH", rule, options)  # type: ignore[no-any-return]

    @setupmethod
    def endpoint(self, endpoint: str) -> Callable[[F], F]:
        """Register the decorated function as the view for ``endpoint``.

        Example::

            app.add_url_rule("/", endpoint="index")

            @app.endpoint("index")
            def index():
                ...
        """

        def decorator(f: F) -> F:
            self.view_functions[endpoint] = f
            return f

        return decorator

    # -- hooks -----------------------------------------------------------------

    @setupmethod
    def before_request(self, f: T_before_request) -> T_before_request:
        """Run ``f`` before each request; a non-None return becomes the response.

        Example::

            @app.before_request
            def load_user():
                g.user = find_user(session.get("user_id"))
        """
        self.before_request_funcs[None].append(f)
        return f

    @setupmethod
    def after_request(self, f: T_after_request) -> T_after_request:
        """Run ``f`` with each response; it returns the response to send.

        Example::

            @app.after_request
            def add_header(response):
                response.headers["X-Frame-Options"] = "DENY"
                return response
        """
        self.after_request_funcs[None].append(f)
        return f

    @setupmethod
    def teardown_request(self, f: T_teardown) -> T_teardown:
        """Run ``f(exc)`` when each request ends, even after an error.

        Example::

            @app.teardown_request
            def close_db(exc):
                g.pop("db", None) and g.db.close()
        """
        self.teardown_request_funcs[None].append(f)
        return f

    @setupmethod
    def url_value_preprocessor(
        self, f: T_url_value_preprocessor
    ) -> T_url_value_preprocessor:
        """Run ``f(endpoint, values)`` before the view to pop URL values.

        Example::

            @bp.url_value_preprocessor
            def pull_lang(endpoint, values):
                g.lang = values.pop("lang")
        """
        self.url_value_preprocessors[None].append(f)
        return f

    @setupmethod
    def url_defaults(self, f: T_url_defaults) -> T_url_defaults:
        """Run ``f(endpoint, values)`` in ``url_for`` to fill in values.

        Example::

            @bp.url_defaults
            def add_lang(endpoint, values):
                values.setdefault("lang", g.lang)
        """
        self.url_default_functions[None].append(f)
        return f

    @setupmethod
    def context_processor(
        self, f: T_template_context_processor
    ) -> T_template_context_processor:
        """Register ``f``; the dict it returns is added to every template context.

        Example::

            @app.context_processor
            def inject_user():
                return {"user": g.user}
        """
        self.template_context_processors[None].append(f)
        return f

    # -- templates -------------------------------------------------------------

    def _add_template_item(
        self, kind: str, f: Callable[..., Any], name: str | None
    ) -> None:
        raise NotImplementedError

    def _template_decorator(self, kind: str, name: Any) -> Any:
        if callable(name):  # used without parentheses
            self._add_template_item(kind, name, None)
            return name

        def decorator(f: F) -> F:
            self._add_template_item(kind, f, name)
            return f

        return decorator

    @setupmethod
    def template_filter(self, name: Any = None) -> Any:
        """Register the decorated function as a Jinja filter.

        Example::

            @app.template_filter("reverse")
            def reverse_filter(s):
                return s[::-1]

        :param name: the filter's name; the function's by default.
        """
        return self._template_decorator("filters", name)

    @setupmethod
    def template_test(self, name: Any = None) -> Any:
        """Register the decorated function as a Jinja test (``{% if x is prime %}``).

        :param name: the test's name; the function's by default.
        """
        return self._template_decorator("tests", name)

    @setupmethod
    def template_global(self, name: Any = None) -> Any:
        """Make the decorated function a global in every template.

        :param name: the global's name; the function's by default.
        """
        return self._template_decorator("globals", name)

    @setupmethod
    def add_template_filter(
        self, f: Callable[..., Any], name: str | None = None
    ) -> None:
        """Register ``f`` as a Jinja filter; the non-decorator form."""
        self._add_template_item("filters", f, name)

    @setupmethod
    def add_template_test(self, f: Callable[..., Any], name: str | None = None) -> None:
        """Register ``f`` as a Jinja test; the non-decorator form."""
        self._add_template_item("tests", f, name)

    @setupmethod
    def add_template_global(
        self, f: Callable[..., Any], name: str | None = None
    ) -> None:
        """Make ``f`` a template global; the non-decorator form."""
        self._add_template_item("globals", f, name)

    # -- errors ----------------------------------------------------------------

    @setupmethod
    def errorhandler(
        self, code_or_exception: type[BaseException] | int
    ) -> Callable[[T_error_handler], T_error_handler]:
        """Register the decorated function to handle an error.

        The most specific handler wins: a code, then the exception's class and
        its bases in order.

        Example::

            @app.errorhandler(404)
            def not_found(e):
                return render_template("404.html"), 404

        :param code_or_exception: a status code or an exception class.
        """

        def decorator(f: T_error_handler) -> T_error_handler:
            self.register_error_handler(code_or_exception, f)
            return f

        return decorator

    @setupmethod
    def register_error_handler(
        self, code_or_exception: type[BaseException] | int, f: ErrorHandler
    ) -> None:
        """Register ``f`` for an error; the non-decorator form of ``errorhandler``."""
        exc_class, code = self._get_exc_class_and_code(code_or_exception)
        self.error_handler_spec[None][code][exc_class] = f

    @staticmethod
    def _get_exc_class_and_code(
        exc_class_or_code: type[BaseException] | int,
    ) -> tuple[type[BaseException], int | None]:
        if isinstance(exc_class_or_code, int):
            try:
                exc_class: type[BaseException] = default_exceptions[exc_class_or_code]
            except KeyError:
                raise ValueError(
                    f"'{exc_class_or_code}' is not a recognized HTTP error code. Use"
                    " a subclass of HTTPException with that code instead."
                ) from None
        else:
            exc_class = exc_class_or_code
        if isinstance(exc_class, Exception):
            raise TypeError(
                f"{exc_class!r} is an instance, not a class. Handlers can only be"
                " registered for Exception classes or HTTP error codes."
            )
        if not issubclass(exc_class, Exception):
            raise ValueError(
                f"'{exc_class.__name__}' is not a subclass of Exception. Handlers"
                " can only be registered for Exception classes or HTTP error codes."
            )
        if issubclass(exc_class, HTTPException):
            return exc_class, exc_class.code
        return exc_class, None
