"""JSON Web Tokens for APIs, with Flask-JWT-Extended 4's API, on PyJWT.

Install with ``pip install kolben[jwt]`` (PyJWT, and cryptography for RS256
and ES256). A port from Flask-JWT-Extended is an import change: the names,
the ``JWT_*`` settings and their defaults, the error bodies and status codes,
and the public submodules (``kolben.jwt.exceptions``, ``.view_decorators``,
``.utils``, ``.config``, ``.jwt_manager``, ``.default_callbacks``,
``.tokens``, ``.internal_utils``, ``.typing``) are the extension's. What kolben
adds: ``jwt_required`` on ``async def`` views under both protocols, loaders
that may be ``async def`` (a blocklist in Redis), and
``verify_jwt_in_request_async``.

Example::

    from kolben.jwt import JWTManager, create_access_token, jwt_required

    jwt = JWTManager(app)

    @app.post("/api/token")
    def token():
        return {"access_token": create_access_token(identity="ada")}

    @app.get("/api/me")
    @jwt_required()
    async def me():
        return {"id": get_jwt_identity()}

**Meeting point with the API docs battery.** A view decorated with
``jwt_required`` has ``__kolben_auth__``, a tuple with one dict per auth
decorator (stacked decorators append theirs)::

    {"battery": "jwt", "locations": ("headers",), "optional": False,
     "fresh": False, "refresh": False}

``locations`` is ``()`` when the view follows the app's
``JWT_TOKEN_LOCATION``: :meth:`JWTManager.token_locations` resolves it, and
:meth:`JWTManager.header_scheme` gives the header's name and type (HTTP
bearer for ``Authorization: Bearer``, an API key header otherwise). kolben.login
writes ``{"battery": "login", ...}`` entries to the same attribute.
"""

from __future__ import annotations

from . import _pyjwt as _pyjwt  # first: the message to install PyJWT
from .jwt_manager import HeaderScheme as HeaderScheme
from .jwt_manager import JWTManager as JWTManager
from .utils import create_access_token as create_access_token
from .utils import create_refresh_token as create_refresh_token
from .utils import current_user as current_user
from .utils import decode_token as decode_token
from .utils import get_csrf_token as get_csrf_token
from .utils import get_current_user as get_current_user
from .utils import get_jti as get_jti
from .utils import get_jwt as get_jwt
from .utils import get_jwt_header as get_jwt_header
from .utils import get_jwt_identity as get_jwt_identity
from .utils import get_jwt_request_location as get_jwt_request_location
from .utils import get_unverified_jwt_headers as get_unverified_jwt_headers
from .utils import set_access_cookies as set_access_cookies
from .utils import set_refresh_cookies as set_refresh_cookies
from .utils import unset_access_cookies as unset_access_cookies
from .utils import unset_jwt_cookies as unset_jwt_cookies
from .utils import unset_refresh_cookies as unset_refresh_cookies
from .view_decorators import jwt_required as jwt_required
from .view_decorators import verify_jwt_in_request as verify_jwt_in_request
from .view_decorators import (
    verify_jwt_in_request_async as verify_jwt_in_request_async,
)
