"""Cross-origin resource sharing for kolben apps: Flask-CORS's API.

::

    from kolben.cors import CORS, cross_origin

    CORS(app, resources={r"/api/*": {"origins": ["https://example.com"]}})

    @app.route("/public")
    @cross_origin()
    def public():
        ...

Preflight requests are answered without running the view, every answer
that depends on the Origin says ``Vary: Origin``, and
``supports_credentials=True`` with every origin allowed is warned about at
start-up (an error with ``CORS_STRICT_CREDENTIALS = True``).
``docs/cors.md`` has the options and the ``CORS_*`` settings.
"""

from __future__ import annotations

from .decorator import cross_origin as cross_origin
from .extension import CORS as CORS

__all__ = ["CORS", "cross_origin"]
