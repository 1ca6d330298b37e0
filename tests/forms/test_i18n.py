"""WTForms' messages in the request's language (WTF_I18N_ENABLED)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from kolben import Kolben
from kolben.forms import KolbenForm
from kolben.forms.i18n import available_locales, translations
from kolben.testing import KolbenClient
from tests.conftest import create_app

Make = Callable[[Kolben], KolbenClient]


class F(KolbenForm):
    class Meta:
        csrf = False

    name = StringField(validators=[DataRequired()])
    code = StringField(validators=[Length(max=1)])


class Russian(F):
    class Meta:
        locales = ["ru"]


def _app(config: dict[str, Any] | None = None) -> Kolben:
    app = create_app(config)

    @app.post("/")
    def index() -> Any:
        form = F()
        form.validate()
        return form.errors

    @app.post("/ru")
    async def ru() -> Any:
        form = Russian()
        form.validate()
        return form.errors

    return app


@pytest.mark.parametrize(
    ("accept", "required"),
    [
        ("de", "Dieses Feld wird benötigt."),
        ("de-DE,de;q=0.9", "Dieses Feld wird benötigt."),
        ("fr-CA, en;q=0.5", "Ce champ est requis."),
        ("xx, es;q=0.1", "Este campo es obligatorio."),
        ("xx", "This field is required."),
        (None, "This field is required."),
    ],
)
def test_messages_follow_accept_language(
    make_client: Make, accept: str | None, required: str
) -> None:
    headers = {"Accept-Language": accept} if accept else {}
    r = make_client(_app()).post("/", data={"code": "ab"}, headers=headers)
    assert r.json["name"] == [required]


def test_plurals_are_translated(make_client: Make) -> None:
    r = make_client(_app()).post(
        "/", data={"code": "ab"}, headers={"Accept-Language": "de"}
    )
    assert r.json["code"] == ["Feld kann nicht länger als 1 Zeichen sein."]


def test_i18n_disabled_keeps_english(make_client: Make) -> None:
    r = make_client(_app({"WTF_I18N_ENABLED": False})).post(
        "/", data={"x": "1"}, headers={"Accept-Language": "de"}
    )
    assert r.json["name"] == ["This field is required."]


def test_meta_locales_win(make_client: Make) -> None:
    r = make_client(_app()).post(
        "/ru", data={"x": "1"}, headers={"Accept-Language": "de"}
    )
    assert r.json["name"] == ["Обязательное поле."]


def test_catalog_names_map_to_language_tags() -> None:
    locales = available_locales()
    assert locales["de"] == "de"
    assert locales["zh-tw"] == "zh_TW"
    assert "readme.md" not in locales


def test_outside_a_request_messages_are_english() -> None:
    assert translations.gettext("This field is required.") == (
        "This field is required."
    )
    assert translations.ngettext("one", "many", 2) == "many"
