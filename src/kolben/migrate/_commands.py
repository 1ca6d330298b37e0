"""The migration commands as functions, for scripts: Flask-Migrate's names.

Each runs in the current app's context (``with app.app_context():``) and
does what the ``kolben db`` command of the same name does, printing the same
output. An Alembic error is logged and exits the process with status 1, as
in Flask-Migrate.
"""

from __future__ import annotations

import functools
import logging
import os
import sys
import typing as t
from collections.abc import Callable, Sequence

from alembic import command
from alembic.util import CommandError

from ..globals import current_app
from .extension import TEMPLATE_ALIASES, Config, Migrate

log = logging.getLogger("kolben.migrate")

P = t.ParamSpec("P")
PathArg = str | os.PathLike[str] | None
XArg = str | Sequence[str] | None


def catch_errors(f: Callable[P, object]) -> Callable[P, None]:
    """Log an Alembic error (or a ``RuntimeError``) and exit with status 1."""

    @functools.wraps(f)
    def wrapped(*args: P.args, **kwargs: P.kwargs) -> None:
        try:
            f(*args, **kwargs)
        except (CommandError, RuntimeError) as exc:
            log.error("Error: %s", exc)
            sys.exit(1)

    return wrapped


def _migrate() -> Migrate:
    """Return the current app's ``Migrate``, saying what to do without one."""
    try:
        state = current_app.extensions["migrate"]
    except KeyError:
        raise RuntimeError(
            "The app has no 'Migrate': call 'Migrate(app, db)' or"
            " 'migrate.init_app(app, db)' in the app factory."
        ) from None
    return t.cast(Migrate, state.migrate)


def _config(
    directory: PathArg, x_arg: XArg = None, opts: Sequence[str] | None = None
) -> t.Any:
    return _migrate().get_config(directory, x_arg=x_arg, opts=opts)


@catch_errors
def list_templates() -> None:
    """List the templates ``init`` can write a migrations folder from."""
    config = Config()
    templates = config.get_template_directory()
    config.print_stdout("Available templates:\n")
    for name in sorted(os.listdir(templates)):
        readme = os.path.join(templates, name, "README")
        if not os.path.isfile(readme):
            continue
        with open(readme, encoding="utf-8") as file:
            synopsis = next(file, "").strip()
        config.print_stdout("%s - %s", name, synopsis)
    aliases = ", ".join(sorted(TEMPLATE_ALIASES))
    config.print_stdout("\nFlask-Migrate's names work too: %s.", aliases)


@catch_errors
def init(
    directory: PathArg = None,
    multidb: bool = False,
    template: str | None = None,
    package: bool = False,
) -> None:
    """Create a migrations folder.

    :param directory: the folder; the one given to ``Migrate`` by default.
    :param multidb: one migration per bind of ``SQLALCHEMY_BINDS`` as well.
    :param template: a template's name (``kolben db list-templates``), or
        the path of a folder that is a template.
    :param package: write ``__init__.py`` files in the folder and in
        ``versions``.
    """
    migrate = _migrate()
    directory = str(migrate.directory if directory is None else directory)
    template_directory = None
    if template is not None and ("/" in template or "\\" in template):
        template_directory, template = os.path.split(template)
    elif template is not None:
        template = TEMPLATE_ALIASES.get(template, template)
    config: t.Any = Config(template_directory=template_directory)
    config.set_main_option("script_location", directory)
    config.config_file_name = os.path.join(directory, "alembic.ini")
    config = migrate.call_configure_callbacks(config)
    if template is None:
        template = "kolben-multidb" if multidb else "kolben"
    command.init(config, directory, template=template, package=package)


@catch_errors
def revision(
    directory: PathArg = None,
    message: str | None = None,
    autogenerate: bool = False,
    sql: bool = False,
    head: str = "head",
    splice: bool = False,
    branch_label: str | None = None,
    version_path: str | None = None,
    rev_id: str | None = None,
) -> None:
    """Create a revision file: empty, or with ``autogenerate`` the changes.

    :param directory: the migrations folder.
    :param message: the revision's message.
    :param autogenerate: fill it with the differences between the models
        and the database.
    :param sql: write the SQL of the revision to standard output instead.
    :param head: the head (or ``branch@head``) to base the revision on.
    :param splice: allow ``head`` to be a revision that is not a head.
    :param branch_label: a branch label for the new revision.
    :param version_path: the versions folder to write it in.
    :param rev_id: the revision id, instead of a generated one.
    """
    opts = ["autogenerate"] if autogenerate else None
    config = _config(directory, opts=opts)
    command.revision(
        config,
        message,
        autogenerate=autogenerate,
        sql=sql,
        head=head,
        splice=splice,
        branch_label=branch_label,
        version_path=version_path,
        rev_id=rev_id,
    )


@catch_errors
def migrate(
    directory: PathArg = None,
    message: str | None = None,
    sql: bool = False,
    head: str = "head",
    splice: bool = False,
    branch_label: str | None = None,
    version_path: str | None = None,
    rev_id: str | None = None,
    x_arg: XArg = None,
) -> None:
    """Write a revision file of the models' changes: ``revision --autogenerate``.

    Nothing is written when the models and the database agree. The
    parameters are those of :func:`revision`, and ``x_arg`` for ``env.py``.
    """
    config = _config(directory, x_arg=x_arg, opts=["autogenerate"])
    command.revision(
        config,
        message,
        autogenerate=True,
        sql=sql,
        head=head,
        splice=splice,
        branch_label=branch_label,
        version_path=version_path,
        rev_id=rev_id,
    )


