"""HTTP dates: IMF-fixdate, RFC 850 and asctime.

Input: a date header value such as ``If-Modified-Since``.
"""

from __future__ import annotations

from datetime import UTC

from fuzz.harnesses._contract import latin1
from kolben.http.dates import http_date, parse_date


def TestOneInput(data: bytes) -> None:
    """Parse *data*; a date that parses is UTC and survives formatting."""
    parsed = parse_date(latin1(data))
    if parsed is None:
        return
    assert parsed.tzinfo is UTC, parsed
    formatted = http_date(parsed)
    assert parse_date(formatted) == parsed.replace(microsecond=0), formatted
