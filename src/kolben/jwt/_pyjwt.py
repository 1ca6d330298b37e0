"""PyJWT, imported once, with the message to install it when it is missing."""

from __future__ import annotations

try:
    import jwt as pyjwt
except ImportError as e:
    raise ImportError(
        "kolben.jwt needs PyJWT (and cryptography for RS256 and ES256):"
        " pip install kolben[jwt]"
    ) from e

__all__ = ["pyjwt"]
