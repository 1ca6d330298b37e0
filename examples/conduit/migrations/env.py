"""Alembic's environment for a kolben app: one database, the app's models.

Every ``kolben db`` command that talks to the database runs this file in
the app's context. It takes the engine and the models' ``MetaData`` from
the ``db`` object given to ``Migrate``, and the arguments for
``context.configure`` from ``Migrate`` (``compare_type``,
``render_as_batch``, and any others it was given).
"""

from __future__ import annotations

import logging
from logging.config import fileConfig
from typing import Any

from alembic import context

from kolben import current_app

config = context.config
if config.config_file_name is not None:
    fileConfig(config.config_file_name, disable_existing_loggers=False)
logger = logging.getLogger("alembic.env")

migrate_state = current_app.extensions["migrate"]
target_db = migrate_state.db


def get_engine() -> Any:
    """Return the app's default engine (its URL has kolben's driver defaults)."""
    return target_db.engine


def get_metadata() -> Any:
    """Return the ``MetaData`` of the default database's models."""
    if hasattr(target_db, "metadatas"):
        return target_db.metadatas[None]
    return target_db.metadata


def configure_args() -> dict[str, Any]:
    """Return the arguments for ``context.configure``, from ``Migrate``."""
    args = dict(migrate_state.configure_args)
    args.setdefault("process_revision_directives", skip_empty_revision)
    return args


def skip_empty_revision(ctx: Any, revision: Any, directives: list[Any]) -> None:
    """Write no revision file when autogenerate finds no change."""
    if getattr(config.cmd_opts, "autogenerate", False):
        script = directives[0]
        if script.upgrade_ops.is_empty():
            directives[:] = []
            logger.info("No changes in schema detected.")


url = get_engine().url.render_as_string(hide_password=False)
config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))


def run_migrations_offline() -> None:
    """Print the migrations' SQL (``--sql``), with no connection."""
    args = {"literal_binds": True, **configure_args()}
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=get_metadata(),
        **args,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Run the migrations on a connection of the app's engine."""
    with get_engine().connect() as connection:
        context.configure(
            connection=connection, target_metadata=get_metadata(), **configure_args()
        )
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
