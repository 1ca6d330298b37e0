"""Multipart bodies with bare LF (or CR) line breaks, checked against Werkzeug.

Werkzeug's multipart parser is the reference: it is the parser Flask users
have, and it accepts LF, CR and CRLF line breaks. For any body the generator
builds, kolben must give the same fields and files whatever the chunking; for
a body Werkzeug refuses, kolben must refuse it too, with a 4xx.
"""

from __future__ import annotations

import io
import string
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, example, given, note, settings
from hypothesis import strategies as st
from werkzeug.formparser import MultiPartParser

from kolben.http._multipart_lf import LFMultipartParser, ParseError, needs_lf_parser
from kolben.http._python_multipart import MultipartParser
from kolben.http.exceptions import BadRequest, HTTPException, RequestEntityTooLarge
from kolben.http.forms import MultipartDecoder

# -- building bodies ----------------------------------------------------------

STYLES = ["crlf", "lf", "cr", "mixed"]
BREAKS = {"crlf": [b"\r\n"], "lf": [b"\n"], "cr": [b"\r"], "mixed": [b"\n", b"\r\n"]}


@dataclass
class Part:
    name: str
    value: bytes
    filename: str | None = None
    content_type: str | None = None


def render(
    boundary: bytes,
    parts: list[Part],
    breaks: list[bytes],
    *,
    padding: bytes = b"",
    first_padding: bytes = b"",
    epilogue: bytes = b"",
) -> bytes:
    """Build a body whose n-th line break is ``breaks[n % len(breaks)]``.

    The first boundary line takes the first break and *first_padding*,
    which is what the decoder looks at; *padding* goes after every later
    boundary.
    """
    count = 0

    def brk() -> bytes:
        nonlocal count
        count += 1
        return breaks[(count - 1) % len(breaks)]

    marker = b"--" + boundary
    if not parts:
        return marker + b"--" + epilogue
    body = bytearray(marker + first_padding)
    first = True
    for part in parts:
        if not first:
            body += brk() + marker + padding
        first = False
        body += brk()
        disposition = f'form-data; name="{part.name}"'
        if part.filename is not None:
            disposition += f'; filename="{part.filename}"'
        body += f"Content-Disposition: {disposition}".encode()
        last = brk()
        if part.content_type is not None:
            body += last + f"Content-Type: {part.content_type}".encode()
            last = brk()
        # The blank line repeats the last header's break: Werkzeug does not
        # see LF followed by CRLF as a blank line, and no client sends that.
        body += last + last + part.value
    return bytes(body + brk() + marker + b"--" + epilogue)


BOUNDARY_CHARS = string.ascii_letters + string.digits + "'()+_,-./:=?"
NAME_CHARS = string.ascii_letters + string.digits + " -_.[]éü€"
boundaries = st.text(BOUNDARY_CHARS, min_size=1, max_size=70).map(str.encode)
names = st.text(NAME_CHARS, max_size=12)


@st.composite
def contents(draw: st.DrawFn, boundary: bytes) -> bytes:
    """Binary content full of line breaks, dashes and near-boundaries."""
    marker = b"--" + boundary
    pieces = st.one_of(
        st.binary(max_size=20),
        st.sampled_from([b"\r", b"\n", b"\r\n", b"-", b"--", b"\r\n--", b"\n--"]),
        st.integers(0, len(marker) - 1).map(lambda n: marker[:n]),
        st.integers(1, len(boundary)).map(lambda n: b"\n--" + boundary[:n] + b"\n"),
    )
    data = b"".join(draw(st.lists(pieces, max_size=12)))
    assume(marker not in data)
    return data


@st.composite
def parts(draw: st.DrawFn, boundary: bytes) -> Part:
    name = draw(names)
    if draw(st.booleans()):
        text = draw(st.text(max_size=20)).encode("utf-8", "surrogatepass")
        assume(b"--" + boundary not in text)
        try:
            text.decode("utf-8")
        except UnicodeDecodeError:
            assume(False)
        return Part(name, text)
    filename = draw(st.text(NAME_CHARS, min_size=1, max_size=12))
    content_type = draw(
        st.sampled_from([None, "image/pjpeg", "application/octet-stream"])
    )
    return Part(name, draw(contents(boundary)), filename, content_type)


