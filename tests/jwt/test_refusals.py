"""Every token kolben.jwt must refuse gets its 401 or 422 JSON, never a 500."""

from __future__ import annotations

import base64
import json
from datetime import timedelta
from typing import Any

import jwt as pyjwt
import pytest

from kolben import Kolben
from kolben.jwt import JWTManager
from kolben.testing import KolbenClient

from .conftest import SECRET, bearer, token_for


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unsigned(header: dict[str, Any], claims: dict[str, Any]) -> str:
    head = _b64(json.dumps(header).encode())
    return f"{head}.{_b64(json.dumps(claims).encode())}."


def _claims() -> dict[str, Any]:
    return {"sub": "ada", "type": "access", "fresh": False, "jti": "x"}


def _refuse(client: KolbenClient, path: str, headers: dict[str, str]) -> Any:
    r = client.get(path, headers=headers)
    assert r.status_code in (401, 422), r.text
    assert r.mimetype == "application/json"
    return r.status_code, r.get_json()["msg"]


def test_alg_none_is_refused(jclient: KolbenClient, kind: str) -> None:
    token = _unsigned({"alg": "none", "typ": "JWT"}, _claims())
    assert _refuse(jclient, f"/{kind}/protected", bearer(token)) == (
        422,
        "The specified alg value is not allowed",
    )
    # Nor with the signature segment left off, or "None" spelled otherwise.
    for alg in ("None", "NONE", ""):
        token = _unsigned({"alg": alg}, _claims())
        assert _refuse(jclient, f"/{kind}/protected", bearer(token))[0] == 422


def test_a_token_signed_with_another_algorithm_is_refused(
    jclient: KolbenClient, kind: str
) -> None:
    token = pyjwt.encode(_claims(), SECRET, algorithm="HS512")
    assert _refuse(jclient, f"/{kind}/protected", bearer(token)) == (
        422,
        "The specified alg value is not allowed",
    )


def test_a_tampered_token_is_refused(
    jwt_app: tuple[Kolben, JWTManager], jclient: KolbenClient, kind: str
) -> None:
    head, _, sig = token_for(jwt_app[0]).split(".")
    forged = _b64(json.dumps({**_claims(), "sub": "root"}).encode())
    status, msg = _refuse(
        jclient, f"/{kind}/protected", bearer(f"{head}.{forged}.{sig}")
    )
    assert (status, msg) == (422, "Signature verification failed")
    # Signed with another key.
    other = pyjwt.encode(_claims(), SECRET + "!", algorithm="HS256")
    assert _refuse(jclient, f"/{kind}/protected", bearer(other)) == (
        422,
        "Signature verification failed",
    )


def test_an_expired_token_is_401(
    jwt_app: tuple[Kolben, JWTManager], jclient: KolbenClient, kind: str
) -> None:
    old = token_for(jwt_app[0], expires_delta=timedelta(seconds=-1))
    assert _refuse(jclient, f"/{kind}/protected", bearer(old)) == (
        401,
        "Token has expired",
    )


def test_leeway_accepts_a_token_just_expired(make_client: Any, kind: str) -> None:
    from .conftest import make_jwt_app

    app, _ = make_jwt_app({"JWT_DECODE_LEEWAY": 60})
    old = token_for(app, expires_delta=timedelta(seconds=-5))
    assert (
        make_client(app).get(f"/{kind}/protected", headers=bearer(old)).status_code
        == 200
    )


