"""The real ``kolben db`` commands in a project, checked against the schema.

Each step runs the installed command in a subprocess, as a user does, on
SQLite and on PostgreSQL; what the database then has is read with
``sqlalchemy.inspect``. Steps are grouped in a few tests because each
subprocess costs a second or so.
"""

from __future__ import annotations

import sqlalchemy as sa

from .conftest import Project

MODELS_V1 = """\
from sqlalchemy.orm import Mapped, mapped_column

from kolben.db import SQLAlchemy

db = SQLAlchemy()


class User(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(db.String(50))
    nickname: Mapped[str] = mapped_column(db.String(30), index=True)
    age: Mapped[int | None]
    score: Mapped[int] = mapped_column(db.Integer)


class Post(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(db.String(200))
"""

# Every kind of change autogenerate must see: a table added and one dropped;
# a column added, one removed, two of changed types; an index added, one
# removed.
MODELS_V2 = """\
from sqlalchemy.orm import Mapped, mapped_column

from kolben.db import SQLAlchemy

db = SQLAlchemy()


class User(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(db.String(100))
    nickname: Mapped[str] = mapped_column(db.String(30))
    score: Mapped[float] = mapped_column(db.Float)
    email: Mapped[str | None] = mapped_column(db.String(120), index=True)


class Tag(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    label: Mapped[str] = mapped_column(db.String(40))
"""


def assert_schema_v1(project: Project) -> None:
    """The database has the tables, columns and indexes of ``MODELS_V1``."""
    assert project.tables() == {"alembic_version", "user", "post"}
    columns = project.columns("user")
    assert set(columns) == {"id", "name", "nickname", "age", "score"}
    assert columns["name"].length == 50
    assert isinstance(columns["score"], sa.Integer)
    assert project.indexes("user") == {"ix_user_nickname"}


def test_init_migrate_upgrade_change_downgrade(project: Project) -> None:
    project.write("models.py", MODELS_V1)
    project.run("db", "init")
    assert (project.root / "migrations" / "env.py").is_file()
    assert (project.root / "migrations" / "alembic.ini").is_file()
    assert (project.root / "migrations" / "versions").is_dir()

    project.run("db", "migrate", "-m", "initial")
    [first] = project.revisions()
    text = first.read_text()
    assert "op.create_table('user'" in text and "op.create_table('post'" in text
    assert "initial" in text
    project.run("db", "upgrade")
    assert_schema_v1(project)

    project.write("models.py", MODELS_V2)
    # The models are ahead of the database: check says so, and fails.
    failed = project.run("db", "check", check=False)
    assert failed.returncode == 1
    assert "New upgrade operations detected" in failed.stderr
    assert "add_table" in failed.stderr and "remove_column" in failed.stderr
    project.run("db", "migrate", "-m", "second")
    [_, second] = project.revisions()
    text = second.read_text()
    for operation in (
        "op.create_table('tag'",
        "op.drop_table('post')",
        "add_column(sa.Column('email', sa.String(length=120)",
        "drop_column('age')",
        "create_index(batch_op.f('ix_user_email')",
        "drop_index(batch_op.f('ix_user_nickname'))",
        "alter_column('name'",
        "type_=sa.String(length=100)",
        "alter_column('score'",
        "type_=sa.Float()",
    ):
        assert operation in text, operation

    project.run("db", "upgrade")
    assert project.tables() == {"alembic_version", "user", "tag"}
    columns = project.columns("user")
    assert set(columns) == {"id", "name", "nickname", "score", "email"}
    assert columns["name"].length == 100
    assert isinstance(columns["score"], sa.Float)
    assert project.indexes("user") == {"ix_user_email"}
    checked = project.run("db", "check")
    assert "No new upgrade operations detected." in checked.stdout

    project.run("db", "downgrade")
    assert_schema_v1(project)
    first_id = first.name.split("_")[0]
    assert project.run("db", "current").stdout.split() == [first_id]
    # A database behind the latest revision fails the check too.
    failed = project.run("db", "check", check=False)
    assert failed.returncode == 1
    assert "Error: Target database is not up to date." in failed.stderr
