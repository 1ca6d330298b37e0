"""The development server: ``kolben run`` and ``app.run()`` on uvicorn."""

from __future__ import annotations

import os
import ssl
import sys
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

import click

from ._discovery import ScriptInfo, _set_debug, pass_script_info
from ._discovery import load_dotenv as _load_dotenv
from ._envvars import getenv
from ._tls import CertParamType, SSLContextArg, uvicorn_tls_options, validate_key
from .helpers import get_debug_flag, get_load_dotenv

if TYPE_CHECKING:
    from .app import Kolben

#: The factory uvicorn imports in each reloaded worker process.
RELOADER_TARGET = "kolben._devserver:_reloader_app"
#: Files besides Python modules whose change restarts the server.
TEMPLATE_PATTERNS = ("*.html", "*.jinja", "*.jinja2", "*.j2")
#: Set in a reloader worker, where ``app.run()`` calls are ignored quietly.
_in_reloader = False


def serve(
    app: Kolben,
    host: str,
    port: int,
    *,
    reload: bool = False,
    reload_env: Mapping[str, str] | None = None,
    extra_files: Iterable[str] = (),
    exclude_patterns: Iterable[str] = (),
    cert: str | None = None,
    key: str | None = None,
    ssl_context: SSLContextArg = None,
    **uvicorn_options: Any,
) -> None:
    """Serve ``app``'s ASGI side with uvicorn until interrupted.

    :param app: the application; with ``reload`` it is only used to print
        the banner and pick the folders to watch.
    :param host: the interface to bind to.
    :param port: the port to bind to.
    :param reload: restart on file changes; each worker process loads the
        application again with :func:`_reloader_app`.
    :param reload_env: environment variables that tell the worker processes
        how to load the application (``KOLBEN_APP``, ``KOLBEN_DEBUG``, ...).
    :param extra_files: more files whose change restarts the server.
    :param exclude_patterns: file patterns whose change is ignored.
    :param cert: the TLS certificate file; serves HTTPS with ``key``.
    :param key: the TLS private key file.
    :param ssl_context: instead of ``cert`` and ``key``: ``"adhoc"`` for a
        made-up certificate, a ``(cert, key)`` pair, or an SSLContext.
    :param uvicorn_options: passed on to :func:`uvicorn.run`.
    """
    import uvicorn

    options: dict[str, Any] = {
        "host": host,
        "port": port,
        "interface": "asgi3",
        "log_level": "info",
        # SECURITY: uvicorn would take the client's address from
        # X-Forwarded-For whenever the peer is loopback, so a proxy on this
        # host would make every client look local to the debug page's check.
        "proxy_headers": False,
    }
    if ssl_context is None and cert is not None:
        ssl_context = (cert, key)
    tls = uvicorn_tls_options(ssl_context)
    options.update(tls)
    options.update(uvicorn_options)
    _print_banner(app, host, port, "https" if tls else "http", reload)
    if not reload:
        uvicorn.run(app, **options)
        return
    os.environ.update(reload_env or {})
    options.update(_reload_options(app, extra_files, exclude_patterns))
    uvicorn.run(RELOADER_TARGET, factory=True, reload=True, **options)


def show_server_banner(debug: bool | None, app_import_path: str | None) -> None:
    """Print which app is served and in which mode, unless reloading.

    A reloader worker process stays quiet: the process that started it has
    said it already.

    :param debug: whether debug mode is on; ``None`` leaves the line out.
    :param app_import_path: the app's name or import path; ``None`` leaves
        the line out.
    """
    if _in_reloader:
        return
    if app_import_path is not None:
        click.echo(f" * Serving kolben app '{app_import_path}'")
    if debug is not None:
        click.echo(f" * Debug mode: {'on' if debug else 'off'}")


def _print_banner(app: Kolben, host: str, port: int, scheme: str, reload: bool) -> None:
    """Print what is served where, as ``flask run`` does."""
    debug = "on" if app.debug else "off"
    show_server_banner(None, app.name)
    if host in ("0.0.0.0", "::"):
        click.secho(
            " * Running on all addresses: anyone on your network can reach this"
            " development server. Do not use it in production.",
            fg="yellow",
        )
    shown = f"[{host}]" if ":" in host else host
    click.echo(f" * Running on {scheme}://{shown}:{port} (debug mode: {debug})")
    click.echo(f" * Reloading: {'on' if reload else 'off'}")
    click.echo(" * Press CTRL+C to quit")


