"""The helpers kolben.jwt keeps from Flask-JWT-Extended for ported code."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from kolben import Kolben, render_template_string
from kolben.jwt import JWTManager, get_jwt_header, jwt_required
from kolben.jwt import internal_utils as iu
from kolben.jwt.config import config
from kolben.jwt.exceptions import (
    JWTDecodeError,
    RevokedTokenError,
    UserClaimsVerificationError,
)
from kolben.jwt.tokens import _decode_jwt, _encode_jwt
from kolben.testing import KolbenClient

from .conftest import SECRET, bearer, make_jwt_app, token_for


def test_the_sync_helpers_call_the_loaders(app: Kolben) -> None:
    jwt = JWTManager(app)
    with app.app_context():
        assert not iu.has_user_lookup()
        assert iu.user_lookup({}, {}) is None
        jwt.user_lookup_loader(lambda header, data: {"id": data["sub"]})
        assert iu.has_user_lookup()
        assert iu.user_lookup({}, {"sub": "ada"}) == {"id": "ada"}
        iu.verify_token_not_blocklisted({}, {})
        iu.custom_verification_for_token({}, {})

        @jwt.token_in_blocklist_loader
        async def revoked(header: dict[str, Any], data: dict[str, Any]) -> bool:
            return True

        jwt.token_verification_loader(lambda header, data: False)
        jwt.token_verification_failed_loader(lambda header, data: ("no", 400))
        jwt.user_lookup_error_loader(lambda header, data: ("nobody", 401))
        with pytest.raises(RevokedTokenError):
            iu.verify_token_not_blocklisted({}, {})
        with pytest.raises(UserClaimsVerificationError):
            iu.custom_verification_for_token({}, {})
        assert iu.get_json_encoder(app) is iu.JSONEncoder


def test_the_config_object_reads_the_current_app(app: Kolben) -> None:
    app.config["JWT_TOKEN_LOCATION"] = ["cookies", "json"]
    JWTManager(app)
    with app.app_context():
        assert (config.jwt_in_cookies, config.jwt_in_json) == (True, True)
        assert (config.jwt_in_headers, config.jwt_in_query_string) == (False, False)
        app.config["JWT_HEADER_NAME"] = ""
        with pytest.raises(RuntimeError, match="cannot be empty"):
            assert config.header_name
        assert config.exempt_methods == {"OPTIONS"}


def test_tokens_module_encodes_and_decodes(app: Kolben) -> None:
    with app.app_context():
        token = _encode_jwt(
            algorithm="HS256",
            audience=None,
            claim_overrides={},
            csrf=False,
            expires_delta=False,
            fresh=False,
            header_overrides={},
            identity="ada",
            identity_claim_key="sub",
            issuer=None,
            json_encoder=iu.JSONEncoder,
            secret=SECRET,
            token_type="access",
            nbf=False,
        )
    decode: dict[str, Any] = {
        "algorithms": ["HS256"],
        "allow_expired": False,
        "audience": None,
        "encoded_token": token,
        "identity_claim_key": "sub",
        "issuer": None,
        "leeway": 0,
        "secret": SECRET,
        "verify_aud": False,
        "verify_sub": True,
    }
    assert _decode_jwt(csrf_value=None, **decode)["sub"] == "ada"
    # A CSRF value to compare with a token that has none.
    with pytest.raises(JWTDecodeError, match="Missing claim: csrf"):
        _decode_jwt(csrf_value="x", **decode)


def test_current_user_in_templates(
    make_client: Callable[[Kolben], KolbenClient],
) -> None:
    app = Kolben(__name__)
    app.config["JWT_SECRET_KEY"] = SECRET
    jwt = JWTManager(app, add_context_processor=True)
    jwt.user_lookup_loader(lambda header, data: data["sub"].title())

    @app.get("/page")
    @jwt_required(optional=True)
    def page() -> str:
        return render_template_string("{{ current_user or 'anonymous' }}")

    @app.get("/open")
    def open_page() -> str:
        return render_template_string("{{ current_user or 'anonymous' }}")

    client = make_client(app)
    assert client.get("/page", headers=bearer(token_for(app))).text == "Ada"
    assert client.get("/page").text == "anonymous"
    assert client.get("/open").text == "anonymous"


def test_get_jwt_header_and_a_missing_lookup_loader(
    make_client: Callable[[Kolben], KolbenClient],
) -> None:
    app, _ = make_jwt_app()

    @app.get("/header")
    @jwt_required()
    def header() -> Any:
        from kolben.jwt import get_current_user

        try:
            get_current_user()
        except RuntimeError as e:
            return {"alg": get_jwt_header()["alg"], "error": str(e)}
        return {}

    r = make_client(app).get("/header", headers=bearer(token_for(app)))
    assert r.get_json()["alg"] == "HS256"
    assert "user_lookup_loader" in r.get_json()["error"]
