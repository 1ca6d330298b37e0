"""The migration functions and ``kolben db`` commands, run in-process.

Faster than a subprocess for each step: the functions run inside
``app.app_context()``, the commands through ``app.test_cli_runner()``, on a
SQLite file; the schema is read back with ``sqlalchemy.inspect``.
"""

from __future__ import annotations

import importlib
import re
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

import kolben.migrate as km
from kolben import Kolben
from kolben.db import SQLAlchemy
from kolben.migrate import Migrate, _MigrateConfig
from kolben.migrate.extension import TEMPLATES
from tests.db.conftest import dispose

FLASK_IMPORT = re.compile(r"^\s*(from\s+flask\b|import\s+flask\b)", re.MULTILINE)


def user_model(db: Any) -> None:
    """Define the ``User`` model the tests start from."""

    class User(db.Model):  # type: ignore[misc]
        id: Mapped[int] = mapped_column(primary_key=True)
        name: Mapped[str] = mapped_column(sa.String(50))


def user_with_email(db: Any) -> None:
    """Define ``User`` with one more column."""

    class User(db.Model):  # type: ignore[misc]
        id: Mapped[int] = mapped_column(primary_key=True)
        name: Mapped[str] = mapped_column(sa.String(50))
        email: Mapped[str | None]


class Project:
    """An app with one model, ``User``, on a SQLite file under ``root``."""

    def __init__(
        self,
        root: Path,
        models: Callable[[Any], None] = user_model,
        **migrate_options: Any,
    ) -> None:
        self.root = root
        self.db = db = SQLAlchemy()
        models(db)

        self.app = Kolben("migrate_tests", instance_path=str(root / "instance"))
        self.app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{root / 'app.sqlite'}"
        db.init_app(self.app)
        self.folder = root / "migrations"
        self.migrate = Migrate(self.app, db, directory=self.folder, **migrate_options)

    def tables(self) -> set[str]:
        """Return the tables the database has."""
        with self.app.app_context():
            return set(sa.inspect(self.db.engine).get_table_names())

    def revisions(self) -> list[str]:
        """Return the names of the revision files."""
        return sorted(p.name for p in (self.folder / "versions").glob("*.py"))

    def invoke(self, *args: str, **kwargs: Any) -> Any:
        """Run ``kolben db ARGS`` in-process; return click's result."""
        return self.app.test_cli_runner().invoke(args=["db", *args], **kwargs)


@pytest.fixture
def project(tmp_path: Path) -> Iterator[Project]:
    """A project whose engines are closed afterwards."""
    made = Project(tmp_path)
    yield made
    dispose(made.db, made.app)


