"""Find the application that ``kolben --app`` or ``KOLBEN_APP`` names."""

from __future__ import annotations

import ast
import importlib
import inspect
import os
import re
import sys
import traceback
from collections.abc import Callable
from types import ModuleType, TracebackType
from typing import IO, Any, Literal, overload

import click
from click.core import ParameterSource

from ._envvars import adopt_flask_names, getenv, notice_flask_name
from .app import Kolben
from .helpers import get_debug_flag, get_load_dotenv

#: Module files tried, in order, when no application is named.
DEFAULT_FILES = ("wsgi.py", "app.py")
#: Attribute names tried, in order, in a module that names no application.
DEFAULT_NAMES = ("app", "application")
#: Factory names tried, in order, when a module holds no application.
FACTORY_NAMES = ("create_app", "make_app")

#: The names of the files loaded by :func:`load_dotenv`, weakest first:
#: ``.flaskenv`` is read for projects moving from Flask.
DOTENV_FILES = (".flaskenv", ".kolbenenv", ".env")

NOT_FOUND_MESSAGE = (
    "Could not locate a kolben application. Use the 'kolben --app' option,"
    " 'KOLBEN_APP' environment variable, or a 'wsgi.py' or 'app.py' file in the"
    " current directory."
)


class NoAppException(click.UsageError):
    """Raised when an application cannot be found or loaded.

    The command exits with status 2 and prints the message without a
    traceback; with ``KOLBEN_DEBUG`` set the traceback is printed as well.
    """

    def show(self, file: IO[Any] | None = None) -> None:
        """Print the error, and its traceback in debug mode.

        :param file: the stream to print to; standard error by default.
        """
        if get_debug_flag():
            click.echo("".join(traceback.format_exception(self)), file=file, err=True)
        super().show(file)


def split_import_path(import_path: str) -> tuple[str, str | None]:
    r"""Split ``path:name`` into the path and the name (or ``None``).

    A colon followed by a slash or backslash belongs to a Windows drive
    (``C:\apps\hello.py``), so it does not split.

    :param import_path: the value of ``--app`` or ``KOLBEN_APP``.
    """
    parts = re.split(r":(?![\\/])", import_path, maxsplit=1)
    return parts[0], (parts[1] if len(parts) > 1 and parts[1] else None)


def prepare_import(path: str) -> str:
    """Make the module at ``path`` importable and return its dotted name.

    ``path`` is a file (``examples/hello.py``), a folder (``examples/blog``)
    or a module name (``hello``, ``pkg.module``). The folder above the
    outermost package is put first on ``sys.path``.

    :param path: the module part of ``--app``.
    """
    path = os.path.realpath(path)
    stem, ext = os.path.splitext(path)
    if ext == ".py":
        path = stem
    if os.path.basename(path) == "__init__":
        path = os.path.dirname(path)
    parts: list[str] = []
    # Walk up while the folder is a package, so ``pkg/sub/mod.py`` imports
    # as ``pkg.sub.mod`` and its relative imports work.
    while True:
        path, name = os.path.split(path)
        parts.append(name)
        if not os.path.isfile(os.path.join(path, "__init__.py")):
            break
    if not sys.path or sys.path[0] != path:
        sys.path.insert(0, path)
    return ".".join(reversed(parts))


def _import(module_name: str) -> ModuleType:
    """Import ``module_name``; tell a missing module from the user's bug."""
    importlib.invalidate_caches()
    try:
        return importlib.import_module(module_name)
    except ModuleNotFoundError as e:
        missing = e.name or ""
        if module_name == missing or module_name.startswith(missing + "."):
            raise NoAppException(
                f"Could not import {module_name!r}: no such module or file."
                f" Check the spelling and that you run 'kolben' from the folder"
                f" that contains it.{_cwd_hint()}"
            ) from e
        raise _import_failed(module_name) from e
    except ImportError as e:
        raise _import_failed(module_name) from e


