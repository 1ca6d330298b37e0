"""Tests for kolben.http.forms."""

from __future__ import annotations

import io
import logging
import subprocess
import sys
import tempfile
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kolben.http._python_multipart import _DebugRelay, _relay_logs, explain
from kolben.http.exceptions import BadRequest, RequestEntityTooLarge
from kolben.http.files import FileStorage
from kolben.http.forms import (
    MultipartDecoder,
    encode_multipart,
    get_multipart_boundary,
    parse_form_data,
    parse_urlencoded,
)
from kolben.http.multidict import ImmutableMultiDict, MultiDict

BOUNDARY = "----testboundary"


def decode(body: bytes, chunk: int = 0, **limits: Any):
    decoder = MultipartDecoder(BOUNDARY.encode(), **limits)
    step = chunk or len(body) or 1
    for start in range(0, len(body), step):
        decoder.feed(body[start : start + step])
    return decoder.finish()


def part(disposition: str, content: bytes, extra: str = "") -> bytes:
    head = f"--{BOUNDARY}\r\nContent-Disposition: {disposition}\r\n{extra}\r\n"
    return head.encode() + content + b"\r\n"


END = f"--{BOUNDARY}--\r\n".encode()


def close(files: MultiDict[str, FileStorage]) -> None:
    """Close every uploaded file; unclosed temporary files warn."""
    for storage in files.values():
        storage.close()
    for _, storage in files.items(multi=True):
        storage.close()


# -- urlencoded ---------------------------------------------------------------


def test_parse_urlencoded():
    form = parse_urlencoded(b"a=1&a=2&b=x+y&c=%E2%82%AC")
    assert form.getlist("a") == ["1", "2"]
    assert form["b"] == "x y"
    assert form["c"] == "\u20ac"


def test_parse_urlencoded_errors():
    with pytest.raises(BadRequest, match="form data is not valid UTF-8"):
        parse_urlencoded(b"a=%ff")
    with pytest.raises(BadRequest, match="form data is not valid UTF-8"):
        parse_urlencoded(b"a=\xff")
    with pytest.raises(RequestEntityTooLarge, match="more than 1 fields"):
        parse_urlencoded(b"a=1&b=2", max_fields=1)


# -- boundary -----------------------------------------------------------------


def test_get_multipart_boundary():
    assert get_multipart_boundary('multipart/form-data; boundary="a b"') == b"a b"
    assert get_multipart_boundary("Multipart/Form-Data; boundary=xyz") == b"xyz"


@pytest.mark.parametrize(
    "content_type",
    [
        "multipart/form-data",
        "text/plain; boundary=x",
        "multipart/form-data; boundary=",
        "multipart/form-data; boundary=" + "x" * 71,
        'multipart/form-data; boundary="ends with space "',
        "multipart/form-data; boundary=bad\u00e9",
        'multipart/form-data; boundary="a;b"',
    ],
)
def test_get_multipart_boundary_refuses_bad_values(content_type):
    with pytest.raises(BadRequest, match="boundary"):
        get_multipart_boundary(content_type)


# -- multipart decoding ---------------------------------------------------------


def test_decoder_fields_and_files():
    body = (
        part('form-data; name="title"', b"Hello")
        + part('form-data; name="title"', b"Again")
        + part(
            'form-data; name="upload"; filename="a.txt"',
            b"file\r\ncontent",
            "Content-Type: text/plain\r\n",
        )
        + part(
            'form-data; name="latin"',
            "caf\u00e9".encode("latin-1"),
            "Content-Type: text/plain; charset=latin-1\r\n",
        )
        + END
    )
    fields, files = decode(body, chunk=3)
    assert fields.getlist("title") == ["Hello", "Again"]
    assert fields["latin"] == "caf\u00e9"
    upload = files["upload"]
    assert isinstance(upload, FileStorage)
    assert upload.filename == "a.txt"
    assert upload.name == "upload"
    assert upload.mimetype == "text/plain"
    assert upload.read() == b"file\r\ncontent"
    assert upload.headers["Content-Disposition"].startswith("form-data")
    close(files)


