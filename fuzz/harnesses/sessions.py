"""The signed-cookie session loader, ``SecureCookieSessionInterface``.

Input: a ``Cookie`` header as a client sends it, and also a session payload
signed with the app's key (plain and compressed), so the loader gets past
the signature to the tagged-JSON layer.
"""

from __future__ import annotations

import zlib
from typing import Any

from itsdangerous import base64_encode

from fuzz.harnesses._contract import latin1
from kolben import Kolben
from kolben.request import Request
from kolben.sessions import SecureCookieSession, SecureCookieSessionInterface

_APP = Kolben("fuzz_sessions")
_APP.config["SECRET_KEY"] = "fuzzing secret"
_INTERFACE = SecureCookieSessionInterface()
_SIGNER: Any = _INTERFACE.get_signing_serializer(_APP)


def _open(cookie_header: str) -> SecureCookieSession:
    """Open the session of a request that sends *cookie_header*."""
    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": "/", "HTTP_COOKIE": cookie_header}
    session = _INTERFACE.open_session(_APP, Request(environ, app=_APP))
    # A forged, stale or garbled cookie gives a new, empty session.
    assert isinstance(session, SecureCookieSession)
    return session


def TestOneInput(data: bytes) -> None:
    """Open sessions from *data*; the loader never raises."""
    _open(latin1(data))
    _open("session=" + latin1(data))
    signer = _SIGNER.make_signer(_SIGNER.salt)
    for payload in (base64_encode(data), b"." + base64_encode(zlib.compress(data))):
        session = _open("session=" + signer.sign(payload).decode("ascii"))
        try:
            expected = _INTERFACE.serializer.loads(data)
        except ValueError:
            expected = None
        if isinstance(expected, dict):
            # A validly signed session loads exactly what was stored.
            dumps = _INTERFACE.serializer.dumps
            assert dumps(dict(session)) == dumps(expected)