def test_a_refresh_token_used_as_access_token_is_refused(
    jwt_app: tuple[Kolben, JWTManager], jclient: KolbenClient, kind: str
) -> None:
    refresh = token_for(jwt_app[0], refresh=True)
    assert _refuse(jclient, f"/{kind}/protected", bearer(refresh)) == (
        422,
        "Only non-refresh tokens are allowed",
    )


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (
            "Bearer",
            (422, "Bad Authorization header. Expected 'Authorization: Bearer <JWT>'"),
        ),
        (
            "Bearer a b",
            (422, "Bad Authorization header. Expected 'Authorization: Bearer <JWT>'"),
        ),
        (
            "Basic dXNlcjpwYXNz",
            (
                401,
                "Missing 'Bearer' type in 'Authorization' header."
                " Expected 'Authorization: Bearer <JWT>'",
            ),
        ),
        (
            "   ,  , ",
            (
                401,
                "Missing 'Bearer' type in 'Authorization' header."
                " Expected 'Authorization: Bearer <JWT>'",
            ),
        ),
        (" ,, ", (401, "Missing Authorization Header")),
        (
            "Bearer x, Bearer y",
            (
                401,
                "Missing 'Bearer' type in 'Authorization' header."
                " Expected 'Authorization: Bearer <JWT>'",
            ),
        ),
        (
            "bearer abc",
            (
                401,
                "Missing 'Bearer' type in 'Authorization' header."
                " Expected 'Authorization: Bearer <JWT>'",
            ),
        ),
        ("Bearer \u00e9\u00e8", (422, "Not enough segments")),
    ],
)
def test_a_malformed_authorization_header_is_refused(
    jclient: KolbenClient, kind: str, header: str, expected: tuple[int, str]
) -> None:
    assert _refuse(jclient, f"/{kind}/protected", {"Authorization": header}) == expected


@pytest.mark.parametrize(
    "token",
    [
        "not-a-jwt",
        "a.b",
        "a.b.c",
        "....",
        "e30.e30.e30",  # {} . {} . {}
        _b64(b"[1]") + ".e30.",
        _b64(b'"str"') + ".e30.",
        _b64(b"{") + ".e30.",
        _b64(b"\xff\xfe") + ".e30.",
        "!!!!.????.####",
        _b64(json.dumps({"alg": "HS256"}).encode()) + "." + _b64(b"[1,2]") + ".sig",
    ],
)
def test_a_token_that_is_not_a_jwt_is_422(
    jclient: KolbenClient, kind: str, token: str
) -> None:
    assert _refuse(jclient, f"/{kind}/protected", bearer(token))[0] == 422


def test_a_huge_token_is_refused_before_decoding(
    jclient: KolbenClient, kind: str
) -> None:
    huge = "a" * 100_000 + "." + "b" * 100_000 + ".c"
    assert _refuse(jclient, f"/{kind}/protected", bearer(huge)) == (
        422,
        "Token is too long (over 8192 characters)",
    )
    # Deep nesting in the (unsigned) header is refused too.
    deep = _b64(b"[" * 5000 + b"]" * 5000) + ".e30.sig"
    assert _refuse(jclient, f"/{kind}/protected", bearer(deep))[0] == 422


def test_the_length_limit_can_be_lifted(make_client: Any) -> None:
    from .conftest import make_jwt_app

    app, _ = make_jwt_app({"JWT_MAX_TOKEN_LENGTH": None})
    big = token_for(app, additional_claims={"pad": "x" * 20_000})
    assert len(big) > 8192
    assert (
        make_client(app).get("/sync/protected", headers=bearer(big)).status_code == 200
    )


def test_a_token_without_the_identity_claim_is_422(
    jclient: KolbenClient, kind: str
) -> None:
    token = pyjwt.encode({"type": "access"}, SECRET, algorithm="HS256")
    assert _refuse(jclient, f"/{kind}/protected", bearer(token)) == (
        422,
        "Missing claim: sub",
    )


def test_a_subject_that_is_not_a_string_is_422(
    jclient: KolbenClient, kind: str
) -> None:
    token = pyjwt.encode({"sub": 42}, SECRET, algorithm="HS256")
    assert _refuse(jclient, f"/{kind}/protected", bearer(token)) == (
        422,
        "Subject must be a string",
    )


def test_odd_claim_types_in_a_signed_token_are_no_500(
    jclient: KolbenClient, kind: str
) -> None:
    # Signed by the app's key, but with claims of the wrong types.
    token = pyjwt.encode({**_claims(), "fresh": "yes"}, SECRET, algorithm="HS256")
    assert _refuse(jclient, f"/{kind}/fresh", bearer(token)) == (
        401,
        "Fresh token required",
    )
    token = pyjwt.encode({**_claims(), "exp": "soon"}, SECRET, algorithm="HS256")
    assert _refuse(jclient, f"/{kind}/protected", bearer(token))[0] == 422
