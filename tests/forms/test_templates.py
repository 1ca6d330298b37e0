"""The macro library kolben/forms.html: fields and whole forms in one line."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from wtforms import BooleanField, HiddenField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length

from kolben import Kolben, render_template_string
from kolben.forms import KolbenForm
from kolben.forms.file import FileField
from kolben.testing import KolbenClient
from tests.forms.conftest import make_app, token_in

Make = Callable[[Kolben], KolbenClient]
IMPORT = '{% from "kolben/forms.html" import render_field, render_form %}'


class PostForm(KolbenForm):
    title = StringField(
        "Title", validators=[DataRequired(), Length(max=5)], description="Short."
    )
    body = TextAreaField("Body")
    draft = BooleanField("Draft")
    ref = HiddenField(default="r")


class UploadForm(KolbenForm):
    image = FileField("Image")
    send = SubmitField("Send")


def _squash(html: str) -> str:
    return re.sub(r">\s+<", "><", html.strip())


def _app() -> Kolben:
    app = make_app()

    @app.route("/post", methods=["GET", "POST"])
    def post() -> Any:
        form = PostForm()
        form.validate_on_submit()
        return render_template_string(
            IMPORT + '{{ render_form(form, action="/post", submit="Publish") }}',
            form=form,
        )

    @app.get("/upload")
    def upload() -> Any:
        return render_template_string(
            IMPORT + '{{ render_form(UploadForm(), class="wide", id="up") }}',
            UploadForm=UploadForm,
        )

    @app.get("/field")
    def field() -> Any:
        form = PostForm()
        return render_template_string(
            IMPORT + '{{ render_field(form.title, placeholder="A title",'
            ' class="big") }}{{ render_field(form.ref) }}',
            form=form,
        )

    return app


def test_a_form_renders_in_one_line(make_client: Make) -> None:
    c = make_client(_app())
    page = c.get("/post").text
    token = token_in(page)
    assert _squash(page) == _squash(f"""
<form method="post" action="/post">
  <input id="ref" name="ref" type="hidden" value="r">
  <input id="csrf_token" name="csrf_token" type="hidden" value="{token}">
  <div class="field">
    <label for="title">Title</label>
    <input aria-describedby="title-description" id="title" maxlength="5"
 name="title" required type="text" value="">
    <small class="description" id="title-description">Short.</small>
  </div>
  <div class="field">
    <label for="body">Body</label>
    <textarea id="body" name="body">
</textarea>
  </div>
  <div class="field">
    <input id="draft" name="draft" type="checkbox" value="y">
 <label for="draft">Draft</label>
  </div>
  <button type="submit">Publish</button>
</form>""").replace("\n ", " ")


def test_errors_render_with_aria_invalid(make_client: Make) -> None:
    c = make_client(_app())
    token = token_in(c.get("/post").text)
    page = c.post("/post", data={"csrf_token": token, "title": "<too long>"}).text
    assert _squash(page).count('class="field field-error"') == 1
    assert (
        '<input aria-describedby="title-description title-errors"'
        ' aria-invalid="true" id="title" maxlength="5" name="title" required'
        ' type="text" value="&lt;too long&gt;">'
    ) in page
    assert _squash(
        '<ul class="errors" id="title-errors">'
        "<li>Field cannot be longer than 5 characters.</li></ul>"
    ) in _squash(page)


def test_files_make_a_multipart_form_and_a_submit_field_replaces_the_button(
    make_client: Make,
) -> None:
    page = make_client(_app()).get("/upload").text
    assert (
        '<form method="post" enctype="multipart/form-data" class="wide" id="up">'
        in (page)
    )
    assert '<input id="send" name="send" type="submit" value="Send">' in page
    assert "<button" not in page
    assert '<input id="image" name="image" type="file">' in page


def test_render_field_passes_attributes_and_hidden_fields_bare(
    make_client: Make,
) -> None:
    page = make_client(_app()).get("/field").text
    assert (
        '<input aria-describedby="title-description" class="big" id="title"'
        ' maxlength="5" name="title" placeholder="A title" required type="text"'
        ' value="">'
    ) in page
    assert page.endswith('<input id="ref" name="ref" type="hidden" value="r">')


def test_the_app_can_override_the_macros(tmp_path: Any, make_client: Make) -> None:
    (tmp_path / "kolben").mkdir()
    (tmp_path / "kolben" / "forms.html").write_text(
        "{% macro render_form(form) %}mine{% endmacro %}"
    )
    app = make_app()
    app.template_folder = str(tmp_path)

    @app.get("/")
    def index() -> Any:
        return render_template_string(
            '{% from "kolben/forms.html" import render_form %}{{ render_form(f) }}',
            f=PostForm(),
        )

    assert make_client(app).get("/").text == "mine"
