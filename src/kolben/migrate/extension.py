"""The ``Migrate`` extension object and the Alembic configuration it makes.

As in Flask-Migrate, ``Migrate`` keeps what the ``kolben db`` commands need
(the ``db`` object, the migrations folder, the arguments for Alembic's
``context.configure``) in ``app.extensions["migrate"]``, where the folder's
``env.py`` reads them back through ``current_app``.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import typing as t
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import click
from alembic.config import Config as AlembicConfig
from alembic.util import CommandError

if TYPE_CHECKING:
    from ..app import Kolben

#: The folder of the templates ``kolben db init`` writes from.
TEMPLATES = Path(__file__).absolute().parent / "templates"

#: Flask-Migrate's template names, and the kolben templates that stand for them.
TEMPLATE_ALIASES = {
    "flask": "kolben",
    "flask-multidb": "kolben-multidb",
    "aioflask": "kolben",
    "aioflask-multidb": "kolben-multidb",
}

#: The key, in the click context's ``meta``, of the ``kolben db`` group's options.
GROUP_OPTIONS = "kolben.migrate.group"

#: A line of an ``env.py`` or ``script.py.mako`` that imports Flask.
_FLASK_IMPORT = re.compile(
    r"^[ \t]*(?:from[ \t]+flask(?:\.\w+)*[ \t]+import\b|import[ \t]+flask\b).*$",
    re.MULTILINE,
)

ConfigureCallback = Callable[[AlembicConfig], AlembicConfig]


class _MigrateConfig:
    """What ``app.extensions["migrate"]`` holds: read by the folder's ``env.py``.

    :param migrate: the :class:`Migrate` object.
    :param db: the ``SQLAlchemy`` object whose models are migrated.
    :param kwargs: the arguments for Alembic's ``context.configure``.
    """

    def __init__(self, migrate: Migrate, db: t.Any, **kwargs: t.Any) -> None:
        self.migrate = migrate
        self.db = db
        self.directory = migrate.directory
        #: The arguments ``env.py`` passes to Alembic's ``context.configure``.
        self.configure_args = kwargs

    @property
    def metadata(self) -> t.Any:
        """The default bind's ``MetaData``, for ``env.py`` files of old releases."""
        return self.db.metadata


class Config(AlembicConfig):
    """Alembic's ``Config``, which finds its templates in kolben.

    What the commands print goes to ``sys.stdout`` as it is when the
    ``Config`` is made (Alembic's default is the one it was imported with),
    so ``contextlib.redirect_stdout`` and test runners see it.

    :param args: passed to Alembic's ``Config``.
    :param template_directory: a folder of templates to use instead of
        kolben's own.
    :param kwargs: passed to Alembic's ``Config``.
    """

    def __init__(
        self, *args: t.Any, template_directory: str | None = None, **kwargs: t.Any
    ) -> None:
        """Take the folder of kolben's templates; the rest go to Alembic."""
        self.template_directory = template_directory
        kwargs.setdefault("stdout", sys.stdout)
        super().__init__(*args, **kwargs)

    def get_template_directory(self) -> str:
        """Return the folder ``init`` and ``list-templates`` read templates from."""
        if self.template_directory:
            return self.template_directory
        return str(TEMPLATES)


