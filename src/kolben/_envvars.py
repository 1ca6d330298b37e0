"""kolben's environment variables, with their Flask spellings as fallbacks.

A project moving from Flask keeps ``FLASK_APP=app:create_app()`` in its
``.env`` file and ``FLASK_SECRET_KEY`` in its deployment. kolben reads each
``KOLBEN_`` name first and its ``FLASK_`` twin after it, and says once per
process which Flask name it used, so the rename is easy to finish.

No click here: ``Config.from_prefixed_env`` and ``get_debug_flag`` use this
module on every app start, and ``import kolben`` must stay cheap.
"""

from __future__ import annotations

import os
import sys
from collections.abc import MutableMapping

KOLBEN_PREFIX = "KOLBEN_"
FLASK_PREFIX = "FLASK_"

#: The ``kolben`` command's settings that are read under their Flask name too.
COMMAND_NAMES = frozenset({"APP", "DEBUG", "ENV_FILE", "SKIP_DOTENV"})
#: Prefixes of the command's per-option settings (``FLASK_RUN_PORT``, ...).
COMMAND_PREFIXES = ("RUN_",)
#: Names the ``flask`` command sets for itself; never a setting to carry over.
_FLASK_INTERNAL = frozenset({"FLASK_RUN_FROM_CLI"})

_noticed: set[str] = set()


def notice_flask_name(flask_name: str, kolben_name: str) -> None:
    """Say, once per process, that a Flask name stood in for kolben's.

    :param flask_name: the name that was read, e.g. ``FLASK_APP``.
    :param kolben_name: the name kolben reads first, e.g. ``KOLBEN_APP``.
    """
    if flask_name in _noticed:
        return
    _noticed.add(flask_name)
    sys.stderr.write(
        f" * Using {flask_name} as {kolben_name}: rename it to {kolben_name}"
        " to silence this notice.\n"
    )
    sys.stderr.flush()


def getenv(name: str) -> str | None:
    """Return ``KOLBEN_<name>``, or ``FLASK_<name>`` when that is unset.

    :param name: the name without its prefix, e.g. ``"DEBUG"``.
    """
    kolben_name = KOLBEN_PREFIX + name
    if kolben_name in os.environ:
        return os.environ[kolben_name]
    flask_name = FLASK_PREFIX + name
    value = os.environ.get(flask_name)
    if value is not None:
        notice_flask_name(flask_name, kolben_name)
    return value


def is_command_name(flask_name: str) -> bool:
    """Tell whether ``flask_name`` is a ``flask`` command setting kolben takes.

    :param flask_name: an environment variable name starting with ``FLASK_``.
    """
    if flask_name in _FLASK_INTERNAL or not flask_name.startswith(FLASK_PREFIX):
        return False
    name = flask_name[len(FLASK_PREFIX) :]
    return name in COMMAND_NAMES or name.startswith(COMMAND_PREFIXES)


def adopt_flask_names(environ: MutableMapping[str, str] | None = None) -> None:
    """Copy the ``flask`` command's settings to their unset ``KOLBEN_`` names.

    The ``kolben`` command reads ``KOLBEN_APP``, ``KOLBEN_RUN_PORT`` and the
    like through click, and passes them on to reloader processes; copying
    ``FLASK_APP`` over once, before the options are read, serves all of them.

    :param environ: the environment to update; :data:`os.environ` by default.
    """
    env = os.environ if environ is None else environ
    for flask_name in sorted(env):
        if not is_command_name(flask_name):
            continue
        kolben_name = KOLBEN_PREFIX + flask_name[len(FLASK_PREFIX) :]
        if kolben_name not in env:
            env[kolben_name] = env[flask_name]
            notice_flask_name(flask_name, kolben_name)