def test_functions_round_trip(
    project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    with project.app.app_context():
        km.init()
        km.migrate(message="users", rev_id="aaa1")
        km.upgrade()
        assert project.tables() == {"alembic_version", "user"}
        # Nothing changed: autogenerate writes no empty revision.
        km.migrate(message="nothing")
        assert project.revisions() == ["aaa1_users.py"]

        class Post(project.db.Model):  # type: ignore[name-defined,misc]
            id: Mapped[int] = mapped_column(primary_key=True)

        km.migrate(message="posts", rev_id="bbb2")
        km.upgrade()
        assert "post" in project.tables()
        capsys.readouterr()
        km.current()
        km.heads()
        km.history()
        km.show(revision="aaa1")
        out = capsys.readouterr().out
        assert out.count("bbb2 (head)") == 3  # current, heads, history
        assert "aaa1 -> bbb2 (head), posts" in out
        assert "<base> -> aaa1, users" in out
        assert "Revision ID: aaa1" in out

        km.downgrade()
        assert project.tables() == {"alembic_version", "user"}
        # A database behind the latest revision fails the check. (env.py
        # has configured logging from alembic.ini: errors go to stderr.)
        with pytest.raises(SystemExit):
            km.check()
        assert "Error: Target database is not up to date." in capsys.readouterr().err
        km.downgrade(revision="base")
        assert project.tables() == {"alembic_version"}
        # stamp records a revision and runs nothing.
        km.stamp()
        km.current()
        assert "bbb2 (head)" in capsys.readouterr().out
        assert project.tables() == {"alembic_version"}
        km.stamp(revision="base", purge=True)
        km.current()
        assert "bbb2" not in capsys.readouterr().out
        km.upgrade()
        km.check()
        assert "No new upgrade operations" in capsys.readouterr().out


def test_sql_mode_prints_and_runs_nothing(
    project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    with project.app.app_context():
        km.init()
        km.migrate(rev_id="aaa1")
        capsys.readouterr()
        km.upgrade(sql=True)
        out = capsys.readouterr().out
        assert "CREATE TABLE user" in out
        assert "INSERT INTO alembic_version (version_num) VALUES ('aaa1')" in out
        # Offline downgrade: "-1" means one step back from the head.
        km.downgrade(sql=True)
        assert "DROP TABLE user" in capsys.readouterr().out
    assert "user" not in project.tables()


def test_commands_branch_merge_and_edit(project: Project, tmp_path: Path) -> None:
    assert project.invoke("init").exit_code == 0
    for args in (
        ("-m", "first", "--rev-id", "r1"),
        ("-m", "left", "--rev-id", "r2"),
        ("-m", "right", "--rev-id", "r3", "--head", "r1", "--splice"),
    ):
        result = project.invoke("revision", *args)
        assert result.exit_code == 0, result.output
    first = (project.folder / "versions" / "r1_first.py").read_text()
    assert "def upgrade():\n    pass" in first
    assert set(project.invoke("heads").output.split()) == {"r2", "r3", "(head)"}
    assert "r1 (branchpoint)" in project.invoke("branches").output
    merged = project.invoke("merge", "-m", "joined", "--rev-id", "r4", "r2", "r3")
    assert merged.exit_code == 0, merged.output
    assert project.invoke("heads").output.split() == ["r4", "(head)"]
    assert "Merges: r2, r3" in project.invoke("show", "r4").output
    history = project.invoke("history", "-r", "r1:r4", "--verbose").output
    assert "Revision ID: r4" in history and "Revision ID: r1" in history

    editor = tmp_path / "editor.sh"
    editor.write_text('#!/bin/sh\necho "# edited" >> "$1"\n')
    editor.chmod(0o755)
    edited = project.invoke("edit", "r2", env={"EDITOR": str(editor)})
    assert edited.exit_code == 0, edited.output
    assert (
        (project.folder / "versions" / "r2_left.py").read_text().endswith("# edited\n")
    )


def test_cli_lifecycle_in_process(project: Project) -> None:
    for args in (
        ("init",),
        ("migrate", "-m", "users", "--rev-id", "e1"),
        ("upgrade",),
        ("check",),
        ("downgrade", "base"),
        ("stamp", "head"),
    ):
        result = project.invoke(*args)
        assert result.exit_code == 0, (args, result.output)
    assert project.tables() == {"alembic_version"}
    assert project.invoke("current").stdout.split() == ["e1", "(head)"]
    failed = project.invoke("check")
    assert failed.exit_code == 1


def test_list_templates(project: Project) -> None:
    output = project.invoke("list-templates").output
    assert "kolben - Single-database configuration for kolben." in output
    assert "kolben-multidb - Multi-database configuration for kolben." in output
    assert "aioflask, aioflask-multidb, flask, flask-multidb" in output


def test_group_options_reach_every_command(project: Project) -> None:
    seen: list[Any] = []

    @project.migrate.configure
    def record(config: Any) -> Any:
        x = getattr(config.cmd_opts, "x", None)
        seen.append((config.get_main_option("script_location"), x))
        return config

    project.invoke("init")
    result = project.invoke("-x", "a", "upgrade", "-x", "b")
    assert result.exit_code == 0, result.output
    assert seen[-1] == (str(project.folder), ["a", "b"])
    missing = project.invoke("-d", "elsewhere", "current")
    assert missing.exit_code == 1
    assert seen[-1] == ("elsewhere", [])


def test_migrate_settings_and_init_app(tmp_path: Path) -> None:
    migrate = Migrate()
    assert (migrate.directory, migrate.command, migrate.db) == (
        "migrations",
        "db",
        None,
    )
    assert migrate.alembic_ctx_kwargs == {"compare_type": True, "render_as_batch": True}
    db = SQLAlchemy()
    app = Kolben("migrate_settings", instance_path=str(tmp_path))
    app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite://"
    db.init_app(app)
    migrate.init_app(
        app,
        db,
        tmp_path / "m",
        command="database",
        compare_type=False,
        render_as_batch=False,
        include_schemas=True,
    )
    state = app.extensions["migrate"]
    assert isinstance(state, _MigrateConfig)
    assert (state.migrate, state.db, state.metadata) == (migrate, db, db.metadata)
    assert state.directory == str(tmp_path / "m")
    assert state.configure_args == {
        "compare_type": False,
        "render_as_batch": False,
        "include_schemas": True,
    }
    with app.app_context():
        config = migrate.get_config(x_arg="one", opts=["autogenerate"])
    assert config.cmd_opts is not None
    assert (config.cmd_opts.x, config.cmd_opts.autogenerate) == (["one"], True)
    assert config.get_main_option("script_location") == str(tmp_path / "m")
    assert "database" in app.cli.commands and "db" not in app.cli.commands
    dispose(db, app)


def test_configure_callbacks_shape_the_config(project: Project) -> None:
    calls: list[str] = []

    @project.migrate.configure
    def name_files(config: Any) -> Any:
        calls.append("first")
        config.set_main_option("file_template", "%%(rev)s_custom_%%(slug)s")
        return config

    @project.migrate.configure
    def second(config: Any) -> Any:
        calls.append("second")
        assert config.get_main_option("file_template") == "%(rev)s_custom_%(slug)s"
        return config

    with project.app.app_context():
        km.init()
        km.revision(message="named", rev_id="c1")
    assert calls == ["first", "second"] * 2
    assert project.revisions() == ["c1_custom_named.py"]


SKEWED_USER = (
    "CREATE TABLE user (id INTEGER NOT NULL PRIMARY KEY, name VARCHAR(20) NOT NULL)"
)


@pytest.mark.parametrize(
    ("options", "present", "absent"),
    [
        ({}, ["batch_op.alter_column('name'", "type_=sa.String(length=50)"], []),
        (
            {"compare_type": False, "render_as_batch": False},
            ["op.add_column('user'"],
            ["alter_column", "batch_op"],
        ),
    ],
)
def test_compare_type_and_render_as_batch(
    tmp_path: Path, options: dict[str, Any], present: list[str], absent: list[str]
) -> None:
    project = Project(tmp_path, user_with_email, **options)
    with project.app.app_context():
        with project.db.engine.begin() as conn:
            conn.execute(sa.text(SKEWED_USER))
        km.init()
        km.migrate(rev_id="d1")
    text = (project.folder / "versions" / "d1_.py").read_text()
    for snippet in present:
        assert snippet in text
    for snippet in absent:
        assert snippet not in text
    dispose(project.db, project.app)


def test_init_templates(project: Project, caplog: pytest.LogCaptureFixture) -> None:
    root = project.root
    custom = root / "custom"
    custom.mkdir()
    for name in ("README", "alembic.ini.mako", "script.py.mako"):
        (custom / name).write_text((TEMPLATES / "kolben" / name).read_text())
    (custom / "env.py").write_text("# a custom environment\n")
    with project.app.app_context():
        km.init()
        km.init(directory=root / "flask", template="flask", package=True)
        km.init(directory=root / "multi", multidb=True)
        km.init(directory=root / "aio", template="aioflask-multidb")
        km.init(directory=root / "own", template=str(custom))
        with pytest.raises(SystemExit):
            km.init()
        with pytest.raises(SystemExit):
            km.init(directory=root / "none", template="nonesuch")
    assert "already exists and is not empty" in caplog.text
    assert "No such template" in caplog.text

    def env(folder: str) -> str:
        return (root / folder / "env.py").read_text()

    assert (
        env("migrations") == env("flask") == (TEMPLATES / "kolben/env.py").read_text()
    )
    assert (
        env("multi") == env("aio") == (TEMPLATES / "kolben-multidb/env.py").read_text()
    )
    assert env("own") == "# a custom environment\n"
    assert (root / "flask" / "__init__.py").exists()
    assert (root / "flask" / "versions" / "__init__.py").exists()
    # A folder made by kolben imports kolben, never Flask.
    for folder in ("migrations", "multi"):
        for path in (root / folder).iterdir():
            if path.is_file():
                assert not FLASK_IMPORT.search(path.read_text()), path
        assert "from kolben import current_app" in env(folder)


def test_docs_quick_start(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    docs = Path(__file__).parents[2] / "docs" / "migrate.md"
    found = re.search(r"```python\n(.*?)```", docs.read_text(), re.DOTALL)
    assert found is not None
    (tmp_path / "quickstart.py").write_text(found.group(1))
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    module = importlib.import_module("quickstart")
    try:
        app = module.create_app()
        with app.app_context():
            km.init()
            km.migrate(message="add users")
            km.upgrade()
            tables = sa.inspect(module.db.engine).get_table_names()
        assert set(tables) == {"alembic_version", "user"}
        assert (tmp_path / "instance" / "app.db").is_file()
        dispose(module.db, app)
    finally:
        sys.modules.pop("quickstart", None)
