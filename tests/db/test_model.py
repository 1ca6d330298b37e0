"""Models: table names, bind keys, inheritance, both declarative styles."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import flask_sqlalchemy.model
import pytest
import sqlalchemy as sa
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column

from kolben.db import SQLAlchemy
from kolben.db.model import camel_to_snake_case

from .conftest import dispose, make_app


@pytest.mark.parametrize(
    ("name", "table"),
    [
        ("User", "user"),
        ("UserProfile", "user_profile"),
        ("HTTPRequest", "http_request"),
        ("APIKey2Owner", "api_key2_owner"),
        ("ABC", "abc"),
        ("_Private", "private"),
        ("Snake_Case", "snake__case"),
    ],
)
def test_table_names_are_snake_case(name: str, table: str) -> None:
    assert camel_to_snake_case(name) == table


@given(st.text(alphabet="aAbBzZ09_é", max_size=12))
def test_table_names_match_flask_sqlalchemy(name: str) -> None:
    # Tables keep their names when an app moves from Flask-SQLAlchemy.
    assert camel_to_snake_case(name) == flask_sqlalchemy.model.camel_to_snake_case(name)


@pytest.fixture(params=["classic", "declarative_base"])
def db(request: pytest.FixtureRequest) -> SQLAlchemy:
    if request.param == "classic":
        return SQLAlchemy()

    class Base(DeclarativeBase):
        pass

    return SQLAlchemy(model_class=Base)


def test_naming_rules(db: SQLAlchemy) -> None:
    class UserAccount(db.Model):  # type: ignore[name-defined,misc]
        id: Mapped[int] = mapped_column(primary_key=True)
        kind: Mapped[str] = mapped_column(sa.String(20))
        __mapper_args__ = {"polymorphic_on": "kind", "polymorphic_identity": "u"}

    class Admin(UserAccount):
        # No primary key of its own: single-table inheritance.
        __mapper_args__ = {"polymorphic_identity": "admin"}

    class Staff(UserAccount):
        # A primary key of its own: a table of its own (joined).
        id: Mapped[int] = mapped_column(
            sa.ForeignKey("user_account.id"), primary_key=True
        )
        __mapper_args__ = {"polymorphic_identity": "staff"}

    class Named(db.Model):  # type: ignore[name-defined,misc]
        __tablename__ = "my_things"
        id: Mapped[int] = mapped_column(primary_key=True)

    class Mixin:
        @declared_attr.directive
        def __tablename__(cls) -> str:
            return "from_" + str(type.__getattribute__(cls, "__name__")).lower()

    class Declared(Mixin, db.Model):  # type: ignore[name-defined,misc]
        id: Mapped[int] = mapped_column(primary_key=True)

    class Abstract(db.Model):  # type: ignore[name-defined,misc]
        __abstract__ = True
        id: Mapped[int] = mapped_column(primary_key=True)

    class Concrete(Abstract):
        pass

    assert UserAccount.__table__.name == "user_account"
    assert Admin.__table__ is UserAccount.__table__
    assert Staff.__table__.name == "staff"
    assert Named.__table__.name == "my_things"
    assert Declared.__table__.name == "from_declared"
    assert Concrete.__table__.name == "concrete"
    assert set(db.metadata.tables) == {
        "user_account",
        "staff",
        "my_things",
        "from_declared",
        "concrete",
    }


def test_disable_autonaming() -> None:
    db = SQLAlchemy(disable_autonaming=True)
    with pytest.raises(sa.exc.InvalidRequestError, match="__tablename__"):

        class Thing(db.Model):  # type: ignore[name-defined,misc]
            id: Mapped[int] = mapped_column(primary_key=True)


def test_the_classic_column_style(db: SQLAlchemy, tmp_path: Path) -> None:
    class Tag(db.Model):  # type: ignore[name-defined,misc]
        id = db.Column(db.Integer, primary_key=True)
        name = db.Column(db.String(40), nullable=False, unique=True)

    app = make_app(tmp_path, SQLALCHEMY_DATABASE_URI="sqlite://")
    db.init_app(app)
    with app.app_context():
        db.create_all()
        db.session.add(Tag(name="x"))
        db.session.commit()
        tag = Tag.query.filter_by(name="x").one()
        assert repr(tag) == "<Tag 1>"
        assert repr(Tag(name="y")).startswith("<Tag (transient ")
    dispose(db, app)


def test_bind_keys_put_tables_in_their_database(db: SQLAlchemy, tmp_path: Path) -> None:
    class Default(db.Model):  # type: ignore[name-defined,misc]
        id: Mapped[int] = mapped_column(primary_key=True)

    class Audit(db.Model):  # type: ignore[name-defined,misc]
        __bind_key__ = "audit"
        id: Mapped[int] = mapped_column(primary_key=True)

    class AuditDetail(Audit):
        # The bind key is inherited.
        id: Mapped[int] = mapped_column(sa.ForeignKey("audit.id"), primary_key=True)

    log = db.Table(
        "log", sa.Column("id", sa.Integer, primary_key=True), bind_key="audit"
    )
    plain = db.Table("plain", sa.Column("id", sa.Integer, primary_key=True))

    app = make_app(
        tmp_path,
        SQLALCHEMY_DATABASE_URI="sqlite:///main.sqlite",
        SQLALCHEMY_BINDS={"audit": "sqlite:///audit.sqlite"},
    )
    db.init_app(app)
    with app.app_context():
        assert Audit.metadata is AuditDetail.metadata is db.metadatas["audit"]
        assert log.metadata is db.metadatas["audit"]
        assert plain.metadata is db.metadata
        db.create_all()
        main = sa.inspect(db.engine).get_table_names()
        audit = sa.inspect(db.engines["audit"]).get_table_names()
        assert (sorted(main), sorted(audit)) == (
            ["default", "plain"],
            ["audit", "audit_detail", "log"],
        )
        db.session.add_all([Default(), Audit()])
        db.session.commit()
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Audit)) == 1
        db.session.execute(sa.insert(log).values(id=7))
        assert db.session.scalar(sa.select(log.c.id)) == 7
        db.session.rollback()
        db.drop_all(bind_key="audit")
        assert sa.inspect(db.engines["audit"]).get_table_names() == []
        assert sorted(sa.inspect(db.engine).get_table_names()) == ["default", "plain"]
        db.drop_all(bind_key=[None])
        assert sa.inspect(db.engine).get_table_names() == []
        with pytest.raises(sa.exc.UnboundExecutionError, match="'nope' is not in"):
            db.create_all(bind_key="nope")
    # Relative SQLite paths are in the instance folder, which was created.
    assert (tmp_path / "instance" / "main.sqlite").exists()
    assert (tmp_path / "instance" / "audit.sqlite").exists()
    dispose(db, app)


def test_reflect_loads_existing_tables(tmp_path: Path) -> None:
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'old.sqlite'}")
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE legacy (id INTEGER PRIMARY KEY, x TEXT)"))
    engine.dispose()
    db = SQLAlchemy()
    app = make_app(tmp_path, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/old.sqlite")
    db.init_app(app)
    with app.app_context():
        db.reflect()
        assert list(db.metadata.tables["legacy"].columns.keys()) == ["id", "x"]

        # A model named after a reflected table maps onto it.
        class Legacy(db.Model):  # type: ignore[name-defined,misc]
            pass

        assert Legacy.__table__ is db.metadata.tables["legacy"]
    dispose(db, app)


def test_metadata_naming_convention_reaches_binds() -> None:
    convention: dict[str, Any] = {"uq": "uq_%(table_name)s_%(column_0_name)s"}
    db = SQLAlchemy(metadata=sa.MetaData(naming_convention=convention))
    assert db._make_metadata("other").naming_convention == db.metadata.naming_convention
    assert db.metadata.info["bind_key"] is None


def test_names_of_sqlalchemy_are_attributes() -> None:
    db = SQLAlchemy()
    assert db.Column is sa.Column
    assert db.select is sa.select
    assert db.relationship("User").query_class is db.Query
    assert db.event is sa.event
    with pytest.raises(AttributeError):
        db.no_such_name  # noqa: B018
    with pytest.raises(AttributeError):
        db._private  # noqa: B018
