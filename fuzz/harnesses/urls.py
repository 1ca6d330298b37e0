"""Query strings, percent-decoding of paths, IRIs and the WSGI path dance.

Input: a query string; it is also used as a path and as an IRI.
"""

from __future__ import annotations

from fuzz.harnesses._contract import latin1, only_raises, text
from kolben.http.exceptions import BadRequest
from kolben.http.urls import (
    iri_to_uri,
    parse_qs,
    unquote_path,
    url_encode,
    wsgi_decoding_dance,
)


def TestOneInput(data: bytes) -> None:
    """Parse *data* as URL parts; only BadRequest may escape, as documented."""
    with only_raises(BadRequest):
        parse_qs(data, max_fields=5)
    try:
        pairs = list(parse_qs(data).items(multi=True))
    except BadRequest:
        pairs = []
    # What url_encode writes, parse_qs reads back unchanged.
    assert list(parse_qs(url_encode(pairs)).items(multi=True)) == pairs
    with only_raises(BadRequest):
        unquote_path(data)
    with only_raises(BadRequest):
        unquote_path(latin1(data))
    with only_raises(BadRequest):
        wsgi_decoding_dance(latin1(data))
    uri = iri_to_uri(text(data))
    assert uri.isascii(), uri