def _cwd_hint() -> str:
    return f" (The current directory is {os.getcwd()!r}.)"


def _import_failed(module_name: str) -> NoAppException:
    """Wrap an ImportError raised inside the user's module with its traceback."""
    return NoAppException(
        f"While importing {module_name!r}, an ImportError was raised:\n\n"
        f"{traceback.format_exc()}"
    )


@overload
def locate_app(
    module_name: str, app_name: str | None, raise_if_not_found: Literal[True] = True
) -> Kolben: ...


@overload
def locate_app(
    module_name: str, app_name: str | None, raise_if_not_found: bool = ...
) -> Kolben | None: ...


def locate_app(
    module_name: str, app_name: str | None, raise_if_not_found: bool = True
) -> Kolben | None:
    """Import ``module_name`` and find the application in it.

    :param module_name: the dotted module name.
    :param app_name: an attribute name or factory call, or ``None`` to search.
    :param raise_if_not_found: raise :class:`NoAppException` rather than
        return ``None`` when the module does not exist.
    """
    try:
        module = _import(module_name)
    except NoAppException as e:
        cause = e.__cause__
        if raise_if_not_found or not isinstance(cause, ModuleNotFoundError):
            raise
        if cause.name != module_name:
            raise
        return None
    if app_name is None:
        return find_best_app(module)
    return find_app_by_string(module, app_name)


def find_best_app(module: ModuleType) -> Kolben:
    """Return the application in a module that does not name one.

    Tried in order: an attribute ``app`` or ``application``, the only
    Kolben instance in the module, a factory ``create_app`` or ``make_app``
    called without arguments.

    :param module: the imported module.
    """
    for name in DEFAULT_NAMES:
        found = getattr(module, name, None)
        if isinstance(found, Kolben):
            return found
    apps = [v for v in vars(module).values() if isinstance(v, Kolben)]
    if len(apps) == 1:
        return apps[0]
    if len(apps) > 1:
        raise NoAppException(
            f"Detected multiple kolben applications in module {module.__name__!r}."
            f" Use '{module.__name__}:name' to say which one to use."
        )
    for name in FACTORY_NAMES:
        factory = getattr(module, name, None)
        if inspect.isfunction(factory):
            return _call_factory(module, name, factory, (), {})
    raise NoAppException(
        f"Failed to find a kolben application or factory in module"
        f" {module.__name__!r}. Tried the attributes {', '.join(DEFAULT_NAMES)},"
        f" any single Kolben instance, and the factories"
        f" {', '.join(FACTORY_NAMES)}. Use '{module.__name__}:name' to say"
        f" which one to use."
    )


def _parse_app_name(app_name: str) -> tuple[str, list[Any], dict[str, Any]]:
    """Parse ``name`` or ``factory(args)`` into the name and the arguments."""
    try:
        expr = ast.parse(app_name.strip(), mode="eval").body
    except SyntaxError:
        raise NoAppException(
            f"Failed to parse {app_name!r} as an attribute name or function call."
        ) from None
    if isinstance(expr, ast.Name):
        return expr.id, [], {}
    if not isinstance(expr, ast.Call) or not isinstance(expr.func, ast.Name):
        raise NoAppException(
            f"Failed to parse {app_name!r} as an attribute name or function call."
        )
    try:
        # SECURITY: arguments are literals only; an --app value never runs
        # arbitrary code, so it is never passed to eval().
        args = [ast.literal_eval(arg) for arg in expr.args]
        kwargs = {kw.arg: ast.literal_eval(kw.value) for kw in expr.keywords if kw.arg}
    except ValueError:
        raise NoAppException(
            f"Failed to parse the arguments of {expr.func.id!r} in {app_name!r}:"
            " only literal values (strings, numbers, lists, dicts, ...) are"
            " allowed."
        ) from None
    if len(kwargs) != len(expr.keywords):
        raise NoAppException(f"'**' arguments are not supported in {app_name!r}.")
    return expr.func.id, args, kwargs