@catch_errors
def edit(directory: PathArg = None, revision: str = "current") -> None:
    """Open a revision file in ``$EDITOR``.

    :param directory: the migrations folder.
    :param revision: the revision, ``current`` by default.
    """
    command.edit(_config(directory), revision)


@catch_errors
def merge(
    directory: PathArg = None,
    revisions: str | Sequence[str] = "",
    message: str | None = None,
    branch_label: str | None = None,
    rev_id: str | None = None,
) -> None:
    """Create a revision file that merges ``revisions`` (two heads, say).

    :param directory: the migrations folder.
    :param revisions: the revisions to merge.
    :param message: the merge revision's message.
    :param branch_label: a branch label for it.
    :param rev_id: its id, instead of a generated one.
    """
    command.merge(
        _config(directory),
        revisions if isinstance(revisions, str) else tuple(revisions),
        message=message,
        branch_label=branch_label,
        rev_id=rev_id,
    )


@catch_errors
def upgrade(
    directory: PathArg = None,
    revision: str = "head",
    sql: bool = False,
    tag: str | None = None,
    x_arg: XArg = None,
) -> None:
    """Upgrade the database to ``revision``, the latest by default.

    :param directory: the migrations folder.
    :param revision: the target revision, or ``+N``.
    :param sql: write the SQL to standard output instead of running it.
    :param tag: a tag for custom ``env.py`` scripts.
    :param x_arg: ``-x`` arguments for ``env.py``.
    """
    config = _config(directory, x_arg=x_arg)
    command.upgrade(config, revision, sql=sql, tag=tag)


@catch_errors
def downgrade(
    directory: PathArg = None,
    revision: str = "-1",
    sql: bool = False,
    tag: str | None = None,
    x_arg: XArg = None,
) -> None:
    """Downgrade the database to ``revision``, one step back by default.

    :param directory: the migrations folder.
    :param revision: the target revision, ``-N``, or ``base``.
    :param sql: write the SQL to standard output instead of running it
        (``-1`` then means one step back from the head).
    :param tag: a tag for custom ``env.py`` scripts.
    :param x_arg: ``-x`` arguments for ``env.py``.
    """
    config = _config(directory, x_arg=x_arg)
    if sql and revision == "-1":
        revision = "head:-1"
    command.downgrade(config, revision, sql=sql, tag=tag)


@catch_errors
def show(directory: PathArg = None, revision: str = "head") -> None:
    """Show a revision: its id, parents, path and message.

    :param directory: the migrations folder.
    :param revision: the revision, ``head`` by default.
    """
    command.show(_config(directory), revision)


@catch_errors
def history(
    directory: PathArg = None,
    rev_range: str | None = None,
    verbose: bool = False,
    indicate_current: bool = False,
) -> None:
    """List the revisions, newest first.

    :param directory: the migrations folder.
    :param rev_range: ``[start]:[end]``; all of them by default.
    :param verbose: show each one in full.
    :param indicate_current: mark the database's current revision.
    """
    command.history(
        _config(directory),
        rev_range,
        verbose=verbose,
        indicate_current=indicate_current,
    )


@catch_errors
def heads(
    directory: PathArg = None, verbose: bool = False, resolve_dependencies: bool = False
) -> None:
    """Show the heads: the revisions nothing revises yet.

    :param directory: the migrations folder.
    :param verbose: show each one in full.
    :param resolve_dependencies: count ``depends_on`` as parents.
    """
    command.heads(
        _config(directory), verbose=verbose, resolve_dependencies=resolve_dependencies
    )


@catch_errors
def branches(directory: PathArg = None, verbose: bool = False) -> None:
    """Show the branch points: revisions that more than one revision revises.

    :param directory: the migrations folder.
    :param verbose: show each one in full.
    """
    command.branches(_config(directory), verbose=verbose)


@catch_errors
def current(directory: PathArg = None, verbose: bool = False) -> None:
    """Show the database's current revision.

    :param directory: the migrations folder.
    :param verbose: show it in full.
    """
    command.current(_config(directory), verbose=verbose)


@catch_errors
def stamp(
    directory: PathArg = None,
    revision: str = "head",
    sql: bool = False,
    tag: str | None = None,
    purge: bool = False,
) -> None:
    """Record ``revision`` as the database's revision, running no migration.

    :param directory: the migrations folder.
    :param revision: the revision, ``head`` by default.
    :param sql: write the SQL to standard output instead of running it.
    :param tag: a tag for custom ``env.py`` scripts.
    :param purge: empty the version table first.
    """
    command.stamp(_config(directory), revision, sql=sql, tag=tag, purge=purge)


@catch_errors
def check(directory: PathArg = None) -> None:
    """Fail (status 1) when the models differ from the upgraded database.

    :param directory: the migrations folder.
    """
    command.check(_config(directory))
