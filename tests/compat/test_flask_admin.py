"""Flask-Admin: the admin index and a model view over Flask-SQLAlchemy render."""

from __future__ import annotations

from flask import Flask
from flask_admin import Admin
from flask_admin.contrib.sqla import ModelView
from flask_babel import Babel
from flask_sqlalchemy import SQLAlchemy

from .support import client


def make_app() -> Flask:
    app = Flask(__name__)
    app.config.update(
        TESTING=True, SECRET_KEY="test", SQLALCHEMY_DATABASE_URI="sqlite://"
    )
    db = SQLAlchemy(app)

    class Pet(db.Model):  # type: ignore[name-defined]
        id = db.Column(db.Integer, primary_key=True)
        name = db.Column(db.String(50))

    # Flask-Babel is installed beside it, so Flask-Admin translates through
    # it, which wants it initialised (as on Flask).
    Babel(app)
    admin = Admin(app, name="Shop")
    admin.add_view(ModelView(Pet, db))
    with app.app_context():
        db.create_all()
        db.session.add(Pet(name="Rex"))
        db.session.commit()
    return app


def test_index_and_model_list_render(protocol: str) -> None:
    c = client(make_app(), protocol)
    index = c.get("/admin/")
    assert index.status_code == 200
    assert "Shop" in index.get_data(as_text=True)
    pets = c.get("/admin/pet/")
    assert pets.status_code == 200
    assert "Rex" in pets.get_data(as_text=True)