class Migrate:
    """Alembic migrations for the models of a ``kolben.db.SQLAlchemy``.

    ::

        db = SQLAlchemy()
        migrate = Migrate()

        def create_app():
            app = Kolben(__name__)
            db.init_app(app)
            migrate.init_app(app, db)
            return app

    The app then has the ``kolben db`` commands: ``init``, ``migrate``,
    ``upgrade``, ``downgrade`` and the rest (see ``docs/migrate.md``).

    :param app: an app to bind now (with ``db``); or call :meth:`init_app`.
    :param db: the ``SQLAlchemy`` object whose models are migrated.
    :param directory: the migrations folder, relative to the working directory.
    :param command: the name of the command group on ``app.cli``.
    :param compare_type: let autogenerate detect changed column types.
    :param render_as_batch: write ``batch_alter_table`` blocks, which SQLite
        needs to alter a table.
    :param kwargs: more arguments for Alembic's ``context.configure``.
    """

    def __init__(
        self,
        app: Kolben | None = None,
        db: t.Any = None,
        directory: str | os.PathLike[str] = "migrations",
        command: str = "db",
        compare_type: bool = True,
        render_as_batch: bool = True,
        **kwargs: t.Any,
    ) -> None:
        """Take the app, the ``SQLAlchemy`` instance and Alembic options."""
        self.configure_callbacks: list[ConfigureCallback] = []
        self.db = db
        self.command = command
        self.directory = str(directory)
        self.alembic_ctx_kwargs: dict[str, t.Any] = kwargs
        kwargs["compare_type"] = compare_type
        kwargs["render_as_batch"] = render_as_batch
        if app is not None and db is not None:
            self.init_app(app, db, directory)

    def init_app(
        self,
        app: Kolben,
        db: t.Any = None,
        directory: str | os.PathLike[str] | None = None,
        command: str | None = None,
        compare_type: bool | None = None,
        render_as_batch: bool | None = None,
        **kwargs: t.Any,
    ) -> None:
        """Bind ``app``: record the settings and add the ``kolben db`` commands.

        Arguments left out keep the values given to the constructor.

        :param app: the app.
        :param db: the ``SQLAlchemy`` object whose models are migrated.
        :param directory: the migrations folder.
        :param command: the name of the command group on ``app.cli``.
        :param compare_type: let autogenerate detect changed column types.
        :param render_as_batch: write ``batch_alter_table`` blocks.
        :param kwargs: more arguments for Alembic's ``context.configure``.
        """
        self.db = db or self.db
        self.command = command or self.command
        self.directory = str(directory or self.directory)
        self.alembic_ctx_kwargs.update(kwargs)
        if compare_type is not None:
            self.alembic_ctx_kwargs["compare_type"] = compare_type
        if render_as_batch is not None:
            self.alembic_ctx_kwargs["render_as_batch"] = render_as_batch
        app.extensions["migrate"] = _MigrateConfig(
            self, self.db, **self.alembic_ctx_kwargs
        )
        from .cli import db as db_cli_group

        app.cli.add_command(db_cli_group, name=self.command)

    def configure(self, f: ConfigureCallback) -> ConfigureCallback:
        """Register ``f`` to adjust the Alembic ``Config`` of every command.

        ``f`` receives the ``Config`` and returns it, or one to use instead::

            @migrate.configure
            def configure_alembic(config):
                config.set_main_option("timezone", "UTC")
                return config
        """
        self.configure_callbacks.append(f)
        return f

    def call_configure_callbacks(self, config: AlembicConfig) -> AlembicConfig:
        """Pass ``config`` through the :meth:`configure` callbacks; return it."""
        for f in self.configure_callbacks:
            config = f(config)
        return config

    def get_config(
        self,
        directory: str | os.PathLike[str] | None = None,
        x_arg: str | Sequence[str] | None = None,
        opts: Sequence[str] | None = None,
    ) -> AlembicConfig:
        """Return the Alembic ``Config`` of the migrations folder.

        :param directory: the migrations folder; the one given to ``Migrate``
            by default.
        :param x_arg: ``-x`` arguments for ``env.py``
            (``context.get_x_argument()``).
        :param opts: names of command options to set to ``True`` in
            ``config.cmd_opts`` (``"autogenerate"``).
        :raises CommandError: the folder's ``env.py`` imports Flask.
        """
        directory = str(self.directory if directory is None else directory)
        check_no_flask_imports(directory)
        config = Config(os.path.join(directory, "alembic.ini"))
        config.set_main_option("script_location", directory)
        if config.cmd_opts is None:
            config.cmd_opts = argparse.Namespace()
        for opt in opts or ():
            setattr(config.cmd_opts, opt, True)
        if not hasattr(config.cmd_opts, "x"):
            x: list[str] = list(group_option("x_arg") or ())
            if isinstance(x_arg, str):
                x.append(x_arg)
            elif x_arg is not None:
                x.extend(x_arg)
            config.cmd_opts.x = x
        return self.call_configure_callbacks(config)


def group_option(name: str) -> t.Any:
    """Return an option given to the ``kolben db`` group, if one is running."""
    ctx = click.get_current_context(silent=True)
    if ctx is None:
        return None
    return ctx.meta.get(GROUP_OPTIONS, {}).get(name)


def check_no_flask_imports(directory: str) -> None:
    """Raise ``CommandError`` when the folder's scripts import Flask.

    A folder made by Flask-Migrate imports ``current_app`` from ``flask``,
    whose ``current_app`` never finds a kolben app: say which line to change
    instead of failing later with "Working outside of application context".

    :param directory: the migrations folder.
    """
    from ..compat.flask import is_installed

    if is_installed():
        # ``import flask`` is kolben's own bridge: Flask's names work.
        return
    for name in ("env.py", "script.py.mako"):
        path = os.path.join(directory, name)
        try:
            with open(path, encoding="utf-8") as file:
                source = file.read()
        except OSError:
            continue
        found = _FLASK_IMPORT.search(source)
        if found is not None:
            raise CommandError(
                f"{path} imports Flask ({found.group(0).strip()!r}), whose"
                " current_app never finds a kolben app. Import the names from"
                " kolben instead ('from kolben import current_app'); nothing"
                " else in a Flask-Migrate folder needs to change."
            )
