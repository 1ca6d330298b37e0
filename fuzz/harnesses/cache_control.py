"""The ``Cache-Control`` header, as a request's and as a response's.

Input: a ``Cache-Control`` header value.
"""

from __future__ import annotations

from fuzz.harnesses._contract import latin1
from kolben.http.cache_control import (
    RequestCacheControl,
    ResponseCacheControl,
    parse_cache_control_header,
)

_REQUEST_DIRECTIVES = (
    "no_cache",
    "no_store",
    "max_age",
    "max_stale",
    "min_fresh",
    "no_transform",
    "only_if_cached",
    "stale_if_error",
)
_RESPONSE_DIRECTIVES = (
    "no_cache",
    "no_store",
    "max_age",
    "s_maxage",
    "public",
    "private",
    "must_revalidate",
    "proxy_revalidate",
    "no_transform",
    "immutable",
    "stale_while_revalidate",
    "stale_if_error",
    "must_understand",
)


def TestOneInput(data: bytes) -> None:
    """Parse *data* both ways and read every directive; nothing raises."""
    value = latin1(data)
    request = parse_cache_control_header(value)
    assert isinstance(request, RequestCacheControl)
    for name in _REQUEST_DIRECTIVES:
        read = getattr(request, name)
        if name in ("max_age", "min_fresh", "stale_if_error") and read is not None:
            assert isinstance(read, int) and read >= 0
    request.to_header()
    response = parse_cache_control_header(value, cls=ResponseCacheControl)
    for name in _RESPONSE_DIRECTIVES:
        getattr(response, name)
    # Setting a directive stores a value that reads back.
    response.max_age = 60
    assert response.max_age == 60
    assert "max-age=60" in response.to_header()
