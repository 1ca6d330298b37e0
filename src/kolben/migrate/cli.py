"""The ``kolben db`` commands: Flask-Migrate's ``flask db``, option for option.

:class:`~kolben.migrate.Migrate` adds the :func:`db` group to ``app.cli``
under its ``command`` name. ``-d/--directory`` and ``-x/--x-arg`` may also
be given to the group itself (``kolben db -d other upgrade``), for every
command after it.
"""

from __future__ import annotations

import typing as t
from collections.abc import Callable

import click

from ..cli import with_appcontext
from . import _commands
from .extension import GROUP_OPTIONS, group_option

F = t.TypeVar("F", bound=Callable[..., t.Any])

_directory = click.option(
    "-d",
    "--directory",
    default=None,
    help='The migrations folder (default: "migrations", or Migrate\'s directory).',
)
_x_arg = click.option(
    "-x",
    "--x-arg",
    multiple=True,
    help="An argument for a custom env.py (context.get_x_argument()).",
)
_sql = click.option(
    "--sql",
    is_flag=True,
    help="Print the SQL to standard output instead of running it.",
)
_tag = click.option(
    "--tag", default=None, help="A tag that custom env.py scripts may read."
)
_verbose = click.option("-v", "--verbose", is_flag=True, help="Show more detail.")
_branch_label = click.option(
    "--branch-label", default=None, help="A branch label for the new revision."
)
_rev_id = click.option(
    "--rev-id", default=None, help="The new revision's id, instead of a generated one."
)


def _revision_options(f: F) -> F:
    """Add the options ``revision`` and ``migrate`` share."""
    for option in reversed(
        (
            _directory,
            click.option("-m", "--message", default=None, help="The revision message."),
            _sql,
            click.option(
                "--head",
                default="head",
                help="The head, or <branch>@head, to base the new revision on.",
            ),
            click.option(
                "--splice",
                is_flag=True,
                help="Allow a revision that is not a head as --head.",
            ),
            _branch_label,
            click.option(
                "--version-path",
                default=None,
                help="The versions folder to write the revision file in.",
            ),
            _rev_id,
        )
    ):
        f = option(f)
    return f


def _folder(directory: str | None) -> str | None:
    """Return the command's ``--directory``, else the group's."""
    return directory or group_option("directory")


@click.group()
@_directory
@_x_arg
@click.pass_context
def db(ctx: click.Context, directory: str | None, x_arg: tuple[str, ...]) -> None:
    """Run database migrations (Alembic) for the app's models."""
    ctx.meta[GROUP_OPTIONS] = {"directory": directory, "x_arg": x_arg}


@db.command()
@with_appcontext
def list_templates() -> None:
    """List the templates of migrations folders."""
    _commands.list_templates()


@db.command()
@_directory
@click.option(
    "--multidb", is_flag=True, help="Migrate every bind of SQLALCHEMY_BINDS too."
)
@click.option(
    "-t",
    "--template",
    default=None,
    help='The template: a name from list-templates, or a folder (default "kolben").',
)
@click.option(
    "--package",
    is_flag=True,
    help="Write __init__.py files in the folder and its versions folder.",
)
@with_appcontext
def init(
    directory: str | None, multidb: bool, template: str | None, package: bool
) -> None:
    """Create a migrations folder."""
    _commands.init(_folder(directory), multidb, template, package)


@db.command()
@_revision_options
@click.option(
    "--autogenerate",
    is_flag=True,
    help="Fill the revision with the differences between models and database.",
)
@with_appcontext
def revision(
    directory: str | None,
    message: str | None,
    autogenerate: bool,
    sql: bool,
    head: str,
    splice: bool,
    branch_label: str | None,
    version_path: str | None,
    rev_id: str | None,
) -> None:
    """Create a revision file, empty unless --autogenerate."""
    _commands.revision(
        _folder(directory),
        message,
        autogenerate,
        sql,
        head,
        splice,
        branch_label,
        version_path,
        rev_id,
    )


