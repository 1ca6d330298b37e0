"""Hostile form bodies posted to a form view: a 4xx with a message, never 500."""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

import pytest
from wtforms import StringField

from kolben import Kolben
from kolben.forms import KolbenForm
from kolben.forms.file import FileField
from kolben.testing import KolbenClient
from tests.forms.conftest import fetch_token, make_app

Make = Callable[[Kolben], KolbenClient]
BOUNDARY = "XyZzy"


class PostForm(KolbenForm):
    title = StringField()
    image = FileField()


@pytest.fixture(params=["checked", "exempt"])
def c(make_client: Make, request: pytest.FixtureRequest) -> KolbenClient:
    """A form view; CSRFProtect's check reads the body first, or the form."""
    app = make_app()

    @app.post("/post")
    def post() -> Any:
        form = PostForm()
        return {"valid": form.validate_on_submit(), "title": form.title.data}

    if request.param == "exempt":
        app.extensions["csrf"].exempt(post)

    client = make_client(app)
    client.environ_base["HTTP_X_CSRFTOKEN"] = fetch_token(client)
    return client


def _text(r: Any) -> str:
    return html.unescape(r.text)


def test_the_fixture_posts_a_valid_form(c: KolbenClient) -> None:
    # The form checks its own field; CSRFProtect takes the header as well.
    data = {"title": "ok", "csrf_token": c.environ_base["HTTP_X_CSRFTOKEN"]}
    assert c.post("/post", data=data).json == {"valid": True, "title": "ok"}


def test_invalid_utf8_in_a_urlencoded_body(c: KolbenClient) -> None:
    r = c.post(
        "/post",
        data=b"title=%FF%FE&x=\xff",
        content_type="application/x-www-form-urlencoded",
    )
    assert r.status_code == 400
    assert "The form data is not valid UTF-8 after percent-decoding." in _text(r)


def test_invalid_utf8_in_a_multipart_field(c: KolbenClient) -> None:
    body = (
        (
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="title"\r\n\r\n'
        ).encode()
        + b"\xff\xfe\r\n"
        + f"--{BOUNDARY}--\r\n".encode()
    )
    r = c.post(
        "/post", data=body, content_type=f"multipart/form-data; boundary={BOUNDARY}"
    )
    assert r.status_code == 400
    assert "The form field 'title' is not valid utf-8; send UTF-8." in _text(r)


def test_duplicate_fields(c: KolbenClient) -> None:
    r = c.post(
        "/post",
        data=b"title=a&title=b",
        content_type="application/x-www-form-urlencoded",
    )
    assert r.status_code == 400
    assert "The form sent the field 'title' 2 times; it takes one value." in _text(r)


def test_ten_thousand_fields(c: KolbenClient) -> None:
    body = "&".join(f"f{i}=v" for i in range(10_000)).encode()
    r = c.post("/post", data=body, content_type="application/x-www-form-urlencoded")
    assert r.status_code == 413
    assert "The form has more than 1000 fields" in _text(r)


def test_ten_thousand_multipart_fields(c: KolbenClient) -> None:
    parts = "".join(
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="f{i}"\r\n\r\nv\r\n'
        for i in range(10_000)
    )
    r = c.post(
        "/post",
        data=(parts + f"--{BOUNDARY}--\r\n").encode(),
        content_type=f"multipart/form-data; boundary={BOUNDARY}",
    )
    assert r.status_code == 413
    assert "The multipart form has more than 1000 parts" in _text(r)


def test_multipart_cut_off_mid_file(c: KolbenClient) -> None:
    body = (
        f"--{BOUNDARY}\r\n"
        'Content-Disposition: form-data; name="title"\r\n\r\nhello\r\n'
        f"--{BOUNDARY}\r\n"
        'Content-Disposition: form-data; name="image"; filename="a.png"\r\n'
        "Content-Type: image/png\r\n\r\n"
    ).encode() + b"\x89PNG" * 5000
    r = c.post(
        "/post", data=body, content_type=f"multipart/form-data; boundary={BOUNDARY}"
    )
    assert r.status_code == 400
    assert "The multipart body ended before its closing boundary" in _text(r)