def test_decoder_utf8_filenames_and_empty_file_input():
    body = (
        part('form-data; name="f"; filename="r\u00e9sum\u00e9.pdf"', b"%PDF")
        + part('form-data; name="empty"; filename=""', b"")
        + END
    )
    _, files = decode(body)
    assert files["f"].filename == "r\u00e9sum\u00e9.pdf"
    assert files["empty"].filename == ""
    assert not files["empty"]
    close(files)


def test_decoder_falls_back_to_latin1_headers():
    head = 'form-data; name="f"; filename="caf\u00e9.txt"'.encode("latin-1")
    body = (
        f"--{BOUNDARY}\r\nContent-Disposition: ".encode()
        + head
        + b"\r\n\r\ndata\r\n"
        + END
    )
    _, files = decode(body)
    assert files["f"].filename == "caf\u00e9.txt"
    close(files)


def test_decoder_closes_a_half_received_file_on_error(monkeypatch):
    created: list[io.BytesIO] = []

    class FullDisk(io.BytesIO):
        def __init__(self, max_size: int = 0) -> None:
            super().__init__()
            created.append(self)

        def write(self, data: Any) -> int:
            raise OSError("No space left on device")

    monkeypatch.setattr("tempfile.SpooledTemporaryFile", FullDisk)
    decoder = MultipartDecoder(BOUNDARY.encode())
    # A disk failure is the server's problem: it is not turned into a 400.
    with pytest.raises(OSError, match="No space left"):
        decoder.feed(part('form-data; name="f"; filename="a"', b"data") + END)
    assert created[0].closed
    with pytest.raises(BadRequest):
        decoder.finish()


def test_decoder_spools_large_files_to_disk():
    data = b"x" * 5000
    body = part('form-data; name="f"; filename="big"', data) + END
    _, files = decode(body, spool_threshold=1024)
    stream = files["f"].stream
    assert stream._rolled
    assert files["f"].read() == data
    close(files)


def test_decoder_small_files_stay_in_memory():
    body = part('form-data; name="f"; filename="small"', b"abc") + END
    _, files = decode(body)
    assert not files["f"].stream._rolled
    close(files)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"", "ended before its closing boundary"),
        (part('form-data; name="a"', b"1"), "ended before its closing boundary"),
        (b"garbage without boundary", "malformed"),
        (part("form-data", b"1") + END, "no field name"),
        (
            f"--{BOUNDARY}\r\nX-Other: 1\r\n\r\nv\r\n".encode() + END,
            "no Content-Disposition",
        ),
        (part('form-data; name="a"', b"\xff\xfe") + END, "not valid utf-8"),
        (
            part(
                'form-data; name="a"',
                b"x",
                "Content-Type: text/plain; charset=nope\r\n",
            )
            + END,
            "unknown charset",
        ),
        (
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="a\x00"\r\n\r\n'
            "v\r\n".encode()
            + END,
            "NUL",
        ),
    ],
)
def test_decoder_malformed_bodies_are_bad_requests(body, message):
    with pytest.raises(BadRequest, match=message):
        decode(body)


@pytest.mark.parametrize(
    ("charset", "data"),
    [
        ("rot13", b"abc"),  # a codec, but not a text encoding
        ("hex", b"616263"),
        ("idna", b"\xff"),  # raises UnicodeError, not UnicodeDecodeError
        ("punycode", b"\xff"),
        ("undefined", b"a"),
        ("utf\x00-8", b"a"),
    ],
)
def test_decoder_field_charsets_that_cannot_decode_are_bad_requests(charset, data):
    body = part(
        'form-data; name="a"', data, f"Content-Type: text/plain; charset={charset}\r\n"
    )
    with pytest.raises(BadRequest, match="charset|not valid|NUL"):
        decode(body + END)


