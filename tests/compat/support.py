"""What the compat tests share: kolben's client for an app built as Flask's."""

from __future__ import annotations

from kolben import Kolben
from kolben.testing import KolbenClient


def kolben_app(app: object) -> Kolben:
    """Return ``app``, made by ``flask.Flask``, as the kolben app it is.

    That it is kolben's app is the first thing the compat layer promises.
    """
    assert isinstance(app, Kolben)
    return app


def client(app: object, protocol: str) -> KolbenClient:
    """Return kolben's test client for ``app`` over ``protocol``."""
    return kolben_app(app).test_client(protocol=protocol)
