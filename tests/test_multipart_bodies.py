"""Multipart bodies as old clients send them, through the app in both protocols."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest

from kolben import Kolben, request
from kolben.testing import KolbenClient

IE7_BOUNDARY = "---------------------------7d93b9550d4a"
# The start and end of a JPEG: binary, with CR, LF and CRLF bytes inside.
PHOTO = (
    b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x01\x00H\x00H\x00\x00"
    b"\xff\xdb\x00C\x00\x08\x06\x06\x07\x06\x05\x08\x07\x07\x07\t\t\x08\n\x0c"
    b"\x14\r\x0c\x0b\x0b\x0c\x19\x12\x13\x0f\x14\x1d\x1a\x1f\x1e\x1d\x1a\x1c"
    b"\x1c $.' \",#\x1c\x1c(7),01444\x1f'9=82<.342\r\n\n\r-----\n--"
    + bytes(range(256)) * 8
    + b"\xff\xd9"
)


def ie7_body(line_break: bytes = b"\n") -> bytes:
    """The upload form of a photo site, as Internet Explorer 7 sent it."""
    marker = b"--" + IE7_BOUNDARY.encode()
    lines = [
        marker,
        b'Content-Disposition: form-data; name="title"',
        b"",
        b"Holiday \xc3\xa0 Cr\xc3\xa8te",
        marker,
        b'Content-Disposition: form-data; name="tags"',
        b"",
        b"sea",
        marker,
        b'Content-Disposition: form-data; name="tags"',
        b"",
        b"",
        marker,
        b'Content-Disposition: form-data; name="file"; filename="C:\\Documents'
        b' and Settings\\Ada\\My Documents\\My Pictures\\photo.jpg"',
        b"Content-Type: image/pjpeg",
        b"",
        PHOTO,
        marker + b"--",
        b"",
    ]
    return line_break.join(lines)


@pytest.fixture
def upload(app: Kolben) -> Kolben:
    @app.route("/upload", methods=["POST"])
    def view() -> Any:
        photo = request.files["file"]
        data = photo.read()
        return {
            "form": request.form.to_dict(flat=False),
            "filename": photo.filename,
            "mimetype": photo.mimetype,
            "size": len(data),
            "sha256": hashlib.sha256(data).hexdigest(),
        }

    return app


@pytest.mark.parametrize("line_break", [b"\n", b"\r\n", b"\r"])
def test_an_ie7_upload_with_any_line_breaks(
    upload: Kolben, client: KolbenClient, line_break: bytes
) -> None:
    r = client.post(
        "/upload",
        data=ie7_body(line_break),
        content_type=f"multipart/form-data; boundary={IE7_BOUNDARY}",
    )
    assert r.status_code == 200, r.text
    assert r.json["form"] == {
        "title": ["Holiday \u00e0 Cr\u00e8te"],
        "tags": ["sea", ""],
    }
    assert r.json["mimetype"] == "image/pjpeg"
    # IE sends the whole path; in a quoted string "\D" reads as "D", as in
    # Werkzeug, so only the base name is certain.
    assert r.json["filename"].endswith("photo.jpg")
    assert r.json["size"] == len(PHOTO)
    assert r.json["sha256"] == hashlib.sha256(PHOTO).hexdigest()


def test_a_large_lf_upload_is_spooled_and_intact(
    upload: Kolben, client: KolbenClient
) -> None:
    content = bytes(range(256)) * 3000 + b"\n--" + IE7_BOUNDARY[:-1].encode()
    body = ie7_body().replace(PHOTO, content)
    r = client.post(
        "/upload",
        data=body,
        content_type=f"multipart/form-data; boundary={IE7_BOUNDARY}",
    )
    assert r.status_code == 200, r.text
    assert r.json["size"] == len(content)
    assert r.json["sha256"] == hashlib.sha256(content).hexdigest()


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (ie7_body()[:-40], "ended before its closing boundary"),
        (
            ie7_body().replace(b"Content-Disposition", b"Content Disposition", 1),
            "header name contains &#x27; &#x27;",
        ),
        (
            ie7_body(b"\r\n").replace(b"\r\n", b"x\r\n", 1),
            "first boundary line has characters after the boundary",
        ),
    ],
)
def test_a_malformed_upload_is_400_saying_why(
    upload: Kolben, client: KolbenClient, body: bytes, message: str
) -> None:
    r = client.post(
        "/upload",
        data=body,
        content_type=f"multipart/form-data; boundary={IE7_BOUNDARY}",
    )
    assert r.status_code == 400
    assert message in r.text  # HTML-escaped, as the error page shows it


def test_every_upload_under_one_name_is_closed(app: Kolben) -> None:
    import io

    data = {"f": [(io.BytesIO(b"a"), "a.txt"), (io.BytesIO(b"b"), "b.txt")]}
    with app.test_request_context("/", method="POST", data=data):
        files = request.files.getlist("f")
        assert [f.read() for f in files] == [b"a", b"b"]
    assert all(f.stream.closed for f in files)
