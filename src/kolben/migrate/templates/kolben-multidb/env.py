"""Alembic's environment for a kolben app with several databases.

Every ``kolben db`` command that talks to the databases runs this file in
the app's context. It migrates the default database and each bind of
``SQLALCHEMY_BINDS``, taking their engines and their models' ``MetaData``
from the ``db`` object given to ``Migrate``, and the arguments for
``context.configure`` from ``Migrate``. Revision files name the default
database ``""`` and each bind by its key.
"""

from __future__ import annotations

import logging
import sys
from logging.config import fileConfig
from typing import Any

import sqlalchemy as sa
from alembic import context

from kolben import current_app

#: Commit the databases with two-phase commit (the servers must allow it,
#: e.g. PostgreSQL's max_prepared_transactions).
USE_TWOPHASE = False

config = context.config
if config.config_file_name is not None:
    fileConfig(config.config_file_name, disable_existing_loggers=False)
logger = logging.getLogger("alembic.env")

migrate_state = current_app.extensions["migrate"]
target_db = migrate_state.db


def get_engines() -> dict[str, Any]:
    """Return each database's engine by name: the default one first, as ``""``."""
    engines = target_db.engines
    named = {"": engines[None]} if None in engines else {}
    named.update((key, engine) for key, engine in engines.items() if key is not None)
    return named


def get_metadata(name: str) -> Any:
    """Return the ``MetaData`` of the models of database ``name``."""
    metadata = target_db.metadatas.get(name or None)
    return sa.MetaData() if metadata is None else metadata


def configure_args() -> dict[str, Any]:
    """Return the arguments for ``context.configure``, from ``Migrate``."""
    args = dict(migrate_state.configure_args)
    args.setdefault("process_revision_directives", skip_empty_revision)
    return args


def skip_empty_revision(ctx: Any, revision: Any, directives: list[Any]) -> None:
    """Write no revision file when autogenerate finds no change in any database."""
    if not getattr(config.cmd_opts, "autogenerate", False):
        return
    script = directives[0]
    # Called after each database; decide once all have been compared.
    if len(script.upgrade_ops_list) < len(engines):
        return
    if all(ops.is_empty() for ops in script.upgrade_ops_list):
        directives[:] = []
        logger.info("No changes in schema detected.")


engines = get_engines()
for name, engine in engines.items():
    url = engine.url.render_as_string(hide_password=False).replace("%", "%%")
    if name:
        config.set_section_option(name, "sqlalchemy.url", url)
    else:
        config.set_main_option("sqlalchemy.url", url)


def run_migrations_offline() -> None:
    """Print each database's SQL (``--sql``), with no connection."""
    args = {"literal_binds": True, **configure_args()}
    for name, engine in engines.items():
        logger.info("Migrating database %s", name or "<default>")
        sys.stdout.write(f"-- Database: {name or '<default>'}\n")
        context.configure(
            url=engine.url,
            output_buffer=sys.stdout,
            target_metadata=get_metadata(name),
            **args,
        )
        with context.begin_transaction():
            context.run_migrations(engine_name=name)


def run_migrations_online() -> None:
    """Run every database's migrations, committing all of them or none."""
    connections = {name: engine.connect() for name, engine in engines.items()}
    transactions = {
        name: conn.begin_twophase() if USE_TWOPHASE else conn.begin()
        for name, conn in connections.items()
    }
    try:
        for name, conn in connections.items():
            logger.info("Migrating database %s", name or "<default>")
            context.configure(
                connection=conn,
                upgrade_token=f"{name}_upgrades",
                downgrade_token=f"{name}_downgrades",
                target_metadata=get_metadata(name),
                **configure_args(),
            )
            context.run_migrations(engine_name=name)
        if USE_TWOPHASE:
            for transaction in transactions.values():
                transaction.prepare()
        for transaction in transactions.values():
            transaction.commit()
    except BaseException:
        for transaction in transactions.values():
            transaction.rollback()
        raise
    finally:
        for conn in connections.values():
            conn.close()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
