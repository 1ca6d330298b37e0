"""kolben.forms under Flask-Babel: WTForms' messages in Babel's locale."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask_babel import Babel
from wtforms import StringField
from wtforms.validators import DataRequired

from kolben.forms import KolbenForm

from .support import client


class NameForm(KolbenForm):
    class Meta:
        csrf = False

    name = StringField(validators=[DataRequired()])


def make_app(locale: str | None) -> Flask:
    app = Flask(__name__)
    Babel(app, locale_selector=lambda: locale)

    @app.post("/")
    def index() -> Any:
        form = NameForm()
        form.validate()
        return form.errors

    return app


def test_babels_locale_wins_over_accept_language(protocol: str) -> None:
    c = client(make_app("fr"), protocol)
    r = c.post("/", data={"x": "1"}, headers={"Accept-Language": "de"})
    assert r.get_json() == {"name": ["Ce champ est requis."]}


def test_babels_default_locale_when_its_selector_has_none(protocol: str) -> None:
    # Flask-Babel falls back to BABEL_DEFAULT_LOCALE, "en".
    c = client(make_app(None), protocol)
    r = c.post("/", data={"x": "1"}, headers={"Accept-Language": "de"})
    assert r.get_json() == {"name": ["This field is required."]}
