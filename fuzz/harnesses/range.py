"""The ``Range`` and ``If-Range`` headers, and ranges clamped to a length.

Input: a ``Range`` header value; it is also parsed as ``If-Range``.
"""

from __future__ import annotations

from fuzz.harnesses._contract import latin1
from kolben.http.range import parse_if_range_header, parse_range_header

_LENGTHS = (None, 0, 1, 499, 500, 10_000)


def TestOneInput(data: bytes) -> None:
    """Parse *data*; a parsed range reads back and clamps inside the length."""
    value = latin1(data)
    parse_if_range_header(value).to_header()
    parsed = parse_range_header(value)
    if parsed is None:
        return
    assert parse_range_header(parsed.to_header()) == parsed, parsed.to_header()
    for length in _LENGTHS:
        clamped = parsed.range_for_length(length)
        if clamped is not None:
            assert length is not None
            start, stop = clamped
            assert 0 <= start < stop <= length, (clamped, length)
            content_range = parsed.to_content_range_header(length)
            assert content_range == f"bytes {start}-{stop - 1}/{length}"
