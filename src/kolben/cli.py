"""The ``kolben`` command: app discovery, ``run``, ``routes``, ``shell``.

The names are those of ``flask.cli``, with ``KolbenGroup`` for
``FlaskGroup``; the command also reads the ``flask`` command's settings
(``FLASK_APP``, ``.flaskenv``, ...) after its own, for projects moving over.
"""

from __future__ import annotations

import importlib.metadata
import os
import platform
import traceback
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import click
from click.testing import CliRunner, Result

from ._appgroup import AppGroup as AppGroup
from ._appgroup import merge_cli_group as merge_cli_group
from ._appgroup import with_appcontext as with_appcontext
from ._check import check_command as check_command
from ._commands import routes_command as routes_command
from ._commands import shell_command as shell_command
from ._devserver import SeparatedPathType as SeparatedPathType
from ._devserver import run_command as run_command
from ._devserver import show_server_banner as show_server_banner
from ._discovery import NoAppException as NoAppException
from ._discovery import ScriptInfo as ScriptInfo
from ._discovery import _set_debug
from ._discovery import find_app_by_string as find_app_by_string
from ._discovery import find_best_app as find_best_app
from ._discovery import load_dotenv as load_dotenv
from ._discovery import locate_app as locate_app
from ._discovery import pass_script_info as pass_script_info
from ._discovery import prepare_import as prepare_import
from ._envvars import adopt_flask_names
from ._tls import CertParamType as CertParamType
from .globals import _cv_app
from .helpers import get_debug_flag as get_debug_flag
from .helpers import get_load_dotenv as get_load_dotenv

if TYPE_CHECKING:
    from .app import Kolben

#: The entry-point group third-party packages add ``kolben`` commands to.
PLUGIN_GROUP = "kolben.commands"


def get_version(ctx: click.Context, param: click.Parameter, value: Any) -> None:
    """Print the Python and kolben versions and exit; ``--version``'s callback.

    :param ctx: the click context.
    :param param: the option.
    :param value: whether the flag was given.
    """
    if not value or ctx.resilient_parsing:
        return
    version = importlib.metadata.version("kolben")
    click.echo(f"Python {platform.python_version()}\nkolben {version}", color=ctx.color)
    ctx.exit()


#: The ``--version`` option :class:`KolbenGroup` adds.
version_option = click.Option(
    ["--version"],
    help="Show the kolben and Python versions and exit.",
    expose_value=False,
    callback=get_version,
    is_flag=True,
    is_eager=True,
)