def find_app_by_string(module: ModuleType, app_name: str) -> Kolben:
    """Return the application ``app_name`` names in ``module``.

    :param module: the imported module.
    :param app_name: an attribute name (``app``) or a factory call with
        literal arguments (``create_app('dev', debug=True)``).
    """
    name, args, kwargs = _parse_app_name(app_name)
    try:
        found = getattr(module, name)
    except AttributeError:
        raise NoAppException(
            f"Failed to find attribute {name!r} in {module.__name__!r}."
        ) from None
    if inspect.isfunction(found):
        found = _call_factory(module, name, found, args, kwargs)
    elif args or kwargs:
        raise NoAppException(
            f"{name!r} in {module.__name__!r} is not a function, so it cannot be"
            " called with arguments."
        )
    if isinstance(found, Kolben):
        return found
    raise NoAppException(
        f"A valid kolben application was not obtained from"
        f" '{module.__name__}:{app_name}'."
    )


def _call_factory(
    module: ModuleType,
    name: str,
    factory: Any,
    args: list[Any] | tuple[()],
    kwargs: dict[str, Any],
) -> Kolben:
    """Call an application factory; explain a call with the wrong arguments."""
    try:
        app = factory(*args, **kwargs)
    except TypeError as e:
        if not _called_with_wrong_args(factory, e.__traceback__):
            raise
        raise NoAppException(
            f"Detected factory '{name}' in module {module.__name__!r}, but could"
            f" not call it with these arguments: {e}. Use"
            f" '{module.__name__}:{name}(args)' to pass the arguments it needs."
        ) from e
    if not isinstance(app, Kolben):
        raise NoAppException(
            f"The factory '{name}' in module {module.__name__!r} returned"
            f" {type(app).__name__}, not a kolben application."
        )
    return app


def _called_with_wrong_args(f: Any, tb: TracebackType | None) -> bool:
    """Tell a TypeError from the call itself from one raised inside ``f``."""
    # The first frame is ours; a frame of ``f`` past it means the error was
    # raised while ``f`` ran, so it is the user's bug, not a bad call.
    tb = tb.tb_next if tb is not None else None
    while tb is not None:
        if tb.tb_frame.f_code is f.__code__:
            return False
        tb = tb.tb_next
    return True


def load_app(import_path: str | None) -> Kolben:
    """Return the application ``import_path`` names, or the one found here.

    :param import_path: ``module``, ``module:name``, ``module:factory(args)``
        or a path to a file or package, optionally with ``:name``; ``None``
        tries ``wsgi.py`` and ``app.py`` in the current directory.
    """
    if import_path:
        path, name = split_import_path(import_path)
        return locate_app(prepare_import(path), name)
    for filename in DEFAULT_FILES:
        if not os.path.isfile(filename):
            continue
        app = locate_app(prepare_import(filename), None, raise_if_not_found=False)
        if app is not None:
            return app
    raise NoAppException(NOT_FOUND_MESSAGE + _cwd_hint())


def load_dotenv(
    path: str | os.PathLike[str] | None = None, load_defaults: bool = True
) -> bool:
    """Load ``.kolbenenv`` and ``.env`` (searched upwards), then ``path``.

    Variables already in the environment are never overwritten; ``.env``
    wins over ``.kolbenenv``, which wins over a ``.flaskenv`` left from
    Flask, and ``path`` wins over all of them. The ``flask`` command's
    settings (``FLASK_APP``, ``FLASK_DEBUG``, ``FLASK_RUN_*``, ...) are then
    copied to their unset ``KOLBEN_`` names. Returns whether any variable
    was found. Without python-dotenv installed nothing is loaded, and a tip
    is printed if such files are present.

    :param path: an extra file to load, as given to ``--env-file``.
    :param load_defaults: load ``.kolbenenv``, ``.env`` and ``.flaskenv`` too.
    """
    try:
        import dotenv
    except ImportError:
        if path or any(os.path.isfile(name) for name in DOTENV_FILES):
            click.secho(
                " * Tip: There are .env files present. Install python-dotenv"
                " to use them.",
                fg="yellow",
                err=True,
            )
        return False
    data: dict[str, str | None] = {}
    for name in DOTENV_FILES if load_defaults else ():
        found = dotenv.find_dotenv(name, usecwd=True)
        if found:
            if name == ".flaskenv":
                notice_flask_name(".flaskenv", ".kolbenenv")
            data.update(dotenv.dotenv_values(found, encoding="utf-8"))
    if path is not None and os.path.isfile(path):
        data.update(dotenv.dotenv_values(path, encoding="utf-8"))
    for key, value in data.items():
        if value is not None and key not in os.environ:
            os.environ[key] = value
    adopt_flask_names()
    return bool(data)