@st.composite
def bodies(draw: st.DrawFn, styles: list[str] = STYLES) -> tuple[bytes, bytes]:
    """Draw a boundary and a body built with it."""
    boundary = draw(boundaries)
    style = draw(st.sampled_from(styles))
    breaks = [draw(st.sampled_from(BREAKS[style])) for _ in range(7)]
    if style == "mixed":
        breaks[0] = b"\n"  # CRLF first would be python-multipart's body
    padding = draw(st.sampled_from([b"", b" ", b"\t  "]))
    first_padding = draw(st.sampled_from([b"", b"", b" "]))
    epilogue = draw(st.sampled_from([b"", breaks[0], breaks[0] + b"epilogue"]))
    drawn = draw(st.lists(parts(boundary), max_size=4))
    return boundary, render(
        boundary,
        drawn,
        breaks,
        padding=padding,
        first_padding=first_padding,
        epilogue=epilogue,
    )


chunkings = st.lists(st.integers(1, 40), min_size=1, max_size=6)

# -- the two parsers ----------------------------------------------------------

Result = tuple[list[tuple[str, str]], list[tuple[str, str | None, str | None, bytes]]]


def werkzeug_parse(boundary: bytes, body: bytes) -> Result:
    """Parse the whole body at once with Werkzeug, the reference."""
    # In-memory files: a refused body leaves Werkzeug's files unclosed.
    parser = MultiPartParser(
        lambda *args, **kwargs: io.BytesIO(), buffer_size=len(body) + 1
    )
    fields, files = parser.parse(io.BytesIO(body), boundary, len(body))
    return list(fields.items(multi=True)), [
        (name, file.filename, file.content_type, file.read())
        for name, file in files.items(multi=True)
    ]


def kolben_parse(
    boundary: bytes, body: bytes, sizes: list[int], **limits: Any
) -> Result:
    """Parse the body with kolben, fed in chunks of the given sizes in turn."""
    decoder = MultipartDecoder(boundary, **limits)
    position = turn = 0
    while position < len(body):
        size = sizes[turn % len(sizes)]
        decoder.feed(body[position : position + size])
        position += size
        turn += 1
    fields, files = decoder.finish()
    result = [
        (name, file.filename, file.content_type, file.read())
        for name, file in files.items(multi=True)
    ]
    for _, file in files.items(multi=True):
        file.close()
    return list(fields.items(multi=True)), result


IE7_BOUNDARY = b"---------------------------7d91f2a3c0b2e"
IE7_JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\r\n\n\r--\xff\xd9"


# -- properties ---------------------------------------------------------------


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(bodies(), chunkings)
@example(
    (
        IE7_BOUNDARY,
        render(
            IE7_BOUNDARY,
            [Part("file", IE7_JPEG, "photo.jpg", "image/pjpeg")],
            [b"\n"],
        ),
    ),
    [1],
)
def test_bodies_parse_as_werkzeug_parses_them(
    drawn: tuple[bytes, bytes], sizes: list[int]
) -> None:
    boundary, body = drawn
    assert kolben_parse(boundary, body, sizes) == werkzeug_parse(boundary, body)


def mutate(body: bytes, position: int, kind: str, byte: bytes) -> bytes:
    """Break a body at *position*: cut it there, or drop, add or swap a byte."""
    position %= len(body) + 1
    if kind == "cut":
        return body[:position]
    if kind == "drop":
        return body[:position] + body[position + 1 :]
    if kind == "add":
        return body[:position] + byte + body[position:]
    return body[:position] + byte + body[position + 1 :]


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(
    bodies(),
    chunkings,
    st.integers(min_value=0),
    st.sampled_from(["cut", "drop", "add", "swap"]),
    st.sampled_from([b"\r", b"\n", b"-", b":", b" ", b'"', b";", b"x", b"\x00"]),
)
def test_bodies_werkzeug_refuses_are_refused(
    drawn: tuple[bytes, bytes],
    sizes: list[int],
    position: int,
    kind: str,
    byte: bytes,
) -> None:
    boundary, body = drawn
    broken = mutate(body, position, kind, byte)
    note(f"body: {broken!r}")
    try:
        expected: Result | None = werkzeug_parse(boundary, broken)
    except UnicodeDecodeError:
        # Werkzeug refuses header bytes that are not UTF-8; kolben reads
        # them as Latin-1, which is what such a client means.
        return
    except ValueError:
        expected = None
    try:
        got: Result | None = kolben_parse(boundary, broken, sizes)
    except HTTPException as exc:
        # Never a 500: a body that does not parse is the client's error.
        assert exc.code in (400, 413)
        got = None
    if expected is None:
        assert got is None
    elif got is not None and kind == "cut":
        # Header parameters that a mutation garbles are read by two
        # different header parsers, so only cut bodies compare equal.
        assert got == expected


