"""The ``kolben`` command: app discovery, ``run``, ``routes``, ``shell``."""

from __future__ import annotations

import code
import functools
import importlib
import importlib.metadata
import os
import sys
from collections.abc import Callable, Sequence
from operator import itemgetter
from typing import TYPE_CHECKING, Any, TypeVar, overload

import click
from click.testing import CliRunner, Result

from ._devserver import run_command as run_command
from ._discovery import NoAppException as NoAppException
from ._discovery import ScriptInfo as ScriptInfo
from ._discovery import _set_debug
from ._discovery import get_debug_flag as get_debug_flag
from ._discovery import load_dotenv as load_dotenv
from ._discovery import pass_script_info as pass_script_info
from .ctx import has_app_context
from .globals import _cv_app

if TYPE_CHECKING:
    from .app import Kolben

F = TypeVar("F", bound=Callable[..., Any])

#: The entry-point group third-party packages add ``kolben`` commands to.
PLUGIN_GROUP = "kolben.commands"


def with_appcontext(f: F) -> F:
    """Run a click command inside the application's context.

    Commands registered with ``app.cli.command()`` get this by default.

    Example::

        @click.command()
        @with_appcontext
        def init_db():
            db.create_all()
    """

    @click.pass_context
    def decorator(ctx: click.Context, /, *args: Any, **kwargs: Any) -> Any:
        if not has_app_context():
            app = ctx.ensure_object(ScriptInfo).load_app()
            ctx.with_resource(app.app_context())
        return ctx.invoke(f, *args, **kwargs)

    return functools.update_wrapper(decorator, f)  # type: ignore[return-value]


class AppGroup(click.Group):
    """A click group whose commands run inside an app context by default.

    ``app.cli`` is one. Pass ``with_appcontext=False`` to ``command()`` for a
    command that does not need the application.

    Example::

        @app.cli.command()
        @click.argument("name")
        def create_user(name):
            db.session.add(User(name=name))
    """

    @overload
    def command(self, __func: Callable[..., Any]) -> click.Command: ...

    @overload
    def command(
        self, *args: Any, **kwargs: Any
    ) -> Callable[[Callable[..., Any]], click.Command]: ...

    def command(
        self, *args: Any, **kwargs: Any
    ) -> click.Command | Callable[[Callable[..., Any]], click.Command]:
        """Register a command, wrapped in :func:`with_appcontext`.

        Works with and without parentheses: ``@app.cli.command`` or
        ``@app.cli.command("name", with_appcontext=False)``.

        :param args: passed to :meth:`click.Group.command`.
        :param kwargs: likewise, plus ``with_appcontext`` (default ``True``).
        """
        if len(args) == 1 and callable(args[0]) and not kwargs:
            return self.command()(args[0])
        wrap = kwargs.pop("with_appcontext", True)

        def decorator(f: Callable[..., Any]) -> click.Command:
            if wrap:
                f = with_appcontext(f)
            command: click.Command = super(AppGroup, self).command(*args, **kwargs)(f)
            return command

        return decorator

    @overload
    def group(self, __func: Callable[..., Any]) -> click.Group: ...

    @overload
    def group(
        self, *args: Any, **kwargs: Any
    ) -> Callable[[Callable[..., Any]], click.Group]: ...

    def group(
        self, *args: Any, **kwargs: Any
    ) -> click.Group | Callable[[Callable[..., Any]], click.Group]:
        """Register a subgroup; it is an :class:`AppGroup` unless ``cls`` says.

        :param args: passed to :meth:`click.Group.group`.
        :param kwargs: likewise.
        """
        kwargs.setdefault("cls", AppGroup)
        made: click.Group | Callable[[Callable[..., Any]], click.Group]
        made = super().group(*args, **kwargs)
        return made


def merge_cli_group(
    app_cli: click.Group, group: click.Group, cli_group: str | None, name: str
) -> None:
    """Add a blueprint's commands to ``app.cli``; the hook blueprints call.

    :param app_cli: the application's command group.
    :param group: the blueprint's command group.
    :param cli_group: the group name to nest the commands under; ``None``
        adds them to ``app_cli`` directly.
    :param name: the default group name (the blueprint's name), used when
        ``cli_group`` is the empty string.
    """
    if not group.commands:
        return
    if cli_group is None:
        app_cli.commands.update(group.commands)
        return
    group.name = cli_group or name
    app_cli.add_command(group)


