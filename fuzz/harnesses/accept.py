"""Content negotiation: ``Accept``, ``Accept-Language``, ``Accept-Charset``.

Input: an ``Accept*`` header value, parsed as each of the three.
"""

from __future__ import annotations

from fuzz.harnesses._contract import latin1
from kolben.http.accept import (
    Accept,
    CharsetAccept,
    LanguageAccept,
    MIMEAccept,
    parse_accept_header,
)

# What an app offers; best_match picks one of these or None.
_OFFERS = {
    Accept: ["gzip", "br", "identity"],
    MIMEAccept: ["text/html", "application/json", "image/*", "*/*"],
    LanguageAccept: ["en-US", "de", "pt_BR", "*"],
    CharsetAccept: ["utf-8", "latin-1", "utf8", "x-unknown"],
}


def TestOneInput(data: bytes) -> None:
    """Parse *data* as every Accept kind and negotiate; nothing raises."""
    value = latin1(data)
    for cls, offers in _OFFERS.items():
        accept = parse_accept_header(value, cls)
        assert isinstance(accept, cls)
        assert all(0 <= quality <= 1 for _, quality in accept)
        best = accept.best_match(offers)
        assert best is None or best in offers
        for offer in offers:
            assert 0 <= accept[offer] <= 1
            accept.find(offer)
        accept.to_header()
        list(accept.values())
        if isinstance(accept, MIMEAccept):
            assert isinstance(accept.accept_html and accept.accept_json, bool)
