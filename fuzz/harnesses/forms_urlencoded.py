"""``application/x-www-form-urlencoded`` bodies, and re-encoding as multipart.

Input: a request body.
"""

from __future__ import annotations

from fuzz.harnesses._contract import only_raises
from kolben.http.exceptions import BadRequest, RequestEntityTooLarge
from kolben.http.forms import encode_multipart, parse_form_data, parse_urlencoded

_URLENCODED = "application/x-www-form-urlencoded"


def TestOneInput(data: bytes) -> None:
    """Parse *data* as a form body; what parses survives multipart encoding."""
    with only_raises(BadRequest, RequestEntityTooLarge):
        parse_urlencoded(data, max_fields=3)
    with only_raises(BadRequest, RequestEntityTooLarge):
        parse_form_data(_URLENCODED, [data], max_form_memory_size=64)
    try:
        fields = parse_urlencoded(data)
    except BadRequest:
        return
    pairs = list(fields.items(multi=True))
    try:
        body, content_type = encode_multipart(pairs, boundary="fuzz-boundary")
    except ValueError:
        return  # The fixed boundary occurs in a value, as documented.
    decoded, files = parse_form_data(content_type, [body])
    assert list(decoded.items(multi=True)) == pairs, body
    assert not files