class ScriptInfo:
    """Loads the application for the ``kolben`` command, once.

    Commands get it with ``click.pass_obj`` or ``ctx.ensure_object``.

    :param app_import_path: the value of ``--app``; ``None`` searches the
        current directory for ``wsgi.py`` or ``app.py``.
    :param create_app: a function that returns the application; it takes
        precedence over ``app_import_path``.
    :param set_debug_flag: apply ``KOLBEN_DEBUG`` (``--debug``) to the
        loaded application.
    :param load_dotenv_defaults: load ``.env`` and ``.kolbenenv``; false
        when ``KOLBEN_SKIP_DOTENV`` is set, whatever is passed.
    """

    def __init__(
        self,
        app_import_path: str | None = None,
        create_app: Callable[..., Kolben] | None = None,
        set_debug_flag: bool = True,
        load_dotenv_defaults: bool = True,
    ) -> None:
        self.app_import_path = app_import_path
        self.create_app = create_app
        self.set_debug_flag = set_debug_flag
        #: Whether the default env files are to be loaded; read by the
        #: ``--env-file`` option, which does the loading.
        self.load_dotenv_defaults = get_load_dotenv(load_dotenv_defaults)
        #: Free for commands to share data on.
        self.data: dict[Any, Any] = {}
        self._loaded_app: Kolben | None = None

    def load_app(self) -> Kolben:
        """Return the application, loading it on the first call."""
        if self._loaded_app is not None:
            return self._loaded_app
        if self.create_app is not None:
            app = self.create_app()
            if not isinstance(app, Kolben):
                raise NoAppException(
                    f"The create_app function returned {type(app).__name__},"
                    " not a kolben application."
                )
        else:
            app = load_app(self.app_import_path)
        if self.set_debug_flag and getenv("DEBUG") is not None:
            app.debug = get_debug_flag()
        self._loaded_app = app
        return app

    def reload_env(self) -> dict[str, str] | None:
        """Return how a reloader worker finds the same app, or ``None``."""
        target = self.app_import_path
        factory = self.create_app
        if factory is not None:
            module = getattr(factory, "__module__", "__main__")
            qualname = getattr(factory, "__qualname__", "<lambda>")
            if module == "__main__" or not qualname.isidentifier():
                return None
            target = f"{module}:{qualname}()"
        env = {"KOLBEN_DEBUG": "1" if get_debug_flag() else "0"}
        env["KOLBEN_RUN_DIR"] = os.getcwd()
        if target:
            env["KOLBEN_APP"] = target
        else:
            # Discovery in the current directory; drop a stale value.
            os.environ.pop("KOLBEN_APP", None)
        return env


pass_script_info = click.make_pass_decorator(ScriptInfo, ensure=True)


def _set_debug(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    source = ctx.get_parameter_source(param.name or "debug")
    if source in (None, ParameterSource.DEFAULT, ParameterSource.DEFAULT_MAP):
        return
    # The environment carries the flag to the reloader's worker processes
    # and to ``app.run()``, and ScriptInfo applies it to the loaded app.
    os.environ["KOLBEN_DEBUG"] = "1" if value else "0"
