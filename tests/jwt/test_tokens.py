"""Creating and decoding tokens: claims, loaders, keys, settings, the cache."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt as pyjwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from kolben import Kolben
from kolben.jwt import (
    JWTManager,
    create_access_token,
    create_refresh_token,
    decode_token,
    get_jwt,
    jwt_required,
)
from kolben.jwt import tokens as tokens_module
from kolben.jwt.config import DEFAULTS
from kolben.testing import KolbenClient

from ..conftest import create_app
from .conftest import SECRET, bearer, make_jwt_app, token_for

Client = Callable[[Kolben], KolbenClient]


def _pem_pair(private: Any) -> tuple[str, str]:
    private_pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    public_pem = (
        private.public_key()
        .public_bytes(
            serialization.Encoding.PEM,
            serialization.PublicFormat.SubjectPublicKeyInfo,
        )
        .decode()
    )
    return private_pem, public_pem


@pytest.fixture(scope="module")
def rsa_keys() -> tuple[str, str]:
    return _pem_pair(rsa.generate_private_key(public_exponent=65537, key_size=2048))


@pytest.fixture(scope="module")
def ec_keys() -> tuple[str, str]:
    return _pem_pair(ec.generate_private_key(ec.SECP256R1()))


def test_init_app_sets_every_default_without_overriding(app: Kolben) -> None:
    app.config["JWT_HEADER_TYPE"] = "Token"
    JWTManager(app)
    assert app.extensions["flask-jwt-extended"].__class__ is JWTManager
    for key, value in DEFAULTS.items():
        if key != "JWT_HEADER_TYPE":
            assert app.config[key] == value
    assert app.config["JWT_HEADER_TYPE"] == "Token"
    assert app.config["JWT_ACCESS_TOKEN_EXPIRES"] == timedelta(minutes=15)
    assert app.config["JWT_REFRESH_TOKEN_EXPIRES"] == timedelta(days=30)
    # Each app gets its own list, not the shared default.
    assert app.config["JWT_CSRF_METHODS"] is not DEFAULTS["JWT_CSRF_METHODS"]


def test_access_tokens_carry_flask_jwt_extendeds_claims(app: Kolben) -> None:
    app.config["JWT_SECRET_KEY"] = SECRET
    JWTManager(app)
    with app.app_context():
        token = create_access_token("ada", fresh=True)
        claims = decode_token(token)
    assert set(claims) == {"fresh", "iat", "jti", "type", "sub", "nbf", "csrf", "exp"}
    assert (claims["sub"], claims["type"], claims["fresh"]) == ("ada", "access", True)
    assert claims["exp"] - claims["iat"] == 15 * 60
    with app.app_context():
        refresh = decode_token(create_refresh_token("ada"))
    assert refresh["type"] == "refresh" and refresh["fresh"] is False
    assert refresh["exp"] - refresh["iat"] == 30 * 24 * 3600


def test_expiry_settings(app: Kolben) -> None:
    app.config.update(
        JWT_SECRET_KEY=SECRET,
        JWT_ACCESS_TOKEN_EXPIRES=60,
        JWT_REFRESH_TOKEN_EXPIRES=False,
        JWT_ENCODE_NBF=False,
        JWT_COOKIE_CSRF_PROTECT=False,
    )
    JWTManager(app)
    with app.app_context():
        access = decode_token(create_access_token("ada"))
        refresh = decode_token(create_refresh_token("ada"))
        forever = decode_token(create_access_token("ada", expires_delta=False))
        app.config["JWT_ACCESS_TOKEN_EXPIRES"] = "soon"
        with pytest.raises(RuntimeError, match="JWT_ACCESS_TOKEN_EXPIRES"):
            create_access_token("ada")
    assert access["exp"] - access["iat"] == 60
    assert "exp" not in refresh and "exp" not in forever
    assert "nbf" not in access and "csrf" not in access


def test_claim_and_header_loaders_and_arguments(app: Kolben) -> None:
    app.config["JWT_SECRET_KEY"] = SECRET
    jwt = JWTManager(app)

    class User:
        id = 7

    jwt.user_identity_loader(lambda user: str(user.id))
    jwt.additional_claims_loader(lambda user: {"role": "reader", "team": "a"})
    jwt.additional_headers_loader(lambda user: {"kid": "one", "x": 1})
    with app.app_context():
        token = create_access_token(
            User(),
            additional_claims={"role": "admin", "when": uuid.UUID(int=1)},
            additional_headers={"x": 2},
        )
        claims = decode_token(token)
    header = pyjwt.get_unverified_header(token)
    assert (claims["sub"], claims["role"], claims["team"]) == ("7", "admin", "a")
    # The app's JSON provider writes what plain JSON cannot.
    assert claims["when"] == str(uuid.UUID(int=1))
    assert (header["kid"], header["x"]) == ("one", 2)


def test_encode_and_decode_key_loaders(app: Kolben) -> None:
    app.config["JWT_SECRET_KEY"] = SECRET
    jwt = JWTManager(app)
    keys = {"ada": SECRET + "-ada", "bob": SECRET + "-bob"}
    jwt.encode_key_loader(lambda identity: keys[identity])
    jwt.decode_key_loader(lambda header, claims: keys[claims["sub"]])
    with app.app_context():
        token = create_access_token("ada")
        assert decode_token(token)["sub"] == "ada"
        keys["ada"] = SECRET + "-rotated"
        with pytest.raises(pyjwt.InvalidSignatureError):
            decode_token(token)


@pytest.mark.parametrize("algorithm", ["RS256", "ES256"])
def test_asymmetric_algorithms(
    algorithm: str,
    rsa_keys: tuple[str, str],
    ec_keys: tuple[str, str],
    make_client: Client,
) -> None:
    private, public = rsa_keys if algorithm == "RS256" else ec_keys
    app, _ = make_jwt_app(
        {
            "JWT_ALGORITHM": algorithm,
            "JWT_PRIVATE_KEY": private,
            "JWT_PUBLIC_KEY": public,
        }
    )
    client = make_client(app)
    token = token_for(app)
    assert pyjwt.get_unverified_header(token)["alg"] == algorithm
    assert client.get("/sync/protected", headers=bearer(token)).status_code == 200
    # Algorithm confusion: an HMAC token keyed with the public key.
    forged = pyjwt.encode(
        {"sub": "root"}, SECRET, algorithm="HS256"
    )  # (PyJWT refuses a PEM as HMAC key, so sign with a secret)
    r = client.get("/sync/protected", headers=bearer(forged))
    assert (r.status_code, r.get_json()["msg"]) == (
        422,
        "The specified alg value is not allowed",
    )


def test_asymmetric_algorithms_need_their_keys(app: Kolben) -> None:
    app.config["JWT_ALGORITHM"] = "RS256"
    JWTManager(app)
    with app.app_context():
        with pytest.raises(RuntimeError, match="JWT_PRIVATE_KEY must be set"):
            create_access_token("ada")
        with pytest.raises(RuntimeError, match="JWT_PUBLIC_KEY must be set"):
            decode_token("a.b.c")


def test_the_secret_key_falls_back_to_the_apps(make_client: Client) -> None:
    app = create_app({"SECRET_KEY": SECRET})
    JWTManager(app)
    with app.app_context():
        assert decode_token(create_access_token("ada"))["sub"] == "ada"
    bare = Kolben("bare")
    JWTManager(bare)
    with bare.app_context(), pytest.raises(RuntimeError, match="JWT_SECRET_KEY"):
        create_access_token("ada")


def test_decode_algorithms_accept_more_than_the_signer(app: Kolben) -> None:
    app.config.update(JWT_SECRET_KEY=SECRET, JWT_DECODE_ALGORITHMS=["HS512"])
    JWTManager(app)
    old = pyjwt.encode({"sub": "ada"}, SECRET, algorithm="HS512")
    with app.app_context():
        assert decode_token(old)["sub"] == "ada"
        assert decode_token(create_access_token("ada"))["sub"] == "ada"
    assert app.config["JWT_DECODE_ALGORITHMS"] == ["HS512"]


def test_audience_and_issuer(app: Kolben) -> None:
    app.config.update(
        JWT_SECRET_KEY=SECRET,
        JWT_ENCODE_AUDIENCE="api",
        JWT_DECODE_AUDIENCE=["api", "admin"],
        JWT_ENCODE_ISSUER="kolben",
        JWT_DECODE_ISSUER="kolben",
    )
    JWTManager(app)
    with app.app_context():
        claims = decode_token(create_access_token("ada"))
        assert (claims["aud"], claims["iss"]) == ("api", "kolben")
        app.config["JWT_ENCODE_AUDIENCE"] = "elsewhere"
        with pytest.raises(pyjwt.InvalidAudienceError):
            decode_token(create_access_token("ada"))
        app.config.update(JWT_ENCODE_AUDIENCE="api", JWT_ENCODE_ISSUER="mallory")
        with pytest.raises(pyjwt.InvalidIssuerError):
            decode_token(create_access_token("ada"))


def test_decode_token_allow_expired(app: Kolben) -> None:
    app.config["JWT_SECRET_KEY"] = SECRET
    JWTManager(app)
    with app.app_context():
        old = create_access_token("ada", expires_delta=timedelta(seconds=-5))
        with pytest.raises(pyjwt.ExpiredSignatureError) as info:
            decode_token(old)
        assert info.value.jwt_data["sub"] == "ada"  # type: ignore[attr-defined]
        assert decode_token(old, allow_expired=True)["sub"] == "ada"


def test_cached_verification_rechecks_expiry(
    monkeypatch: pytest.MonkeyPatch, make_client: Client, kind: str
) -> None:
    app, _ = make_jwt_app()
    client = make_client(app)
    token = token_for(app, expires_delta=timedelta(minutes=1))
    assert client.get(f"/{kind}/protected", headers=bearer(token)).status_code == 200
    later = datetime.now(UTC) + timedelta(minutes=2)
    monkeypatch.setattr(tokens_module, "now", lambda: later)
    r = client.get(f"/{kind}/protected", headers=bearer(token))
    assert (r.status_code, r.get_json()) == (401, {"msg": "Token has expired"})


def test_cached_claims_are_fresh_copies(make_client: Client) -> None:
    app, _ = make_jwt_app()

    @app.get("/mutate")
    @jwt_required()
    def mutate() -> Any:
        claims = get_jwt()
        seen = list(claims["roles"])
        claims["roles"].append("admin")
        claims["sub"] = "root"
        return {"roles": seen}

    client = make_client(app)
    token = token_for(app, additional_claims={"roles": ["reader"]})
    for _ in range(3):
        r = client.get("/mutate", headers=bearer(token))
        assert r.get_json() == {"roles": ["reader"]}


def test_a_rotated_key_is_not_served_from_the_cache(make_client: Client) -> None:
    app, _ = make_jwt_app()
    client = make_client(app)
    token = token_for(app)
    assert client.get("/sync/protected", headers=bearer(token)).status_code == 200
    app.config["JWT_SECRET_KEY"] = SECRET + " rotated"
    r = client.get("/sync/protected", headers=bearer(token))
    assert (r.status_code, r.get_json()) == (
        422,
        {"msg": "Signature verification failed"},
    )


def test_the_cache_can_be_turned_off(make_client: Client) -> None:
    app, _ = make_jwt_app({"JWT_DECODE_CACHE": False})
    client = make_client(app)
    token = token_for(app)
    before = tokens_module._verified.cache_info()
    for _ in range(3):
        assert client.get("/sync/protected", headers=bearer(token)).status_code == 200
    after = tokens_module._verified.cache_info()
    assert (after.hits, after.misses) == (before.hits, before.misses)
