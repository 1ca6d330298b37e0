"""Flask-Babel: locale from Accept-Language, gettext and formatting in a view."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Flask, request
from flask_babel import Babel, format_date, format_decimal, get_locale, gettext

from .support import client


def make_app() -> Flask:
    app = Flask(__name__)

    def select_locale() -> str | None:
        return request.accept_languages.best_match(["en", "de", "fr"])

    Babel(app, locale_selector=select_locale)

    @app.get("/")
    def index() -> Any:
        return {
            "locale": str(get_locale()),
            "text": gettext("Hello %(name)s", name="Ada"),
            "number": format_decimal(1234.5),
            "date": format_date(date(2024, 3, 1), format="long"),
        }

    return app


def test_locale_and_formatting_follow_accept_language(protocol: str) -> None:
    c = client(make_app(), protocol)
    de = c.get("/", headers={"Accept-Language": "de-DE,de;q=0.9"}).get_json()
    assert de == {
        "locale": "de",
        "text": "Hello Ada",
        "number": "1.234,5",
        "date": "1. März 2024",
    }
    en = c.get("/", headers={"Accept-Language": "en"}).get_json()
    assert (en["number"], en["date"]) == ("1,234.5", "March 1, 2024")
