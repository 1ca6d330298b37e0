"""HTTP security headers for kolben apps: Flask-Talisman's API.

::

    from kolben.talisman import Talisman

    talisman = Talisman(app, content_security_policy_nonce_in=["script-src"])

HSTS, a Content-Security-Policy with per-request nonces (``csp_nonce()`` in
templates), X-Content-Type-Options, Referrer-Policy, X-Frame-Options, a
redirect to HTTPS and secure session cookies; ``@talisman(...)`` changes
them for one view. ``docs/talisman.md`` has the options.
"""

from __future__ import annotations

from .talisman import ALLOW_FROM as ALLOW_FROM
from .talisman import DEFAULT_CSP_POLICY as DEFAULT_CSP_POLICY
from .talisman import DEFAULT_DOCUMENT_POLICY as DEFAULT_DOCUMENT_POLICY
from .talisman import DEFAULT_FEATURE_POLICY as DEFAULT_FEATURE_POLICY
from .talisman import DEFAULT_PERMISSIONS_POLICY as DEFAULT_PERMISSIONS_POLICY
from .talisman import DEFAULT_REFERRER_POLICY as DEFAULT_REFERRER_POLICY
from .talisman import DENY as DENY
from .talisman import GOOGLE_CSP_POLICY as GOOGLE_CSP_POLICY
from .talisman import NONCE_LENGTH as NONCE_LENGTH
from .talisman import ONE_YEAR_IN_SECS as ONE_YEAR_IN_SECS
from .talisman import SAMEORIGIN as SAMEORIGIN
from .talisman import Talisman as Talisman

__all__ = [
    "ALLOW_FROM",
    "DEFAULT_CSP_POLICY",
    "DEFAULT_DOCUMENT_POLICY",
    "DEFAULT_FEATURE_POLICY",
    "DEFAULT_PERMISSIONS_POLICY",
    "DEFAULT_REFERRER_POLICY",
    "DENY",
    "GOOGLE_CSP_POLICY",
    "NONCE_LENGTH",
    "ONE_YEAR_IN_SECS",
    "SAMEORIGIN",
    "Talisman",
]
