"""Flask-SQLAlchemy: a model, create_all on SQLite, a query in a view."""

from __future__ import annotations

from typing import Any

from flask import Flask, jsonify
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from .support import client


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)


class Note(db.Model):  # type: ignore[name-defined]
    id: Mapped[int] = mapped_column(primary_key=True)
    text: Mapped[str]


def make_app() -> Flask:
    app = Flask(__name__)
    app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite://"
    db.init_app(app)

    @app.post("/notes/<text>")
    def add(text: str) -> Any:
        db.session.add(Note(text=text))
        db.session.commit()
        return {"count": db.session.scalar(db.select(db.func.count(Note.id)))}

    @app.get("/notes")
    def notes() -> Any:
        rows = db.session.execute(db.select(Note).order_by(Note.text)).scalars()
        return jsonify([n.text for n in rows])

    with app.app_context():
        db.create_all()
    return app


def test_model_and_query_in_views(protocol: str) -> None:
    c = client(make_app(), protocol)
    assert c.post("/notes/b").get_json() == {"count": 1}
    assert c.post("/notes/a").get_json() == {"count": 2}
    assert c.get("/notes").get_json() == ["a", "b"]