def _set_app(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    if value is not None and not ctx.resilient_parsing:
        ctx.ensure_object(ScriptInfo).app_import_path = value


def _load_env_file(
    ctx: click.Context, param: click.Parameter, value: str | None
) -> str | None:
    defaults = ctx.ensure_object(ScriptInfo).load_dotenv_defaults and not (
        os.environ.get("KOLBEN_SKIP_DOTENV")
    )
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
    """The ``kolben`` command group: global options, built-in commands,
    plugin commands, and the commands of the loaded application's ``app.cli``.

    :param add_default_commands: add ``run``, ``shell`` and ``routes``.
    :param create_app: a function returning the application, for a custom
        command that always serves one app.
    :param add_version_option: add ``--version``.
    :param load_dotenv: load ``.env`` and ``.kolbenenv``.
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
        params = list(extra.pop("params", None) or ())
        params.extend((_env_file_option, _app_option, _debug_option))
        if add_version_option:
            params.append(_version_option)
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

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        """Return a built-in, plugin or application command.

        :param ctx: the click context.
        :param cmd_name: the command name.
        """
        self._load_plugin_commands()
        command = super().get_command(ctx, cmd_name)
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
        return app.cli.get_command(ctx, cmd_name)

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


@click.command("routes", short_help="Show the routes of the app.")
@click.option(
    "--sort",
    "-s",
    type=click.Choice(("endpoint", "methods", "domain", "rule", "match")),
    default="endpoint",
    help=("Sort the routes by this column; 'match' is the order kolben tries them in."),
)
@click.option("--all-methods", is_flag=True, help="Show HEAD and OPTIONS too.")
@with_appcontext
def routes_command(sort: str, all_methods: bool) -> None:
    """Show all registered routes with their endpoints and methods."""
    app = _current_app()
    rules = list(app.url_map.iter_rules())
    if not rules:
        click.echo("No routes were registered.")
        return
    hidden = set() if all_methods else {"HEAD", "OPTIONS"}
    host_matching = app.url_map.host_matching
    has_domain = any(r.host if host_matching else r.subdomain for r in rules)
    rows = []
    for rule in rules:
        row = [rule.endpoint or "", ", ".join(sorted(set(rule.methods or ()) - hidden))]
        if has_domain:
            row.append((rule.host if host_matching else rule.subdomain) or "")
        row.append(rule.rule)
        rows.append(row)
    headers = ["Endpoint", "Methods"]
    columns = ["endpoint", "methods"]
    if has_domain:
        headers.append("Host" if host_matching else "Subdomain")
        columns.append("domain")
    headers.append("Rule")
    columns.append("rule")
    if sort in columns:
        # A stable sort: rules equal in the column keep their match order.
        rows.sort(key=itemgetter(columns.index(sort)))
    widths = [max(len(row[i]) for row in [headers, *rows]) for i in range(len(headers))]
    template = "  ".join(f"{{{i}:<{w}}}" for i, w in enumerate(widths))
    for row in [headers, ["-" * w for w in widths], *rows]:
        click.echo(template.format(*row).rstrip())


@click.command("shell", short_help="Run a shell in the app context.")
@with_appcontext
def shell_command() -> None:
    """Run an interactive Python shell in the app's context.

    ``app``, ``g`` and what the shell context processors return are in its
    namespace. IPython is used when it is installed.
    """
    app = _current_app()
    banner = (
        f"Python {sys.version} on {sys.platform}\n"
        f"App: {app.import_name}\n"
        f"Instance: {app.instance_path}"
    )
    namespace: dict[str, Any] = {}
    startup = os.environ.get("PYTHONSTARTUP")
    if startup and os.path.isfile(startup):
        # The user's own startup file, run as the plain interpreter does.
        with open(startup, encoding="utf-8") as file:
            exec(compile(file.read(), startup, "exec"), namespace)
    namespace.update(app.make_shell_context())
    try:
        ipython = importlib.import_module("IPython")
    except ImportError:
        pass
    else:
        click.echo(banner)
        ipython.start_ipython(argv=[], user_ns=namespace)
        return
    if sys.stdin.isatty():
        _enable_completion(namespace)
    code.interact(banner=banner, local=namespace)


def _enable_completion(namespace: dict[str, Any]) -> None:
    """Set up readline completion and history, as the plain interpreter does."""
    hook = getattr(sys, "__interactivehook__", None)
    if hook is None:
        return
    try:
        import readline
        from rlcompleter import Completer
    except ImportError:
        return
    readline.set_completer(Completer(namespace).complete)
    hook()


def _current_app() -> Kolben:
    ctx = _cv_app.get(None)
    assert ctx is not None  # with_appcontext pushed one
    return ctx.app


_version_option = click.Option(
    ["--version"],
    is_flag=True,
    expose_value=False,
    is_eager=True,
    help="Show the kolben and Python versions and exit.",
    callback=lambda ctx, param, value: _print_version(ctx, value),
)


def _print_version(ctx: click.Context, value: bool) -> None:
    if not value or ctx.resilient_parsing:
        return
    version = importlib.metadata.version("kolben")
    click.echo(f"Python {sys.version.split()[0]}\nkolben {version}")
    ctx.exit()


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
