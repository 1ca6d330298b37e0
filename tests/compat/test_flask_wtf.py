"""Flask-WTF: a FlaskForm with CSRF, and FileRequired/FileAllowed on an upload."""

from __future__ import annotations

import io
import re
from typing import Any

from flask import Flask
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import StringField
from wtforms.validators import DataRequired

from .support import client


class UploadForm(FlaskForm):
    title = StringField("Title", validators=[DataRequired()])
    document = FileField(validators=[FileRequired(), FileAllowed(["pdf"])])


def make_app() -> Flask:
    app = Flask(__name__)
    app.config["SECRET_KEY"] = "test"

    @app.route("/upload", methods=["GET", "POST"])
    def upload() -> Any:
        form = UploadForm()
        if form.validate_on_submit():
            return {"title": form.title.data, "size": len(form.document.data.read())}
        if form.errors:
            return {"errors": form.errors}, 400
        return f"<input name=csrf_token value={form.csrf_token.current_token}>"

    return app


def csrf_token(page: str) -> str:
    match = re.search(r"name=csrf_token value=(\S+)>", page)
    assert match is not None
    return match.group(1)


def test_valid_upload_with_csrf_token(protocol: str) -> None:
    c = client(make_app(), protocol)
    token = csrf_token(c.get("/upload").get_data(as_text=True))
    data = {
        "csrf_token": token,
        "title": "T",
        "document": (io.BytesIO(b"%PDF"), "a.pdf"),
    }
    r = c.post("/upload", data=data)
    assert r.get_json() == {"title": "T", "size": 4}


def test_file_validators_and_csrf_reject(protocol: str) -> None:
    c = client(make_app(), protocol)
    token = csrf_token(c.get("/upload").get_data(as_text=True))
    wrong = {"csrf_token": token, "title": "T", "document": (io.BytesIO(b"x"), "a.exe")}
    errors = c.post("/upload", data=wrong).get_json()["errors"]
    assert list(errors) == ["document"]
    errors = c.post("/upload", data={"csrf_token": token, "title": "T"}).get_json()
    assert list(errors["errors"]) == ["document"]
    data = {"title": "T", "document": (io.BytesIO(b"%PDF"), "a.pdf")}
    errors = c.post("/upload", data=data).get_json()["errors"]
    assert list(errors) == ["csrf_token"]
