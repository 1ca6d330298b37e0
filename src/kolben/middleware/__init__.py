"""Middleware that wraps ``app.wsgi_app`` or ``app.asgi_app``: Werkzeug's.

:class:`ProxyFix` applies the ``X-Forwarded-*`` headers of the proxies in
front of the app, under either protocol::

    from kolben.middleware import ProxyFix

    app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1)
    app.asgi_app = ProxyFix(app.asgi_app, x_for=1, x_proto=1)

or, for both at once, the ``PROXY_FIX`` setting: ``PROXY_FIX = {"x_for": 1}``.
``docs/proxies.md`` says how many hops to trust.
"""

from __future__ import annotations

from .proxy_fix import ProxyFix as ProxyFix

__all__ = ["ProxyFix"]