@settings(max_examples=200)
@given(bodies(["lf", "cr", "mixed"]), chunkings)
def test_the_parser_emits_python_multipart_callbacks(
    drawn: tuple[bytes, bytes], sizes: list[int]
) -> None:
    """Both parsers call the same callbacks in the same order."""
    boundary, body = drawn
    crlf = body.replace(b"\r\n", b"\n").replace(b"\r", b"\n").replace(b"\n", b"\r\n")
    assume(crlf.count(b"--" + boundary) == body.count(b"--" + boundary))
    assume(not needs_lf_parser(crlf, True))  # no spaces on the first line
    events: list[list[str]] = [[], []]

    def callbacks(log: list[str]) -> dict[str, Any]:
        def record(name: str) -> Any:
            def callback(*args: Any) -> None:
                if not log or log[-1] != name or not args:
                    log.append(name)

            return callback

        names = ["part_begin", "header_field", "header_value", "header_end"]
        names += ["headers_finished", "part_data", "part_end", "end"]
        return {"on_" + name: record(name) for name in names}

    parser = LFMultipartParser(boundary, callbacks(events[0]))
    for start in range(0, len(body), sizes[0]):
        parser.write(body[start : start + sizes[0]])
    # The same body with CRLF through python-multipart; part data is left
    # out, since the line breaks in it differ and chunking splits it.
    reference = MultipartParser(boundary, callbacks(events[1]))
    reference.write(crlf)
    without_data = [[e for e in log if e != "part_data"] for log in events]
    assert without_data[0] == without_data[1]


# -- the choice of parser -----------------------------------------------------


@pytest.mark.parametrize(
    ("head", "final", "bare"),
    [
        (b"--b\r\nContent", False, False),
        (b"\r\n--b\r\n", False, False),
        (b"--b\nContent", False, True),
        (b"\n\n--b\nContent", False, True),
        (b"--b\rContent", False, True),
        (b"--b \r\nContent", False, True),
        (b"\r\n\r\n--b\r\nC", False, False),
        (b"--b\r", False, None),
        (b"--b\r", True, False),
        (b"--b", False, None),
        (b"--b--", True, False),
        (b"x" * 300, False, False),
    ],
)
def test_the_first_line_break_chooses_the_parser(
    head: bytes, final: bool, bare: bool | None
) -> None:
    assert needs_lf_parser(head, final) is bare


def test_a_crlf_body_keeps_python_multipart() -> None:
    decoder = MultipartDecoder(b"b")
    decoder.feed(b"--b\r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n")
    assert not isinstance(decoder._parser, LFMultipartParser)
    decoder = MultipartDecoder(b"b")
    for byte in b"--b\nContent-Disposition: form-data; name=a\n\n1\n":
        decoder.feed(bytes([byte]))
    assert isinstance(decoder._parser, LFMultipartParser)


# -- limits and refusals are the same on both paths -----------------------------


def lf_and_crlf(body: str) -> list[bytes]:
    return [body.replace("\n", "\r\n").encode(), body.encode()]


HEAD = '--b\nContent-Disposition: form-data; name="{}"\n\n'


