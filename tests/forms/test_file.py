"""File fields and validators on kolben's FileStorage, under both protocols."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from wtforms.validators import DataRequired

from kolben import Kolben, request
from kolben.forms import KolbenForm
from kolben.forms.file import (
    FileAllowed,
    FileField,
    FileRequired,
    FileSize,
    MultipleFileField,
    file_allowed,
    file_required,
    file_size,
)
from kolben.http.files import FileStorage
from kolben.testing import KolbenClient
from tests.forms.conftest import fetch_token, make_app

Make = Callable[[Kolben], KolbenClient]


class UploadForm(KolbenForm):
    image = FileField(
        validators=[FileRequired(), FileAllowed(["png", "jpg"]), FileSize(1000)]
    )


class GalleryForm(KolbenForm):
    photos = MultipleFileField(
        validators=[DataRequired(), FileAllowed(["png"]), FileSize(100, min_size=2)]
    )


class OptionalForm(KolbenForm):
    attachment = FileField(validators=[FileAllowed(["pdf", "tar.gz"])])


def _describe(form: Any) -> Any:
    data = form.data
    files = data.get("image") or data.get("photos") or data.get("attachment")
    if files is None:
        return {"files": None}
    files = files if isinstance(files, list) else [files]
    return {"files": [[f.filename, len(f.read())] for f in files]}


@pytest.fixture
def c(make_client: Make) -> KolbenClient:
    app = make_app({"MAX_FORM_MEMORY_SIZE": 1000})
    forms = {"upload": UploadForm, "gallery": GalleryForm, "optional": OptionalForm}

    @app.post("/<name>")
    def upload(name: str) -> Any:
        form = forms[name]()
        if form.validate_on_submit():
            return _describe(form)
        return {"errors": form.errors}, 422

    @app.teardown_request
    def close_every_upload(exc: BaseException | None) -> None:
        # Request.close() closes the first file of each name only; a multiple
        # file input sends several under one name.
        for _name, upload in request.files.items(multi=True):
            upload.close()

    client = make_client(app)
    client.environ_base["HTTP_X_CSRFTOKEN"] = fetch_token(client)
    return client


@contextmanager
def posted(app: Kolben, data: dict[str, Any]) -> Iterator[None]:
    """A POST request context whose uploads are closed at its end."""
    with app.test_request_context(method="POST", data=data):
        try:
            yield
        finally:
            request.close()


def _file(content: bytes, name: str) -> tuple[io.BytesIO, str]:
    return io.BytesIO(content), name


def test_a_valid_upload(c: KolbenClient) -> None:
    r = c.post("/upload", data={"image": _file(b"\x89PNG" * 10, "cat.PNG")})
    assert r.json == {"files": [["cat.PNG", 40]]}


def test_an_upload_is_required(c: KolbenClient) -> None:
    r = c.post("/upload", data={"other": "x"})
    assert r.json == {"errors": {"image": ["This field is required."]}}
    # An empty file input sends a part without a file name.
    r = c.post("/upload", data={"image": _file(b"", "")})
    assert r.json == {"errors": {"image": ["This field is required."]}}


def test_a_file_of_a_wrong_type(c: KolbenClient) -> None:
    r = c.post("/upload", data={"image": _file(b"MZ", "setup.exe")})
    assert r.status_code == 422
    assert r.json == {
        "errors": {"image": ["File does not have an approved extension: png, jpg"]}
    }


def test_a_file_over_the_size_limit(c: KolbenClient) -> None:
    r = c.post("/upload", data={"image": _file(b"x" * 1001, "big.png")})
    assert r.json == {"errors": {"image": ["File must be between 0 and 1000 bytes."]}}


def test_a_file_spooled_to_disk_is_measured_and_kept(c: KolbenClient) -> None:
    # Over MAX_FORM_MEMORY_SIZE: the part is spooled to a temporary file.
    content = b"y" * 5000
    r = c.post("/optional", data={"attachment": _file(content, "big.tar.gz")})
    assert r.json == {"files": [["big.tar.gz", 5000]]}


def test_no_file_passes_the_optional_validators(c: KolbenClient) -> None:
    assert c.post("/optional", data={"x": "1"}).json == {"files": None}


def test_multiple_files(c: KolbenClient) -> None:
    photos = [_file(b"aa", "a.png"), _file(b"bbb", "b.png")]
    assert c.post("/gallery", data={"photos": photos}).json == {
        "files": [["a.png", 2], ["b.png", 3]]
    }
    bad = [_file(b"aa", "a.png"), _file(b"b", "b.png")]
    r = c.post("/gallery", data={"photos": bad})
    assert r.json == {"errors": {"photos": ["File must be between 2 and 100 bytes."]}}
    wrong = [_file(b"aa", "a.png"), _file(b"bb", "b.gif")]
    r = c.post("/gallery", data={"photos": wrong})
    assert r.json == {
        "errors": {"photos": ["File does not have an approved extension: png"]}
    }
    r = c.post("/gallery", data={"x": "1"})
    assert r.json == {"errors": {"photos": ["This field is required."]}}


class _UploadSet:
    """Flask-Uploads' protocol: ``file_allowed(storage, basename)``."""

    def __init__(self) -> None:
        self.asked: list[str] = []

    def file_allowed(self, storage: FileStorage, basename: str) -> bool:
        self.asked.append(basename)
        return basename.endswith(".txt")


def test_file_allowed_takes_an_upload_set(app: Kolben) -> None:
    uploads = _UploadSet()

    class F(KolbenForm):
        class Meta:
            csrf = False

        doc = FileField(validators=[FileAllowed(uploads, message="Text only.")])

    for name, ok in [("Notes.TXT", True), ("x.doc", False)]:
        with posted(app, {"doc": _file(b"x", name)}):
            form = F()
            assert form.validate() is ok
            assert form.errors == ({} if ok else {"doc": ["Text only."]})
    assert uploads.asked == ["notes.txt", "x.doc"]


def test_custom_messages_and_synonyms(app: Kolben) -> None:
    assert (file_required, file_allowed, file_size) == (
        FileRequired,
        FileAllowed,
        FileSize,
    )

    class F(KolbenForm):
        class Meta:
            csrf = False

        doc = FileField(
            validators=[FileRequired("Pick a file."), FileSize(1, message="Too big.")]
        )

    with posted(app, {"x": "1"}):
        form = F()
        assert not form.validate()
        assert form.errors == {"doc": ["Pick a file."]}
    with posted(app, {"doc": _file(b"xx", "a")}):
        form = F()
        assert not form.validate()
        assert form.errors == {"doc": ["Too big."]}
        # Validation leaves the file readable from its start.
        assert form.doc.data.read() == b"xx"