def _reload_options(
    app: Kolben, extra_files: Iterable[str], exclude_patterns: Iterable[str]
) -> dict[str, Any]:
    """Return uvicorn's reload settings: the app's folders and extra files."""
    dirs = [app.root_path]
    includes = ["*.py", *TEMPLATE_PATTERNS]
    if app.template_folder is not None:
        templates = os.path.join(app.root_path, app.template_folder)
        if os.path.isdir(templates):
            dirs.append(templates)
    # An empty item ("a.cfg:" has one) names nothing to watch.
    for path in filter(None, extra_files):
        # uvicorn watches folders with name patterns, so an extra file is
        # its folder plus its name.
        path = os.path.abspath(path)
        dirs.append(os.path.dirname(path))
        includes.append(os.path.basename(path))
    return {
        "reload_dirs": list(dict.fromkeys(dirs)),
        "reload_includes": list(dict.fromkeys(includes)),
        "reload_excludes": list(filter(None, exclude_patterns)),
    }


def _reloader_app() -> Kolben:
    """Load the application in a reloader worker; uvicorn calls this factory.

    The ``kolben run`` or ``app.run()`` process set ``KOLBEN_APP``,
    ``KOLBEN_DEBUG`` and ``KOLBEN_RUN_DIR`` before it started uvicorn; the
    worker inherits them and finds the same application again.
    """
    global _in_reloader
    _in_reloader = True
    run_dir = os.environ.get("KOLBEN_RUN_DIR")
    if run_dir and os.path.realpath(run_dir) != os.path.realpath(os.getcwd()):
        os.chdir(run_dir)
    return ScriptInfo(os.environ.get("KOLBEN_APP") or None).load_app()


def run_app(
    app: Kolben,
    host: str | None,
    port: int | None,
    debug: bool | None,
    load_dotenv: bool,
    options: dict[str, Any],
) -> None:
    """Implement :meth:`Kolben.run`: serve ``app`` from a script.

    :param app: the application.
    :param host: the interface; ``SERVER_NAME``'s host or 127.0.0.1.
    :param port: the port; ``SERVER_NAME``'s port or 5000.
    :param debug: set debug mode; ``None`` leaves it as configured.
    :param load_dotenv: load ``.env``, ``.kolbenenv`` and ``.flaskenv`` first.
    :param options: ``reload`` (or ``use_reloader``), ``extra_files``,
        ``exclude_patterns``, ``cert``, ``key``, ``ssl_context``; the rest
        go to uvicorn.
    """
    if os.environ.get("KOLBEN_RUN_FROM_CLI") == "true":
        if not _in_reloader:
            click.secho(
                " * Ignoring a call to 'app.run()' that would block the current"
                " 'kolben' command.\n   Only call 'app.run()' in an"
                " 'if __name__ == \"__main__\"' guard.",
                fg="red",
                err=True,
            )
        return
    if get_load_dotenv(load_dotenv):
        _load_dotenv()
        if getenv("DEBUG") is not None:
            app.debug = get_debug_flag()
    if debug is not None:
        app.debug = bool(debug)
    sn_host, _, sn_port = str(app.config.get("SERVER_NAME") or "").partition(":")
    host = host or sn_host or "127.0.0.1"
    port = int(port) if port is not None else int(sn_port or 5000)
    reload = bool(options.pop("reload", options.pop("use_reloader", app.debug)))
    reload_env = _script_reload_env(app) if reload else None
    reload = _reload_possible(
        reload, reload_env, "the application is not defined in a file"
    )
    reload = _reload_possible_with_tls(reload, options.get("ssl_context"))
    serve(app, host, port, reload=reload, reload_env=reload_env, **options)