@pytest.mark.parametrize("newline", ["crlf", "lf"])
@pytest.mark.parametrize(
    ("body", "limits", "error", "message"),
    [
        (
            "".join(HEAD.format(i) + "v\n" for i in range(3)) + "--b--\n",
            {"max_form_parts": 2},
            RequestEntityTooLarge,
            "more than 2 parts, the limit set by MAX_FORM_PARTS",
        ),
        (
            HEAD.format("text") + "x" * 60 + "\n--b--\n",
            {"max_form_memory_size": 50},
            RequestEntityTooLarge,
            "'text' is larger than 50 bytes, the limit set by MAX_FORM_MEMORY_SIZE",
        ),
        (
            '--b\nContent-Disposition: form-data; name="a"\nX-Big: '
            + "y" * 200
            + "\n\nv\n--b--\n",
            {"max_part_header_size": 100},
            RequestEntityTooLarge,
            "headers of a multipart part are larger than 100 bytes",
        ),
        ("--b\nX-Other: 1\n\nv\n--b--\n", {}, BadRequest, "no Content-Disposition"),
        (
            "--b\nContent-Disposition: form-data\n\nv\n--b--\n",
            {},
            BadRequest,
            "no field name",
        ),
        (
            '--b\nContent-Disposition: form-data; name="a\x00"\n\nv\n--b--\n',
            {},
            BadRequest,
            "NUL",
        ),
        (HEAD.format("a") + "v\n", {}, BadRequest, "ended before its closing"),
        (
            '--b\nContent-Disposition: form-data; name="a"\nX: '
            + "y" * 4300
            + "\n\nv\n--b--\n",
            {"max_part_header_size": 10_000},
            BadRequest,
            "a part header line is longer than 4224 bytes",
        ),
        (
            '--b\nContent-Disposition: form-data; name="a"\n'
            + "X: 1\n" * 8
            + "\nv\n--b--\n",
            {},
            BadRequest,
            "a part has more than 8 headers",
        ),
        (
            '--b\nContent-Disposition: form-data; name="a"\nno colon here\n\nv\n'
            "--b--\n",
            {},
            BadRequest,
            "header .*colon",
        ),
        (
            '--b\nContent-Disposition: form-data; name="a"\n: x\n\nv\n--b--\n',
            {},
            BadRequest,
            "a part header line has no name before its colon",
        ),
        (
            "--x\nContent-Disposition: form-data; name=a\n\nv\n--b--\n",
            {},
            BadRequest,
            r"does not start with the boundary given in the Content-Type header"
            r" \('--b'\)",
        ),
    ],
)
def test_limits_and_refusals_are_the_same_for_lf_and_crlf(
    newline: str,
    body: str,
    limits: dict[str, Any],
    error: type[HTTPException],
    message: str,
) -> None:
    data = lf_and_crlf(body)[newline == "lf"]
    with pytest.raises(error, match=message) as info:
        kolben_parse(b"b", data, [7], **limits)
    assert type(info.value) is error


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            b"--bx\nContent-Disposition: form-data; name=a\n\nv\n--b--\n",
            "the first boundary line has characters after the boundary '--b'",
        ),
        (
            b"--b\nContent-Disposition: form-data; name=a\n\r\nv\n--b--\n",
            "the blank line after a part's headers ends in '\\r\\n', but the"
            " header line before it in '\\n'",
        ),
        (
            b"--b\nX: " + b"y" * 4300 + b"\n\nv\n--b--\n",
            "a part header line is longer than 4224 bytes",
        ),
    ],
)
@pytest.mark.parametrize("chunk", [1, 10_000])
def test_refusals_only_the_lf_parser_makes(
    body: bytes, message: str, chunk: int
) -> None:
    with pytest.raises(BadRequest) as info:
        kolben_parse(b"b", body, [chunk])
    assert message in str(info.value.description)


def test_the_spaces_after_the_first_boundary_are_bounded() -> None:
    parser = LFMultipartParser(b"b", {})
    parser.write(b"--b" + b" " * 1024)
    with pytest.raises(ParseError, match="more than 1024 spaces after the boundary"):
        parser.write(b" ")
    # The decoder looks no further than this for the first line break.
    with pytest.raises(BadRequest, match="characters after the boundary"):
        kolben_parse(b"b", b"--b" + b" " * 300 + b"\n", [1])


def test_an_empty_part_may_share_the_blank_line_break_as_werkzeug_reads_it() -> None:
    body = b"--b\nContent-Disposition: form-data; name=a\n\n--b--\n"
    assert kolben_parse(b"b", body, [1]) == werkzeug_parse(b"b", body)
    assert kolben_parse(b"b", body, [1]) == ([("a", "")], [])