@db.command()
@_revision_options
@_x_arg
@with_appcontext
def migrate(
    directory: str | None,
    message: str | None,
    sql: bool,
    head: str,
    splice: bool,
    branch_label: str | None,
    version_path: str | None,
    rev_id: str | None,
    x_arg: tuple[str, ...],
) -> None:
    """Write a revision of the models' changes.

    The same as ``revision --autogenerate``; nothing is written when the
    models and the database agree.
    """
    _commands.migrate(
        _folder(directory),
        message,
        sql,
        head,
        splice,
        branch_label,
        version_path,
        rev_id,
        x_arg,
    )


@db.command()
@_directory
@click.argument("revision", default="head")
@with_appcontext
def edit(directory: str | None, revision: str) -> None:
    """Open a revision file in $EDITOR."""
    _commands.edit(_folder(directory), revision)


@db.command()
@_directory
@click.option("-m", "--message", default=None, help="The merge revision's message.")
@_branch_label
@_rev_id
@click.argument("revisions", nargs=-1)
@with_appcontext
def merge(
    directory: str | None,
    message: str | None,
    branch_label: str | None,
    rev_id: str | None,
    revisions: tuple[str, ...],
) -> None:
    """Merge revisions (two heads, say) in a new revision file."""
    _commands.merge(_folder(directory), revisions, message, branch_label, rev_id)


@db.command()
@_directory
@_sql
@_tag
@_x_arg
@click.argument("revision", default="head")
@with_appcontext
def upgrade(
    directory: str | None,
    sql: bool,
    tag: str | None,
    x_arg: tuple[str, ...],
    revision: str,
) -> None:
    """Upgrade the database, to the head by default."""
    _commands.upgrade(_folder(directory), revision, sql, tag, x_arg)


@db.command()
@_directory
@_sql
@_tag
@_x_arg
@click.argument("revision", default="-1")
@with_appcontext
def downgrade(
    directory: str | None,
    sql: bool,
    tag: str | None,
    x_arg: tuple[str, ...],
    revision: str,
) -> None:
    """Downgrade the database, one step by default."""
    _commands.downgrade(_folder(directory), revision, sql, tag, x_arg)


@db.command()
@_directory
@click.argument("revision", default="head")
@with_appcontext
def show(directory: str | None, revision: str) -> None:
    """Show a revision."""
    _commands.show(_folder(directory), revision)


@db.command()
@_directory
@click.option(
    "-r", "--rev-range", default=None, help="A range of revisions: [start]:[end]."
)
@_verbose
@click.option(
    "-i",
    "--indicate-current",
    is_flag=True,
    help="Mark the database's current revision.",
)
@with_appcontext
def history(
    directory: str | None, rev_range: str | None, verbose: bool, indicate_current: bool
) -> None:
    """List the revisions, newest first."""
    _commands.history(_folder(directory), rev_range, verbose, indicate_current)


@db.command()
@_directory
@_verbose
@click.option(
    "--resolve-dependencies",
    is_flag=True,
    help="Count depends_on revisions as parents.",
)
@with_appcontext
def heads(directory: str | None, verbose: bool, resolve_dependencies: bool) -> None:
    """Show the heads of the revisions."""
    _commands.heads(_folder(directory), verbose, resolve_dependencies)


@db.command()
@_directory
@_verbose
@with_appcontext
def branches(directory: str | None, verbose: bool) -> None:
    """Show the branch points of the revisions."""
    _commands.branches(_folder(directory), verbose)


@db.command()
@_directory
@_verbose
@with_appcontext
def current(directory: str | None, verbose: bool) -> None:
    """Show the database's current revision."""
    _commands.current(_folder(directory), verbose)


@db.command()
@_directory
@_sql
@_tag
@click.option("--purge", is_flag=True, help="Empty the version table first.")
@click.argument("revision", default="head")
@with_appcontext
def stamp(
    directory: str | None, sql: bool, tag: str | None, purge: bool, revision: str
) -> None:
    """Record a revision as the database's, running no migration."""
    _commands.stamp(_folder(directory), revision, sql, tag, purge)


@db.command()
@_directory
@with_appcontext
def check(directory: str | None) -> None:
    """Fail if the models and the database differ.

    Also fails when the database is behind the latest revision.
    """
    _commands.check(_folder(directory))
