"""The ``Cookie`` header parser and the ``Set-Cookie`` builder.

Input: a ``Cookie`` header's raw bytes. They are parsed as bytes and as
text, then used as a cookie value and name that must read back.
"""

from __future__ import annotations

from fuzz.harnesses._contract import latin1, only_raises, text
from kolben.http.cookies import dump_cookie, parse_cookie
from kolben.http.multidict import ImmutableMultiDict


def TestOneInput(data: bytes) -> None:
    """Parse *data* as a Cookie header; build one from it and read it back."""
    parse_cookie(data)
    parse_cookie(latin1(data), cls=ImmutableMultiDict)
    value = text(data)
    # dump_cookie quotes what parse_cookie unquotes: any value round-trips.
    header = dump_cookie("fuzz", value, path=None, max_size=0)
    assert parse_cookie(header).getlist("fuzz") == [value], header
    with only_raises(ValueError):
        # Names, domains, paths and samesite values are checked, not trusted.
        dump_cookie(value, "v", domain=value, path=value, samesite=value or None)
