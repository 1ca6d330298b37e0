"""What the compat tests share: kolben's client for an app built as Flask's."""

from __future__ import annotations

from kolben import Kolben
from kolben.testing import KolbenClient


def client(app: object, protocol: str) -> KolbenClient:
    """Return kolben's test client for ``app`` over ``protocol``.

    ``app`` was made by ``flask.Flask``; that it is kolben's app is the
    first thing the compat layer promises.
    """
    assert isinstance(app, Kolben)
    return app.test_client(protocol=protocol)
