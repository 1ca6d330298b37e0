"""The app's configuration: a dict with Flask's loading helpers."""

from __future__ import annotations

import errno
import importlib
import json
import os
import types
from collections.abc import Callable, Mapping
from datetime import timedelta
from typing import Any

from ._envvars import FLASK_PREFIX, KOLBEN_PREFIX, notice_flask_name

DEFAULT_CONFIG: dict[str, Any] = {
    "DEBUG": False,
    "TESTING": False,
    "PROPAGATE_EXCEPTIONS": None,
    "SECRET_KEY": None,
    "SECRET_KEY_FALLBACKS": None,
    "PERMANENT_SESSION_LIFETIME": timedelta(days=31),
    "USE_X_SENDFILE": False,
    "TRUSTED_HOSTS": None,
    "SERVER_NAME": None,
    "APPLICATION_ROOT": "/",
    "SESSION_COOKIE_NAME": "session",
    "SESSION_COOKIE_DOMAIN": None,
    "SESSION_COOKIE_PATH": None,
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SECURE": False,
    "SESSION_COOKIE_PARTITIONED": False,
    "SESSION_COOKIE_SAMESITE": None,
    "SESSION_REFRESH_EACH_REQUEST": True,
    "MAX_CONTENT_LENGTH": None,
    "MAX_FORM_MEMORY_SIZE": 500_000,
    "MAX_FORM_PARTS": 1_000,
    "MAX_JSON_DEPTH": 100,
    "SEND_FILE_MAX_AGE_DEFAULT": None,
    "TRAP_BAD_REQUEST_ERRORS": None,
    "TRAP_HTTP_EXCEPTIONS": False,
    "EXPLAIN_TEMPLATE_LOADING": False,
    "PREFERRED_URL_SCHEME": "http",
    "TEMPLATES_AUTO_RELOAD": None,
    "MAX_COOKIE_SIZE": 4093,
    "PROVIDE_AUTOMATIC_OPTIONS": True,
    # kolben: networks besides loopback that may see the debug page.
    "DEBUG_ALLOWED_CLIENTS": (),
    # kolben: threads that run sync views and hooks under ASGI.
    "SYNC_THREADS": 40,
    # kolben: bodies larger than this are spooled to a temporary file under ASGI.
    "BODY_SPOOL_THRESHOLD": 1024 * 1024,
    # kolben: the header of request ids (request.id), and whether a trusted
    # proxy sets it (else every request gets a new one).
    "REQUEST_ID_HEADER": "X-Request-ID",
    "REQUEST_ID_TRUST_HEADER": False,
    # kolben: ProxyFix's arguments, applied under both protocols; None: off.
    "PROXY_FIX": None,
    # kolben: the largest WebSocket message a view receives; larger closes 1009.
    "WEBSOCKET_MAX_MESSAGE_SIZE": 1024 * 1024,
    # kolben: the origins whose pages may open WebSockets; None is the app's host.
    "WEBSOCKET_ALLOWED_ORIGINS": None,
    # kolben: seconds the server's shutdown waits for running background tasks.
    "BACKGROUND_TASK_SHUTDOWN_TIMEOUT": 5.0,
}