def test_decoder_limits():
    many = b"".join(part(f'form-data; name="f{i}"', b"v") for i in range(5)) + END
    with pytest.raises(RequestEntityTooLarge, match="more than 3 parts"):
        decode(many, max_form_parts=3)
    assert len(decode(many, max_form_parts=None)[0]) == 5
    big = part('form-data; name="text"', b"x" * 100) + END
    with pytest.raises(RequestEntityTooLarge, match="larger than 50 bytes"):
        decode(big, max_form_memory_size=50)
    assert decode(big, max_form_memory_size=None)[0]["text"] == "x" * 100
    # The memory limit is for text fields; files are spooled instead.
    big_file = part('form-data; name="f"; filename="a"', b"x" * 100) + END
    files = decode(big_file, max_form_memory_size=50)[1]
    assert files["f"].read() == b"x" * 100
    close(files)
    header = part('form-data; name="a"', b"v", "X-Big: " + "y" * 200 + "\r\n") + END
    with pytest.raises(RequestEntityTooLarge, match="headers of a multipart part"):
        decode(header, max_part_header_size=100)


def test_decoder_stays_failed_and_closes_files():
    decoder = MultipartDecoder(BOUNDARY.encode(), max_form_parts=1)
    first = part('form-data; name="f"; filename="a"', b"data")
    with pytest.raises(RequestEntityTooLarge):
        decoder.feed(first + part('form-data; name="g"; filename="b"', b"x") + END)
    with pytest.raises(BadRequest):
        decoder.feed(b"more")
    with pytest.raises(BadRequest):
        decoder.finish()


def test_decoder_ignores_epilogue_and_empty_chunks():
    body = part('form-data; name="a"', b"1") + END + b"epilogue"
    decoder = MultipartDecoder(BOUNDARY.encode())
    decoder.feed(b"")
    decoder.feed(body)
    decoder.feed(b"after")
    assert decoder.finish()[0]["a"] == "1"


def test_decoder_refuses_overlong_boundary():
    with pytest.raises(BadRequest, match="boundary"):
        MultipartDecoder(b"x" * 300)


# -- parse_form_data --------------------------------------------------------------


def test_parse_form_data_dispatches_on_content_type():
    form, files = parse_form_data(
        "application/x-www-form-urlencoded; charset=utf-8", [b"a=1&", b"b=2"]
    )
    assert form.to_dict() == {"a": "1", "b": "2"}
    assert not files
    body, content_type = encode_multipart({"x": "1", "f": (io.BytesIO(b"d"), "a.txt")})
    form, files = parse_form_data(content_type, [body[:10], body[10:]])
    assert form["x"] == "1"
    assert files["f"].read() == b"d"
    close(files)
    form, files = parse_form_data("application/json", [b"{}"])
    assert not form and not files
    form, files = parse_form_data(None, iter([]))
    assert not form and not files


def test_parse_form_data_cls_and_limits():
    form, files = parse_form_data(
        "application/x-www-form-urlencoded", [b"a=1"], cls=ImmutableMultiDict
    )
    assert type(form) is ImmutableMultiDict
    assert type(files) is ImmutableMultiDict
    with pytest.raises(RequestEntityTooLarge, match="larger than 5 bytes"):
        parse_form_data(
            "application/x-www-form-urlencoded",
            [b"a=1", b"&b=2"],
            max_form_memory_size=5,
        )
    with pytest.raises(RequestEntityTooLarge):
        parse_form_data(
            "application/x-www-form-urlencoded", [b"a=1&b=2"], max_form_parts=1
        )
    with pytest.raises(BadRequest):
        parse_form_data("multipart/form-data", [b""])


# -- encoding -------------------------------------------------------------------


def test_encode_multipart_value_kinds():
    storage = FileStorage(io.BytesIO(b"fs"), filename="s.png", content_type="image/x")
    named = io.BytesIO(b"named")
    named.name = "/tmp/dir/n.json"
    body, content_type = encode_multipart(
        [
            ("text", "é"),
            ("raw", b"raw bytes"),
            ("number", 5),
            ("pair", (io.BytesIO(b"p"), "p.txt")),
            ("triple", (io.BytesIO(b"s"), "t.bin", "app/x")),
            ("storage", storage),
            ("named", named),
            ("anon", io.BytesIO(b"a")),
            ("many", ["1", "2"]),
            ("tuple", ("3", "4")),
            ("strfile", (io.StringIO("text file"), "t.txt")),
        ],
        boundary=BOUNDARY,
    )
    assert content_type == f"multipart/form-data; boundary={BOUNDARY}"
    assert body.endswith(END)
    fields, files = decode(body)
    assert fields["text"] == "é"
    assert fields["number"] == "5"
    assert fields["raw"] == "raw bytes"
    assert fields.getlist("many") == ["1", "2"]
    assert fields.getlist("tuple") == ["3", "4"]
    assert files["pair"].mimetype == "text/plain"
    assert files["triple"].mimetype == "app/x"
    assert files["storage"].mimetype == "image/x"
    assert files["named"].filename == "n.json"
    assert files["named"].mimetype == "application/json"
    assert files["anon"].filename == ""
    assert files["anon"].mimetype == "application/octet-stream"
    assert files["strfile"].read() == b"text file"
    close(files)


