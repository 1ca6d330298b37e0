"""The built-in ``kolben routes`` and ``kolben shell`` commands."""

from __future__ import annotations

import code
import importlib
import os
import sys
from operator import itemgetter
from typing import TYPE_CHECKING, Any

import click

from ._appgroup import with_appcontext
from .globals import _cv_app

if TYPE_CHECKING:
    from .app import Kolben


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