class Config(dict[str, Any]):
    """A dict of settings that can load from objects, files and mappings.

    Only upper-case keys are loaded from objects and files, so a config module
    can hold helpers and imports next to its settings.

    :param root_path: the folder relative file names are resolved against.
    :param defaults: initial values.
    """

    def __init__(self, root_path: str = ".", defaults: Mapping[str, Any] | None = None):
        """Take the folder relative paths start from, and initial settings."""
        super().__init__(defaults or {})
        self.root_path = root_path

    def from_object(self, obj: object | str) -> None:
        """Load the upper-case attributes of an object or an import string.

        :param obj: a module, class or instance, or ``"pkg.module:Object"`` /
            ``"pkg.module.Object"`` to import.
        """
        if isinstance(obj, str):
            obj = import_string(obj)
        for key in dir(obj):
            if key.isupper():
                self[key] = getattr(obj, key)

    def from_envvar(self, variable_name: str, silent: bool = False) -> bool:
        """Load the Python config file named by an environment variable.

        :param variable_name: the variable, e.g. ``"YOURAPP_SETTINGS"``.
        :param silent: return ``False`` instead of raising when it is unset
            or the file is missing.
        """
        filename = os.environ.get(variable_name)
        if not filename:
            if silent:
                return False
            raise RuntimeError(
                f"The environment variable {variable_name!r} is not set and as"
                " such configuration could not be loaded. Set this variable and"
                " make it point to a configuration file."
            )
        return self.from_pyfile(filename, silent=silent)

    def from_pyfile(
        self, filename: str | os.PathLike[str], silent: bool = False
    ) -> bool:
        """Load the upper-case names of a Python file, as ``from_object`` does.

        The file is the developer's own code and runs as a module would.

        :param filename: relative to ``root_path`` unless absolute.
        :param silent: return ``False`` instead of raising if it is missing.
        """
        path = os.path.join(self.root_path, filename)
        module = types.ModuleType("config")
        module.__file__ = path
        try:
            with open(path, "rb") as config_file:
                code = compile(config_file.read(), path, "exec")
        except OSError as e:
            if silent and e.errno in (errno.ENOENT, errno.EISDIR, errno.ENOTDIR):
                return False
            e.strerror = f"Unable to load configuration file ({e.strerror})"
            raise
        exec(code, module.__dict__)  # noqa: S102 - the developer's config file
        self.from_object(module)
        return True

    def from_file(
        self,
        filename: str | os.PathLike[str],
        load: Callable[[Any], Mapping[str, Any]],
        silent: bool = False,
        text: bool = True,
    ) -> bool:
        """Load a file with ``load`` (``json.load``, ``tomllib.load``, ...).

        Example::

            app.config.from_file("config.toml", load=tomllib.load, text=False)

        :param filename: relative to ``root_path`` unless absolute.
        :param load: reads the open file and returns a mapping.
        :param silent: return ``False`` instead of raising if it is missing.
        :param text: open in text mode; ``tomllib`` needs ``text=False``.
        """
        path = os.path.join(self.root_path, filename)
        try:
            with open(path, "r" if text else "rb") as f:
                obj = load(f)
        except OSError as e:
            if silent and e.errno in (errno.ENOENT, errno.EISDIR):
                return False
            e.strerror = f"Unable to load configuration file ({e.strerror})"
            raise
        return self.from_mapping(obj)

    def from_prefixed_env(
        self, prefix: str = "KOLBEN", *, loads: Callable[[str], Any] = json.loads
    ) -> bool:
        """Load environment variables that start with ``prefix + "_"``.

        Values are parsed with ``loads`` (JSON: ``"5"`` is an int, ``"true"``
        a bool) and kept as strings where that fails. A double underscore
        sets a nested key: ``KOLBEN_DB__HOST`` sets ``config["DB"]["HOST"]``.

        With the default prefix, ``FLASK_*`` variables are read too, so a
        deployment's ``FLASK_SECRET_KEY`` is not ignored: ``KOLBEN_X`` wins
        over ``FLASK_X``, and each Flask name used is noticed once on
        standard error. A custom prefix reads only its own variables.

        Example::

            app.config.from_prefixed_env()  # KOLBEN_SECRET_KEY, FLASK_...

        :param prefix: the prefix, without the trailing underscore.
        :param loads: how values are parsed.
        """
        names = _prefixed_names(f"{prefix}_")
        if prefix == "KOLBEN":
            names = _prefixed_names(FLASK_PREFIX, shadowed_by=KOLBEN_PREFIX) + names
        for key, name in names:
            raw = os.environ[name]
            try:
                value = loads(raw)
            except Exception:
                value = raw
            *parents, tail = key.split("__")
            current: dict[str, Any] = self
            for part in parents:
                current = current.setdefault(part, {})
            current[tail] = value
        return True

    def from_mapping(
        self, mapping: Mapping[str, Any] | None = None, **kwargs: Any
    ) -> bool:
        """Load the upper-case keys of a mapping and keyword arguments."""
        mappings: dict[str, Any] = {}
        if mapping is not None:
            mappings.update(mapping)
        mappings.update(kwargs)
        for key, value in mappings.items():
            if key.isupper():
                self[key] = value
        return True

    def get_namespace(
        self, namespace: str, lowercase: bool = True, trim_namespace: bool = True
    ) -> dict[str, Any]:
        """Return the keys that start with ``namespace`` as a dict.

        :param namespace: the prefix, e.g. ``"IMAGE_STORE_"``.
        :param lowercase: lower-case the returned keys.
        :param trim_namespace: drop the prefix from the returned keys.
        """
        rv: dict[str, Any] = {}
        for key, value in self.items():
            if not key.startswith(namespace):
                continue
            name = key[len(namespace) :] if trim_namespace else key
            rv[name.lower() if lowercase else name] = value
        return rv

    def __repr__(self) -> str:
        """Return a representation for debugging."""
        return f"<{type(self).__name__} {dict.__repr__(self)}>"


def _prefixed_names(prefix: str, shadowed_by: str = "") -> list[tuple[str, str]]:
    """Return ``(key, variable)`` for each variable named ``prefix + key``.

    :param prefix: the prefix, with its trailing underscore.
    :param shadowed_by: leave out a key also set under this prefix; the
        variables left in are noticed as stand-ins for it.
    """
    found = []
    for name in sorted(os.environ):
        if not name.startswith(prefix):
            continue
        key = name[len(prefix) :]
        if shadowed_by:
            if shadowed_by + key in os.environ:
                continue
            notice_flask_name(name, shadowed_by + key)
        found.append((key, name))
    return found


def import_string(name: str) -> Any:
    """Import an object from ``"module:attr"`` or ``"module.attr"``.

    :param name: the dotted path.
    :raises ImportError: the module or attribute does not exist.
    """
    module_name, sep, attr = name.partition(":")
    if not sep:
        try:
            return importlib.import_module(name)
        except ImportError:
            module_name, _, attr = name.rpartition(".")
            if not module_name:
                raise
    module = importlib.import_module(module_name)
    try:
        return getattr(module, attr)
    except AttributeError as e:
        raise ImportError(f"Module {module_name!r} has no attribute {attr!r}.") from e
