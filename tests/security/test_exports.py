"""kolben.security has werkzeug.security's public names."""

from __future__ import annotations

import types

import werkzeug.security

import kolben.security


def test_every_name_werkzeug_security_exports_is_here() -> None:
    theirs = {
        n
        for n, v in vars(werkzeug.security).items()
        if not n.startswith("_") and not isinstance(v, types.ModuleType)
    } - {"annotations"}
    assert theirs - set(kolben.security.__all__) == set()
    assert werkzeug.security.DEFAULT_PBKDF2_ITERATIONS == (
        kolben.security.DEFAULT_PBKDF2_ITERATIONS
    )
    assert werkzeug.security.SALT_CHARS == kolben.security.SALT_CHARS
    for name in kolben.security.__all__:
        assert hasattr(kolben.security, name)
