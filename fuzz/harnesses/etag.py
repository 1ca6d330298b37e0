"""Entity tags: ``If-Match``/``If-None-Match`` lists and precondition checks.

Input: a header value, used as every conditional header at once; the part
after a NUL (if any) is the representation's own tag.
"""

from __future__ import annotations

from datetime import UTC, datetime

from fuzz.harnesses._contract import latin1, only_raises, split
from kolben.http.etag import (
    evaluate_preconditions,
    is_resource_modified,
    parse_etags,
    quote_etag,
    unquote_etag,
)

_LAST_MODIFIED = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


def TestOneInput(data: bytes) -> None:
    """Parse and evaluate *data*; only quote_etag may raise, as documented."""
    header, own = (latin1(piece) for piece in split(data, 2))
    etags = parse_etags(header)
    # The tags a header lists read back from the header they write.
    assert parse_etags(etags.to_header()) == etags, etags.to_header()
    etags.contains_raw(header)
    tag, weak = unquote_etag(header)
    if tag is not None:
        with only_raises(ValueError):
            assert unquote_etag(quote_etag(tag, weak)) == (tag, weak)
    for method in ("GET", "PUT"):
        result = evaluate_preconditions(
            method,
            if_match=header,
            if_none_match=header,
            if_modified_since=header,
            if_unmodified_since=header,
            etag=own or None,
            last_modified=_LAST_MODIFIED,
        )
        assert result in (None, 304, 412)
    is_resource_modified(
        "GET",
        if_none_match=None,
        if_modified_since=None,
        etag=own or None,
        last_modified=_LAST_MODIFIED,
        ignore_if_range=False,
        if_range=header,
    )