def _script_reload_env(app: Kolben) -> dict[str, str] | None:
    """Return how a reloader worker finds ``app`` again: its file and name."""
    module = sys.modules.get(app.import_name)
    filename = getattr(module, "__file__", None)
    if module is None or not filename:
        return None
    target = os.path.abspath(filename)
    name = next((k for k, v in vars(module).items() if v is app), None)
    if name is not None:
        target += ":" + name
    return {
        "KOLBEN_APP": target,
        "KOLBEN_DEBUG": "1" if app.debug else "0",
        "KOLBEN_RUN_DIR": os.getcwd(),
        # The script's own ``app.run()`` must not start a second server when
        # the worker imports it under its module name.
        "KOLBEN_RUN_FROM_CLI": "true",
    }


class SeparatedPathType(click.Path):
    """A click type for a list of paths separated by ``os.pathsep``.

    ``--extra-files a.cfg:b.cfg`` (``;`` on Windows) is ``["a.cfg", "b.cfg"]``,
    each item checked as :class:`click.Path` checks one.
    """

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> Any:
        """Return the list of paths in ``value``.

        :param value: the option's value.
        :param param: the option.
        :param ctx: the click context.
        """
        convert_one = super().convert
        items = self.split_envvar_value(value)
        return [convert_one(item, param, ctx) for item in items]


@click.command("run", short_help="Run a development server.")
@click.option("--host", "-h", default="127.0.0.1", help="The interface to bind to.")
@click.option("--port", "-p", default=5000, type=int, help="The port to bind to.")
@click.option(
    "--cert",
    type=CertParamType(),
    is_eager=True,
    help=(
        "Serve HTTPS with this certificate file (and --key), 'adhoc' for a"
        " made-up one (needs cryptography), or the 'module:name' of an"
        " ssl.SSLContext."
    ),
)
@click.option(
    "--key",
    type=click.Path(exists=True, dir_okay=False, resolve_path=True),
    callback=validate_key,
    expose_value=False,
    help="The private key file for a --cert file.",
)
@click.option(
    "--debug/--no-debug",
    default=None,
    expose_value=False,
    callback=_set_debug,
    help="Set debug mode, as 'kolben --debug run' does.",
)
@click.option(
    "--reload/--no-reload",
    default=None,
    help="Restart the server when files change. On by default with --debug.",
)
@click.option(
    "--extra-files",
    type=SeparatedPathType(),
    metavar="PATHS",
    help=f"More files to watch, separated by {os.pathsep!r}.",
)
@click.option(
    "--exclude-patterns",
    type=SeparatedPathType(),
    metavar="PATTERNS",
    help=f"File patterns not to watch, separated by {os.pathsep!r}.",
)
@pass_script_info
def run_command(
    info: ScriptInfo,
    host: str,
    port: int,
    cert: SSLContextArg,
    reload: bool | None,
    extra_files: list[str] | None,
    exclude_patterns: list[str] | None,
) -> None:
    """Serve the application's ASGI side with uvicorn for development.

    With --debug, the server restarts when the app's code or templates change.
    Do not use it in production: run uvicorn, gunicorn or granian there.
    """
    # Loaded here, before the server starts, so a bad --app fails at once.
    app = info.load_app()
    if reload is None:
        reload = app.debug
    reload_env = info.reload_env() if reload else None
    reload = _reload_possible(
        reload, reload_env, "the application factory cannot be imported by name"
    )
    reload = _reload_possible_with_tls(reload, cert)
    serve(
        app,
        host,
        port,
        reload=reload,
        reload_env=reload_env,
        extra_files=extra_files or (),
        exclude_patterns=exclude_patterns or (),
        ssl_context=cert,
    )


def _reload_possible_with_tls(reload: bool, ssl_context: Any) -> bool:
    """Keep reloading on unless an SSLContext object would have to be copied."""
    # The reloader starts worker processes from pickled settings, and an
    # SSLContext cannot be pickled.
    if reload and isinstance(ssl_context, ssl.SSLContext):
        click.secho(
            " * Reloading is off: an ssl.SSLContext cannot be handed to the"
            " reloader's processes. Pass certificate and key files to reload.",
            fg="yellow",
            err=True,
        )
        return False
    return reload


def _reload_possible(reload: bool, env: Mapping[str, str] | None, why_not: str) -> bool:
    """Keep reloading on only if the reloader can find the app again."""
    if reload and env is None:
        click.secho(f" * Reloading is off: {why_not}.", fg="yellow", err=True)
        return False
    return reload
