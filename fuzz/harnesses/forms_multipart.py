"""``multipart/form-data``: the boundary, the push decoder, parse_form_data.

Input: the ``Content-Type`` header, a NUL, then the body. The body is
decoded whole and again in small chunks; both must give the same result.
"""

from __future__ import annotations

from typing import Any

from fuzz.harnesses._contract import latin1, only_raises, split
from kolben.http.exceptions import BadRequest, RequestEntityTooLarge
from kolben.http.forms import MultipartDecoder, get_multipart_boundary, parse_form_data
from kolben.http.headers import parse_options_header

_CLIENT_ERRORS = (BadRequest, RequestEntityTooLarge)


def TestOneInput(data: bytes) -> None:
    """Decode the body whole and chunked; only 400 and 413 may escape."""
    header, body = split(data, 2)
    content_type = latin1(header)
    whole: Any = None
    with only_raises(*_CLIENT_ERRORS):
        fields, files = parse_form_data(content_type, [body], max_form_parts=20)
        whole = (fields, _contents(files))
    with only_raises(*_CLIENT_ERRORS):
        # Small limits, to reach the 413 paths.
        _, files = parse_form_data(
            content_type, [body], max_form_memory_size=16, spool_threshold=8
        )
        _contents(files)
    chunked: Any = None
    with only_raises(*_CLIENT_ERRORS):
        decoder = MultipartDecoder(
            get_multipart_boundary(content_type), max_form_parts=20
        )
        size = 1 + len(body) % 13
        for start in range(0, len(body), size):
            decoder.feed(body[start : start + size])
        fields, files = decoder.finish()
        chunked = (fields, _contents(files))
    is_form_data = (
        parse_options_header(content_type)[0].lower() == "multipart/form-data"
    )
    if is_form_data and whole is not None and chunked is not None:
        # Chunk boundaries never change what a body means.
        assert whole == chunked, (whole, chunked)


def _contents(files: Any) -> list[tuple[str, str | None, bytes]]:
    """Return each upload's field name, file name and bytes; close the files."""
    contents = []
    for name, file in files.items(multi=True):
        with file:
            contents.append((name, file.filename, file.read()))
    return contents
