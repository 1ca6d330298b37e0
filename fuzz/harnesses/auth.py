"""The ``Authorization`` and ``WWW-Authenticate`` headers.

Input: a header value, parsed as both.
"""

from __future__ import annotations

from fuzz.harnesses._contract import latin1
from kolben.http.auth import Authorization, WWWAuthenticate, parse_authorization_header


def TestOneInput(data: bytes) -> None:
    """Parse *data* as credentials and as a challenge; nothing raises."""
    value = latin1(data)
    auth = parse_authorization_header(value)
    if auth is not None:
        for part in (auth.username, auth.password, auth.realm, auth.token):
            assert part is None or isinstance(part, str)
        header = auth.to_header()
        if auth.type == "basic" and ":" not in (auth.username or ""):
            # Basic credentials without a colon in the user name read back.
            assert Authorization.from_header(header) == auth, header
    challenge = WWWAuthenticate.from_header(value)
    if challenge is not None:
        assert challenge.realm is None or isinstance(challenge.realm, str)
        challenge.to_header()