def _set_app(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    if value is not None and not ctx.resilient_parsing:
        ctx.ensure_object(ScriptInfo).app_import_path = value


def _load_env_file(
    ctx: click.Context, param: click.Parameter, value: str | None
) -> str | None:
    defaults = ctx.ensure_object(ScriptInfo).load_dotenv_defaults
    if value is not None:
        try:
            import dotenv  # noqa: F401
        except ImportError:
            raise click.BadParameter(
                "python-dotenv must be installed to load an env file:"
                " pip install python-dotenv",
                ctx=ctx,
                param=param,
            ) from None
    if value is not None or defaults:
        load_dotenv(value, load_defaults=defaults)
    return value


# Eager, and the env file first, so KOLBEN_APP and KOLBEN_DEBUG may come from
# the env files.
_env_file_option = click.Option(
    ["-e", "--env-file"],
    type=click.Path(exists=True, dir_okay=False),
    help="Load environment variables from this file (needs python-dotenv).",
    is_eager=True,
    expose_value=False,
    callback=_load_env_file,
)
_app_option = click.Option(
    ["-A", "--app"],
    metavar="IMPORT",
    help=(
        "The application to load: 'module:name', 'module:create_app(args)',"
        " or a path like 'examples/hello.py'. Default: wsgi.py or app.py in"
        " the current directory."
    ),
    is_eager=True,
    expose_value=False,
    callback=_set_app,
)
_debug_option = click.Option(
    ["--debug/--no-debug"],
    help="Set debug mode.",
    expose_value=False,
    callback=_set_debug,
)


class KolbenGroup(AppGroup):
    """The ``kolben`` command group, with the app's ``app.cli`` commands.

    It has the global options, the built-in commands, plugin commands, and
    the commands of the loaded application's ``app.cli``.

    :param add_default_commands: add ``run``, ``shell`` and ``routes``.
    :param create_app: a function returning the application, for a custom
        command that always serves one app.
    :param add_version_option: add ``--version``.
    :param load_dotenv: load ``.env`` and ``.kolbenenv`` (and ``.flaskenv``).
    :param set_debug_flag: apply ``--debug`` to the loaded application.
    :param extra: passed to :class:`click.Group`.
    """

    def __init__(
        self,
        add_default_commands: bool = True,
        create_app: Callable[..., Kolben] | None = None,
        add_version_option: bool = True,
        load_dotenv: bool = True,
        set_debug_flag: bool = True,
        **extra: Any,
    ) -> None:
        """Take which built-in options and commands to add, and the app factory."""
        params = list(extra.pop("params", None) or ())
        params.extend((_env_file_option, _app_option, _debug_option))
        if add_version_option:
            params.append(version_option)
        # Options of every command read KOLBEN_<COMMAND>_<OPTION> as well,
        # e.g. KOLBEN_RUN_PORT; the global ones KOLBEN_APP and KOLBEN_DEBUG.
        extra.setdefault("context_settings", {}).setdefault(
            "auto_envvar_prefix", "KOLBEN"
        )
        super().__init__(params=params, **extra)
        self.create_app = create_app
        self.load_dotenv = load_dotenv
        self.set_debug_flag = set_debug_flag
        if add_default_commands:
            self.add_command(run_command)
            self.add_command(shell_command)
            self.add_command(routes_command)
            self.add_command(check_command)
        self._loaded_plugin_commands = False

    def _load_plugin_commands(self) -> None:
        """Add the commands other packages register under ``kolben.commands``."""
        if self._loaded_plugin_commands:
            return
        self._loaded_plugin_commands = True
        for ep in importlib.metadata.entry_points(group=PLUGIN_GROUP):
            try:
                command = ep.load()
            except Exception as e:
                # One broken plugin must not take ``kolben run`` down with it.
                click.secho(
                    f"Error: could not load the command {ep.name!r} from"
                    f" {ep.value!r}: {e!r}",
                    err=True,
                    fg="red",
                )
                continue
            self.add_command(command, ep.name)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        """Return a built-in, plugin or application command.

        :param ctx: the click context.
        :param name: the command name.
        """
        self._load_plugin_commands()
        command = super().get_command(ctx, name)
        if command is not None:
            return command
        try:
            app = ctx.ensure_object(ScriptInfo).load_app()
        except NoAppException as e:
            click.secho(f"Error: {e.format_message()}\n", err=True, fg="red")
            return None
        # The app's own commands run in its context, pushed here once so a
        # command's with_appcontext finds it.
        current = _cv_app.get(None)
        if current is None or current.app is not app:
            ctx.with_resource(app.app_context())
        return app.cli.get_command(ctx, name)

    def list_commands(self, ctx: click.Context) -> list[str]:
        """Return the names of all commands, the application's included.

        :param ctx: the click context.
        """
        self._load_plugin_commands()
        names = set(super().list_commands(ctx))
        try:
            names.update(
                ctx.ensure_object(ScriptInfo).load_app().cli.list_commands(ctx)
            )
        except NoAppException as e:
            # Still list the built-in commands, with the reason the app's
            # commands are missing.
            click.secho(f"Error: {e.format_message()}\n", err=True, fg="red")
        except Exception:
            # A factory that raises must not take --help down with it; its
            # traceback is what the user needs to fix it.
            click.secho(f"{traceback.format_exc()}\n", err=True, fg="red")
        return sorted(names)

    def make_context(
        self,
        info_name: str | None,
        args: list[str],
        parent: click.Context | None = None,
        **extra: Any,
    ) -> click.Context:
        """Create the context, with a :class:`ScriptInfo` as its ``obj``.

        :param info_name: the command name as invoked.
        :param args: the command-line arguments.
        :param parent: the parent context.
        :param extra: passed to :class:`click.Context`.
        """
        # Lets app.run() in the user's module know not to start a server.
        os.environ["KOLBEN_RUN_FROM_CLI"] = "true"
        # Before any option is read: FLASK_APP, FLASK_RUN_PORT and the like
        # from the environment count as their unset KOLBEN_ names.
        adopt_flask_names()
        if "obj" not in extra and "obj" not in self.context_settings:
            extra["obj"] = ScriptInfo(
                create_app=self.create_app,
                set_debug_flag=self.set_debug_flag,
                load_dotenv_defaults=self.load_dotenv,
            )
        return super().make_context(info_name, args, parent=parent, **extra)

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        """Parse arguments; for ``--help``, load the env files and app first.

        :param ctx: the click context.
        :param args: the command-line arguments.
        """
        if (not args and self.no_args_is_help) or (
            len(args) == 1 and args[0] in self.get_help_option_names(ctx)
        ):
            # click would print the help before processing any option, so
            # KOLBEN_APP from an env file would not be seen and the app's
            # commands would be missing from the list.
            _env_file_option.handle_parse_result(ctx, {}, [])
            _app_option.handle_parse_result(ctx, {}, [])
        return super().parse_args(ctx, args)


cli = KolbenGroup(
    name="kolben",
    help="""A general utility script for kolben applications.

    It loads the application named by --app or KOLBEN_APP, or the one in
    wsgi.py or app.py in the current directory, and offers its commands
    next to the built-in ones.
    """,
)


class KolbenCliRunner(CliRunner):
    """A click test runner that invokes commands of one application.

    Made by :meth:`kolben.Kolben.test_cli_runner`.

    :param app: the application whose commands are invoked.
    :param kwargs: passed to :class:`click.testing.CliRunner`.
    """

    def __init__(self, app: Kolben, **kwargs: Any) -> None:
        """Take the app whose commands run, and click's runner options."""
        self.app = app
        super().__init__(**kwargs)

    def invoke(  # type: ignore[override]
        self,
        cli: click.Command | None = None,
        args: str | Sequence[str] | None = None,
        **kwargs: Any,
    ) -> Result:
        """Invoke a command, with the app in a :class:`ScriptInfo` as ``obj``.

        :param cli: the command; ``app.cli`` by default.
        :param args: the command-line arguments.
        :param kwargs: passed to :meth:`click.testing.CliRunner.invoke`.
        """
        if cli is None:
            cli = self.app.cli
        if "obj" not in kwargs:
            kwargs["obj"] = ScriptInfo(create_app=lambda: self.app)
        return super().invoke(cli, args, **kwargs)


def main() -> None:
    """Run the ``kolben`` command."""
    cli.main()


if __name__ == "__main__":
    # ``python -m kolben.cli`` runs this file as __main__; hand over to the
    # imported module so app.cli (made with kolben.cli's classes) and the
    # command share one ScriptInfo class.
    from kolben.cli import main as _main

    _main()
