"""The apps the browser tests serve: a form behind CSRF, and another origin."""

from __future__ import annotations

from typing import Any

from wtforms import StringField
from wtforms.validators import DataRequired

from kolben import Kolben, render_template_string, request
from kolben.forms import CSRFProtect, KolbenForm

PAGE = """<!doctype html><title>{{ title }}</title>
{% from "kolben/forms.html" import render_form %}
<h1>{{ title }}</h1>{{ body }}"""


class NoteForm(KolbenForm):
    """One note to save."""

    note = StringField("Note", validators=[DataRequired()])


def create_forms_app() -> Kolben:
    """An app that saves notes through a CSRF-protected form."""
    app = Kolben(__name__)
    app.config["SECRET_KEY"] = "browser tests"
    CSRFProtect(app)
    notes: list[str] = []

    @app.get("/ping")
    def ping() -> str:
        return "pong"

    @app.route("/note", methods=["GET", "POST"])
    def note() -> Any:
        form = NoteForm()
        if form.validate_on_submit():
            notes.append(form.note.data)
            return render_template_string(PAGE, title="Saved", body=form.note.data)
        return render_template_string(
            PAGE + "{{ render_form(form, submit='Save') }}", title="New note", form=form
        )

    @app.get("/notes")
    def all_notes() -> Any:
        return {"notes": notes}

    return app


def create_other_origin_app() -> Kolben:
    """Another site: a page whose form posts to ``?target=`` with ``?token=``."""
    app = Kolben(__name__)

    @app.get("/ping")
    def ping() -> str:
        return "pong"

    @app.get("/attack")
    def attack() -> str:
        return render_template_string(
            """<!doctype html><title>Win a prize</title>
<form method="post" action="{{ target }}">
  <input type="hidden" name="note" value="forged">
  {% if token %}<input type="hidden" name="csrf_token" value="{{ token }}">{% endif %}
  <button type="submit">Claim</button>
</form>""",
            target=request.args["target"],
            token=request.args.get("token"),
        )

    return app


forms_app = create_forms_app()
other_origin_app = create_other_origin_app()