def test_encode_multipart_refuses_boundary_in_content():
    with pytest.raises(ValueError, match="occurs in the value"):
        encode_multipart({"a": f"x--{BOUNDARY}"}, boundary=BOUNDARY)


def test_encode_multipart_random_boundary():
    first = encode_multipart({"a": "1"})[1]
    second = encode_multipart({"a": "1"})[1]
    assert first != second
    assert get_multipart_boundary(first)


def test_encode_multipart_accepts_a_multidict():
    body, content_type = encode_multipart(MultiDict([("a", "1"), ("a", "2")]))
    fields, _ = parse_form_data(content_type, [body])
    assert fields.getlist("a") == ["1", "2"]


# -- properties -------------------------------------------------------------------

_names = st.text(alphabet=st.characters(codec="utf-8"), max_size=10)
_values = st.text(alphabet=st.characters(codec="utf-8"), max_size=30)
_files = st.tuples(_names, st.binary(max_size=300))


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.tuples(_names, _values), max_size=5),
    st.lists(st.tuples(_names, _files), max_size=3),
    st.integers(1, 64),
)
def test_encode_then_decode_round_trips(fields, files, chunk):
    items: list[tuple[str, object]] = list(fields)
    items += [(name, (io.BytesIO(data), filename)) for name, (filename, data) in files]
    body, content_type = encode_multipart(items)
    decoder = MultipartDecoder(get_multipart_boundary(content_type))
    for start in range(0, len(body), chunk):
        decoder.feed(body[start : start + chunk])
    got_fields, got_files = decoder.finish()
    assert sorted(got_fields.items(multi=True)) == sorted(fields)
    got = sorted(
        (name, storage.filename, storage.read())
        for name, storage in got_files.items(multi=True)
    )
    close(got_files)
    assert got == sorted((name, filename, data) for name, (filename, data) in files)


@given(st.binary(max_size=300), st.integers(1, 50))
def test_garbage_only_yields_http_errors(data, chunk):
    decoder = MultipartDecoder(BOUNDARY.encode(), max_form_parts=5)
    try:
        for start in range(0, len(data), chunk):
            decoder.feed(data[start : start + chunk])
        close(decoder.finish()[1])
    except (BadRequest, RequestEntityTooLarge):
        pass


@given(
    st.lists(
        st.sampled_from(
            [
                f"--{BOUNDARY}\r\n".encode(),
                f"--{BOUNDARY}--\r\n".encode(),
                b'Content-Disposition: form-data; name="a"\r\n',
                b'Content-Disposition: form-data; name="f"; filename="x"\r\n',
                b"Content-Type: text/plain; charset=latin-1\r\n",
                b"\r\n",
                b"value",
                b"\xff",
                b"--",
            ]
        ),
        max_size=12,
    )
)
def test_structured_garbage_only_yields_http_errors(pieces):
    try:
        close(decode(b"".join(pieces), chunk=7, max_form_parts=3)[1])
    except (BadRequest, RequestEntityTooLarge):
        pass


