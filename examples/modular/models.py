"""The data: tasks, on the data battery ``kolben.db``."""

from __future__ import annotations

from datetime import UTC, datetime

import click
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from kolben import Kolben, url_for
from kolben.cli import with_appcontext
from kolben.db import SQLAlchemy


class Base(DeclarativeBase):
    """The base of the models, in SQLAlchemy 2's typed style."""


db = SQLAlchemy(model_class=Base)


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


class Task(db.Model):  # type: ignore[name-defined,misc]
    """Something to do."""

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(db.String(200))
    done: Mapped[bool] = mapped_column(default=False)
    #: When it was made, in UTC.
    created: Mapped[datetime] = mapped_column(default=_now)

    @property
    def uri(self) -> str:
        """The task's URL in the API (in a request or app context)."""
        return url_for("api.task", id=self.id)


@click.command("init-db")
@with_appcontext
def init_db_command() -> None:
    """Clear the existing data and create new tables."""
    db.drop_all()
    db.create_all()
    click.echo("Initialized the database.")


def init_app(app: Kolben) -> None:
    """Bind the database to ``app`` and add the ``init-db`` command.

    :param app: the application to set up.
    """
    db.init_app(app)
    app.cli.add_command(init_db_command)
