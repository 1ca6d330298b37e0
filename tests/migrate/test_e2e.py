"""The real ``kolben db`` commands in a project, checked against the schema.

Each step runs the installed command in a subprocess, as a user does, on
SQLite and on PostgreSQL; what the database then has is read with
``sqlalchemy.inspect``. Steps are grouped in a few tests because each
subprocess costs a second or so.
"""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from .conftest import ShellProject

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


def assert_schema_v1(project: ShellProject) -> None:
    """The database has the tables, columns and indexes of ``MODELS_V1``."""
    assert project.tables() == {"alembic_version", "user", "post"}
    columns = project.columns("user")
    assert set(columns) == {"id", "name", "nickname", "age", "score"}
    assert columns["name"].length == 50
    assert isinstance(columns["score"], sa.Integer)
    assert project.indexes("user") == {"ix_user_nickname"}


def test_init_migrate_upgrade_change_downgrade(shell_project: ShellProject) -> None:
    project = shell_project
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

    project.run("db", "downgrade")
    assert_schema_v1(project)
    first_id = first.name.split("_")[0]
    assert project.run("db", "current").stdout.split() == [first_id]


MULTIDB_V1 = """\
from sqlalchemy.orm import Mapped, mapped_column

from kolben.db import SQLAlchemy

db = SQLAlchemy()


class User(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)


class Entry(db.Model):
    __bind_key__ = "logs"
    id: Mapped[int] = mapped_column(primary_key=True)
    text: Mapped[str]


class Event(db.Model):
    __bind_key__ = "audit"
    id: Mapped[int] = mapped_column(primary_key=True)
"""

# A column in one bind and a table in another; the default database's
# models stay as they were.
MULTIDB_V2 = (
    MULTIDB_V1.replace(
        "    text: Mapped[str]\n",
        "    text: Mapped[str]\n    level: Mapped[int | None]\n",
    )
    + """

class Actor(db.Model):
    __bind_key__ = "audit"
    id: Mapped[int] = mapped_column(primary_key=True)
"""
)


def test_multidb_migrates_each_bind(tmp_path: Path) -> None:
    names = ("app", "logs", "audit")
    config = {
        "SQLALCHEMY_DATABASE_URI": "sqlite:///app.sqlite",
        "SQLALCHEMY_BINDS": {k: f"sqlite:///{k}.sqlite" for k in names[1:]},
    }
    folder = tmp_path / "instance"
    engines = {k: sa.create_engine(f"sqlite:///{folder / k}.sqlite") for k in names}
    project = ShellProject(tmp_path, config, engines["app"])

    def tables(name: str) -> set[str]:
        return set(sa.inspect(engines[name]).get_table_names())

    def entry_columns() -> set[str]:
        return {c["name"] for c in sa.inspect(engines["logs"]).get_columns("entry")}

    try:
        project.write("models.py", MULTIDB_V1)
        project.run("db", "init", "--multidb")
        project.run("db", "migrate", "-m", "initial")
        project.run("db", "upgrade")
        assert tables("app") == {"alembic_version", "user"}
        assert tables("logs") == {"alembic_version", "entry"}
        assert tables("audit") == {"alembic_version", "event"}

        project.write("models.py", MULTIDB_V2)
        project.run("db", "migrate", "-m", "binds")
        text = project.revisions()[-1].read_text()
        assert "op." not in text.split("def upgrade_():")[1].split("def ")[0]
        assert "add_column(sa.Column('level'" in text.split("def upgrade_logs")[1]
        assert "op.create_table('actor'" in text.split("def upgrade_audit")[1]
        project.run("db", "upgrade")
        assert entry_columns() == {"id", "text", "level"}
        assert tables("audit") == {"alembic_version", "event", "actor"}

        project.run("db", "downgrade")
        assert entry_columns() == {"id", "text"}
        assert tables("audit") == {"alembic_version", "event"}
        assert tables("app") == {"alembic_version", "user"}
    finally:
        for engine in engines.values():
            engine.dispose()


def test_without_alembic_the_command_names_the_extra(tmp_path: Path) -> None:
    project = ShellProject(tmp_path, {}, sa.create_engine("sqlite://"))
    project.write("models.py", MODELS_V1)
    app = (tmp_path / "app.py").read_text()
    # As if Alembic were not installed: importing it fails.
    project.write("app.py", "import sys\nsys.modules['alembic'] = None\n" + app)
    result = project.run("db", "upgrade", check=False)
    assert result.returncode != 0
    assert "need Alembic: install it with 'pip install kolben[db]'" in result.stderr
