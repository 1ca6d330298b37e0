"""A migrations folder brought over from Flask-Migrate keeps working.

Flask-Migrate's ``env.py`` reads ``current_app.extensions["migrate"]``:
its ``db`` (``get_engine()`` where there is one, else ``engine``;
``metadatas``), its ``configure_args``. kolben keeps that interface, so the
only line a port changes is the import of ``current_app``; an ``env.py``
that still imports it from Flask gets an error naming that line.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

import kolben.migrate as km
from kolben import Kolben
from kolben.db import SQLAlchemy
from tests.db.conftest import dispose

from .test_commands import Project

#: An env.py that uses the app the way Flask-Migrate's template does.
PORTED_ENV = """\
from alembic import context

from kolben import current_app

config = context.config
state = current_app.extensions["migrate"]


def get_engine():
    try:
        return state.db.get_engine()
    except (TypeError, AttributeError):
        return state.db.engine


url = get_engine().url.render_as_string(hide_password=False)
config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
metadata = state.db.metadatas[None] if hasattr(state.db, "metadatas") else None

with get_engine().connect() as connection:
    context.configure(
        connection=connection, target_metadata=metadata, **state.configure_args
    )
    with context.begin_transaction():
        context.run_migrations()
"""


@pytest.fixture
def project(tmp_path: Path) -> Iterator[Project]:
    """A project with a migrations folder, whose engines are closed afterwards."""
    made = Project(tmp_path)
    with made.app.app_context():
        km.init()
    yield made
    dispose(made.db, made.app)


def test_env_importing_flask_names_the_line_to_change(
    project: Project, caplog: pytest.LogCaptureFixture
) -> None:
    env = project.folder / "env.py"
    source = env.read_text()
    env.write_text(
        source.replace(
            "from kolben import current_app", "from flask import current_app"
        )
    )
    with project.app.app_context(), pytest.raises(SystemExit) as info:
        km.upgrade()
    assert info.value.code == 1
    assert "env.py imports Flask ('from flask import current_app')" in caplog.text
    assert "Import the names from kolben instead" in caplog.text
    assert project.tables() == set()

    # Flask-Migrate's multidb script.py.mako imports it in a Mako block.
    env.write_text(source)
    mako = project.folder / "script.py.mako"
    mako.write_text("<%\n    from flask import current_app\n%>\n" + mako.read_text())
    with project.app.app_context(), pytest.raises(SystemExit):
        km.revision()
    assert "script.py.mako imports Flask" in caplog.text


def test_flask_migrate_shaped_env_runs_unchanged(project: Project) -> None:
    (project.folder / "env.py").write_text(PORTED_ENV)
    with project.app.app_context():
        km.migrate(rev_id="p1")
        km.upgrade()
    assert project.tables() == {"alembic_version", "user"}
    text = (project.folder / "versions" / "p1_.py").read_text()
    assert "op.create_table('user'" in text


def test_commands_without_migrate_say_what_to_call(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    db = SQLAlchemy()
    app = Kolben("no_migrate", instance_path=str(tmp_path))
    app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite://"
    db.init_app(app)
    with app.app_context(), pytest.raises(SystemExit):
        km.upgrade()
    assert "The app has no 'Migrate': call 'Migrate(app, db)'" in caplog.text
    with app.app_context():
        assert sa.inspect(db.engine).get_table_names() == []
    dispose(db, app)