# -- refusals say what was wrong ------------------------------------------------


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            b"garbage without boundary",
            "does not start with the boundary given in the Content-Type header"
            f" ('--{BOUNDARY}')",
        ),
        (
            f"--{BOUNDARY}x\r\n".encode(),
            "the first boundary line has characters after the boundary",
        ),
        (f"--{BOUNDARY}-x".encode(), "a single '-'; the closing boundary is"),
        (
            f"--{BOUNDARY}\r\nno headers here\r\n".encode(),
            "a part header name contains ' ', which header names may not contain"
            " (is a header line missing its colon?)",
        ),
        (f"--{BOUNDARY}\r\n: x\r\n".encode(), "no name before its colon"),
        (f"--{BOUNDARY}\r\nA: 1\rx".encode(), "header line ends in CR without LF"),
        (
            f"--{BOUNDARY}\r\nA: 1\r\n\rx".encode(),
            "blank line after a part's headers ends in CR without LF",
        ),
        (
            part('form-data; name="a"', b"v") + f"--{BOUNDARY} x\r\n".encode(),
            "characters after the spaces that follow the boundary",
        ),
        (
            f"--{BOUNDARY}\r\nX: {'y' * 5000}\r\n".encode(),
            "a part header line is longer than 4224 bytes",
        ),
        (f"--{BOUNDARY}\r\n".encode() + b"X: 1\r\n" * 9, "more than 8 headers"),
    ],
)
def test_python_multipart_refusals_are_explained(body: bytes, message: str) -> None:
    with pytest.raises(BadRequest) as info:
        decode(body, chunk=5)
    description = str(info.value.description)
    assert description.startswith("The multipart body is malformed: ")
    assert message in description
    # python-multipart's own words stay, as the detail.
    assert "(parser detail: " in description


def test_a_refused_decoder_says_so_when_fed_again() -> None:
    decoder = MultipartDecoder(BOUNDARY.encode())
    with pytest.raises(BadRequest):
        decoder.feed(b"garbage\r\n")
    with pytest.raises(BadRequest, match="already refused"):
        decoder.feed(b"more")


# -- python-multipart's log records --------------------------------------------


def test_python_multipart_warnings_go_to_kolben_at_debug(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG, logger="kolben.http.multipart")
    with pytest.raises(BadRequest):
        decode(f"--{BOUNDARY}\r\nno headers here\r\n".encode())
    relayed = [r for r in caplog.records if r.name == "kolben.http.multipart"]
    assert [r.levelno for r in relayed] == [logging.DEBUG]
    assert "Found invalid character 32 in header" in relayed[0].message
    # pytest captures every logger; outside it the record stops at
    # python-multipart's logger, which does not propagate.
    assert not logging.getLogger("python_multipart.multipart").propagate


def test_python_multipart_warnings_never_reach_stderr() -> None:
    # A fresh interpreter with no logging configured: a WARNING record
    # reaching the root logger would be printed by the last-resort handler.
    script = (
        "from kolben.http.forms import MultipartDecoder\n"
        "from kolben.http.exceptions import BadRequest\n"
        "d = MultipartDecoder(b'b')\n"
        "try:\n"
        "    d.feed(b'--b\\r\\nno headers here\\r\\n')\n"
        "except BadRequest as exc:\n"
        "    print(exc.code)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert (done.stdout, done.stderr) == ("400\n", "")


def test_unknown_python_multipart_messages_are_passed_on() -> None:
    assert explain(ValueError("Something new"), b"b") == "Something new"


def test_the_log_relay_is_installed_once() -> None:
    _relay_logs()
    source = logging.getLogger("python_multipart.multipart")
    assert sum(isinstance(h, _DebugRelay) for h in source.handlers) == 1


def test_files_are_closed_when_reading_the_body_fails(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Found by the load tests: an upload cut short left its temporary file
    # open until the cycle collector ran. The files are real; the wrapper
    # only keeps hold of them to look at them afterwards.
    opened: list[Any] = []
    real = tempfile.SpooledTemporaryFile

    def keep(*args: Any, **kwargs: Any) -> Any:
        opened.append(real(*args, **kwargs))
        return opened[-1]

    def body() -> Any:
        yield part('form-data; name="f"; filename="big.bin"', b"x" * 2000)[:-20]
        raise BadRequest("The client closed the connection mid-body.")

    monkeypatch.setattr(tempfile, "SpooledTemporaryFile", keep)
    with pytest.raises(BadRequest, match="mid-body"):
        parse_form_data(
            f"multipart/form-data; boundary={BOUNDARY}", body(), spool_threshold=100
        )
    assert opened
    assert all(f.closed for f in opened)
