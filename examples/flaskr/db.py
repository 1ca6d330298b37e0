"""Flaskr's SQLite database: one connection per app context, on ``g``."""

from __future__ import annotations

import sqlite3

import click

from kolben import Kolben, current_app, g
from kolben.cli import with_appcontext


def get_db() -> sqlite3.Connection:
    """Return this context's database connection, opening it on first use."""
    if "db" not in g:
        g.db = sqlite3.connect(current_app.config["DATABASE"])
        g.db.row_factory = sqlite3.Row
        # SQLite leaves foreign keys off unless each connection asks.
        g.db.execute("PRAGMA foreign_keys = ON")
    db: sqlite3.Connection = g.db
    return db


def close_db(exc: BaseException | None = None) -> None:
    """Close this context's connection, if one was opened.

    :param exc: the exception that ended the context, if any.
    """
    db: sqlite3.Connection | None = g.pop("db", None)
    if db is not None:
        db.close()


def init_db() -> None:
    """Drop and recreate the tables from ``schema.sql``."""
    db = get_db()
    with current_app.open_resource("schema.sql") as f:
        db.executescript(f.read().decode("utf-8"))


@click.command("init-db")
@with_appcontext
def init_db_command() -> None:
    """Clear the existing data and create new tables."""
    init_db()
    click.echo("Initialized the database.")


def init_app(app: Kolben) -> None:
    """Register the teardown that closes connections and the CLI command.

    :param app: the application to set up.
    """
    app.teardown_appcontext(close_db)
    app.cli.add_command(init_db_command)
