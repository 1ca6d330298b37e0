"""Make ``import flask`` resolve to kolben, for Flask extensions and Flask code.

Call :func:`install` once, before anything imports Flask or a Flask
extension::

    import kolben.compat.flask
    kolben.compat.flask.install()

    from flask import Flask          # kolben.Kolben
    from flask_login import LoginManager

Every module a Flask extension imports (``flask``, ``flask.globals``,
``flask.json.provider``, ``flask.sansio.app`` ...) is then a thin module that
answers each name with kolben's object of that name, plus Flask's spellings
of kolben's own names (``Flask``, ``FlaskClient``, ``FlaskGroup`` ...). Where
Werkzeug is installed, its exceptions and data structures are bridged to
kolben's too (see :mod:`kolben.compat._werkzeug`).
"""

from __future__ import annotations

import importlib
import sys
from importlib.machinery import ModuleSpec
from types import ModuleType
from typing import Any

__all__ = ["FLASK_VERSION", "install", "is_installed"]

#: What ``flask.__version__`` says: the Flask release whose API kolben follows,
#: so that an extension's version check takes kolben for a Flask it supports.
FLASK_VERSION = "3.1.3"

#: Each module of Flask that extensions import: the kolben modules that answer
#: its names, in order, and the names spelt differently ("module:attribute").
_MODULES: dict[str, tuple[tuple[str, ...], dict[str, str]]] = {
    "flask": (("kolben", "kolben.signals"), {"Flask": "kolben.app:Kolben"}),
    "flask.app": (("kolben.app",), {"Flask": "kolben.app:Kolben"}),
    "flask.blueprints": (("kolben.blueprints",), {}),
    "flask.cli": (("kolben.cli",), {"FlaskGroup": "kolben.cli:KolbenGroup"}),
    "flask.config": (("kolben.config",), {}),
    "flask.ctx": (("kolben.ctx",), {}),
    "flask.debughelpers": (("kolben.debughelpers",), {}),
    "flask.globals": (("kolben.globals",), {}),
    "flask.helpers": (("kolben.helpers",), {}),
    "flask.json": (("kolben.json",), {}),
    "flask.json.provider": (("kolben.json.provider",), {}),
    "flask.json.tag": (("kolben.json.tag",), {}),
    "flask.logging": (("kolben.logging",), {}),
    "flask.sansio": ((), {}),
    "flask.sansio.app": (("kolben.app",), {"App": "kolben.app:Kolben"}),
    "flask.sansio.blueprints": (("kolben.blueprints",), {}),
    "flask.sansio.scaffold": (("kolben._scaffold",), {}),
    "flask.sessions": (("kolben.sessions",), {}),
    "flask.signals": (("kolben.signals",), {}),
    "flask.templating": (("kolben.templating",), {}),
    "flask.testing": (
        ("kolben.testing",),
        {
            "FlaskClient": "kolben.testing:KolbenClient",
            "FlaskCliRunner": "kolben.testing:KolbenCliRunner",
        },
    ),
    "flask.typing": (("kolben.typing",), {}),
    "flask.views": (("kolben.views",), {}),
    "flask.wrappers": (("kolben.wrappers",), {}),
}

_PACKAGES = {name.rpartition(".")[0] for name in _MODULES if "." in name}


class FlaskModule(ModuleType):
    """A module standing in for one of Flask's, answering with kolben's names.

    A name is looked up on first use, in the kolben modules the Flask module
    maps to, and kept on the module after that: nothing of kolben is imported
    until an extension asks for it (``flask.cli`` would import click).

    :param name: the Flask module's name, e.g. ``"flask.globals"``.
    :param sources: the kolben modules that answer its names, in order.
    :param renamed: Flask's spellings of kolben's names, as
        ``{"FlaskClient": "kolben.testing:KolbenClient"}``.
    """

    def __init__(
        self, name: str, sources: tuple[str, ...], renamed: dict[str, str]
    ) -> None:
        super().__init__(name, f"Flask's {name}, answered by kolben.")
        self._kolben_sources = sources
        self._kolben_renamed = renamed
        is_package = name == "flask" or name in _PACKAGES
        self.__spec__ = ModuleSpec(name, None, is_package=is_package)
        if is_package:
            self.__path__: list[str] = []

    def __getattr__(self, name: str) -> Any:
        """Return kolben's object for the Flask name ``name``."""
        if name.startswith("__"):
            raise AttributeError(name)
        value = self._kolben_lookup(name)
        # PERF: extensions read ``flask.request`` and the like per request.
        setattr(self, name, value)
        return value

    def _kolben_lookup(self, name: str) -> Any:
        target = self._kolben_renamed.get(name)
        if target is not None:
            module, _, attr = target.partition(":")
            return getattr(importlib.import_module(module), attr)
        for source in self._kolben_sources:
            try:
                return getattr(importlib.import_module(source), name)
            except AttributeError:
                continue
        raise AttributeError(
            f"module {self.__name__!r} has no attribute {name!r}: kolben has no"
            f" counterpart of Flask's {self.__name__}.{name} (kolben.compat.flask"
            " maps Flask's names to kolben's; see docs/flask-compat.md)."
        )


def is_installed() -> bool:
    """Return whether :func:`install` has made ``flask`` resolve to kolben."""
    return isinstance(sys.modules.get("flask"), FlaskModule)


def install() -> None:
    """Make ``import flask`` and its submodules resolve to kolben.

    Call it before anything imports Flask or a Flask extension. Calling it
    again does nothing. Where Werkzeug is installed, its HTTP exceptions,
    ``FileStorage``, ``MultiDict`` and ``Headers`` are bridged to kolben's.

    :raises RuntimeError: if the real Flask is already imported; two Flasks in
        one process would leave extensions holding the wrong one.
    """
    if is_installed():
        return
    imported = sorted(n for n in sys.modules if n == "flask" or n[:6] == "flask.")
    if imported:
        raise RuntimeError(
            "kolben.compat.flask.install() must run before anything imports"
            f" Flask, but {', '.join(imported)} is already imported (the real"
            " Flask). Call install() first thing in your program, or uninstall"
            " Flask from this environment."
        )
    modules = {name: FlaskModule(name, *spec) for name, spec in _MODULES.items()}
    setattr(modules["flask"], "__version__", FLASK_VERSION)  # noqa: B010
    for name, module in modules.items():
        parent, _, child = name.rpartition(".")
        if parent:
            setattr(modules[parent], child, module)
    _bridge_werkzeug()
    # The top-level module goes in last: it is what is_installed() checks.
    sys.modules.update((n, m) for n, m in modules.items() if n != "flask")
    sys.modules["flask"] = modules["flask"]


def _bridge_werkzeug() -> None:
    try:
        import werkzeug  # noqa: F401
    except ImportError:
        # No Werkzeug, so no extension can raise or check its classes.
        return
    from . import _werkzeug

    _werkzeug.install()
