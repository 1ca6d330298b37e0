"""Token locations: headers, cookies with double-submit CSRF, query string, JSON."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from kolben import Kolben, jsonify
from kolben.jwt import (
    JWTManager,
    create_access_token,
    create_refresh_token,
    get_csrf_token,
    get_jti,
    get_unverified_jwt_headers,
    set_access_cookies,
    set_refresh_cookies,
    unset_access_cookies,
    unset_jwt_cookies,
)
from kolben.testing import KolbenClient

from .conftest import bearer, make_jwt_app, token_for

Client = Callable[[Kolben], KolbenClient]


def _cookie_app(config: dict[str, Any] | None = None) -> Kolben:
    app, _ = make_jwt_app({"JWT_TOKEN_LOCATION": ["cookies"], **(config or {})})

    @app.post("/cookie-login")
    def cookie_login() -> Any:
        response = jsonify(login=True)
        set_access_cookies(response, create_access_token("ada"))
        set_refresh_cookies(response, create_refresh_token("ada"))
        return response

    @app.post("/cookie-logout")
    def cookie_logout() -> Any:
        response = jsonify(logout=True)
        unset_jwt_cookies(response)
        return response

    @app.post("/access-logout")
    def access_logout() -> Any:
        response = jsonify(logout=True)
        unset_access_cookies(response)
        return response

    return app


def test_cookies_carry_tokens_and_csrf_guards_unsafe_methods(
    make_client: Client, kind: str
) -> None:
    client = make_client(_cookie_app())
    r = client.post("/cookie-login")
    cookies = r.headers.getlist("Set-Cookie")
    assert [c.split("=")[0] for c in cookies] == [
        "access_token_cookie",
        "csrf_access_token",
        "refresh_token_cookie",
        "csrf_refresh_token",
    ]
    assert "HttpOnly" in cookies[0] and "HttpOnly" not in cookies[1]
    # GET is not a CSRF method: the cookie alone is enough.
    r = client.get(f"/{kind}/protected")
    assert r.get_json()["location"] == "cookies"
    # POST needs the CSRF value from the readable cookie, sent as a header.
    r = client.post(f"/{kind}/protected")
    assert (r.status_code, r.get_json()) == (401, {"msg": "Missing CSRF token"})
    csrf = client.get_cookie("csrf_access_token").value
    r = client.post(f"/{kind}/protected", headers={"X-CSRF-TOKEN": csrf})
    assert r.status_code == 200
    r = client.post(f"/{kind}/protected", headers={"X-CSRF-TOKEN": "forged"})
    assert (r.status_code, r.get_json()) == (
        401,
        {"msg": "CSRF double submit tokens do not match"},
    )
    # Text no token can hold compares as a mismatch, not a 500.
    r = client.post(f"/{kind}/protected", headers={"X-CSRF-TOKEN": "\u00e9t\u00e9"})
    assert r.status_code == 401
    # The refresh cookie has its own CSRF value.
    refresh_csrf = client.get_cookie("csrf_refresh_token").value
    r = client.post(f"/{kind}/refresh", headers={"X-CSRF-TOKEN": refresh_csrf})
    assert r.get_json()["type"] == "refresh"


def test_logout_clears_the_cookies(make_client: Client) -> None:
    client = make_client(_cookie_app())
    client.post("/cookie-login")
    r = client.post("/access-logout")
    assert len(r.headers.getlist("Set-Cookie")) == 2
    assert client.get_cookie("access_token_cookie") is None
    assert client.get_cookie("refresh_token_cookie") is not None
    r = client.post("/cookie-logout")
    assert all("Expires=Thu, 01 Jan 1970" in c for c in r.headers.getlist("Set-Cookie"))
    assert client.get_cookie("refresh_token_cookie") is None
    r = client.get("/sync/protected")
    assert r.get_json() == {"msg": 'Missing cookie "access_token_cookie"'}


def test_csrf_from_a_form_field_when_asked(make_client: Client) -> None:
    client = make_client(_cookie_app({"JWT_CSRF_CHECK_FORM": True}))
    client.post("/cookie-login")
    csrf = client.get_cookie("csrf_access_token").value
    assert client.post("/sync/protected", data={"csrf_token": csrf}).status_code == 200
    assert client.post("/sync/protected", data={"csrf_token": "x"}).status_code == 401


def test_cookie_settings_shape_the_cookies(make_client: Client) -> None:
    app = _cookie_app(
        {
            "JWT_COOKIE_SECURE": True,
            "JWT_COOKIE_SAMESITE": "Strict",
            "JWT_COOKIE_DOMAIN": "example.com",
            "JWT_SESSION_COOKIE": False,
            "JWT_ACCESS_COOKIE_PATH": "/api/",
            "JWT_CSRF_IN_COOKIES": False,
        }
    )
    r = make_client(app).post("/cookie-login")
    access, refresh = r.headers.getlist("Set-Cookie")
    for part in ("Secure", "SameSite=Strict", "Domain=example.com", "Max-Age=31540000"):
        assert part in access and part in refresh
    assert "Path=/api/" in access


def test_without_csrf_protection_cookies_need_no_header(make_client: Client) -> None:
    client = make_client(_cookie_app({"JWT_COOKIE_CSRF_PROTECT": False}))
    r = client.post("/cookie-login")
    assert len(r.headers.getlist("Set-Cookie")) == 2
    assert client.post("/sync/protected").status_code == 200


def test_query_string_tokens(
    jwt_app: tuple[Kolben, JWTManager], make_client: Client
) -> None:
    app = jwt_app[0]
    client = make_client(app)
    token = token_for(app)
    r = client.get("/async/query", query_string={"jwt": token})
    assert r.get_json()["location"] == "query_string"
    r = client.get("/async/query")
    assert r.get_json() == {"msg": "Missing 'jwt' query paramater"}
    app.config["JWT_QUERY_STRING_VALUE_PREFIX"] = "Bearer "
    r = client.get("/async/query", query_string={"jwt": token})
    assert (r.status_code, r.get_json()["msg"]) == (
        422,
        "Invalid value for query parameter 'jwt'. Expected the value to start"
        " with 'Bearer '",
    )
    r = client.get("/async/query", query_string={"jwt": f"Bearer {token}"})
    assert r.status_code == 200


@pytest.mark.parametrize(
    ("kwargs", "msg"),
    [
        ({}, "Invalid content-type. Must be application/json."),
        ({"json": {"other": 1}}, 'Missing "access_token" key in json data.'),
        ({"json": ["a list"]}, 'Missing "access_token" key in json data.'),
        (
            {"data": b"{not json", "content_type": "application/json"},
            'Missing "access_token" key in json data.',
        ),
    ],
)
def test_json_without_a_token_is_401(
    jclient: KolbenClient, kind: str, kwargs: dict[str, Any], msg: str
) -> None:
    r = jclient.post(f"/{kind}/json", **kwargs)
    assert (r.status_code, r.get_json()) == (401, {"msg": msg})


def test_json_tokens(jwt_app: tuple[Kolben, JWTManager], jclient: KolbenClient) -> None:
    app = jwt_app[0]
    r = jclient.post("/sync/json", json={"access_token": token_for(app)})
    assert r.get_json()["location"] == "json"
    r = jclient.post("/sync/json", json={"access_token": 12})
    assert r.status_code == 422


def test_several_locations_are_tried_in_order(
    jwt_app: tuple[Kolben, JWTManager], jclient: KolbenClient
) -> None:
    r = jclient.post("/sync/everywhere", json={})
    assert r.status_code == 401
    assert r.get_json()["msg"] == (
        "Missing JWT in headers, cookies, query_string or json (Missing"
        ' Authorization Header; Missing cookie "access_token_cookie"; Missing'
        " 'jwt' query paramater; Missing \"access_token\" key in json data.)"
    )
    token = token_for(jwt_app[0])
    r = jclient.post("/sync/everywhere", json={"access_token": token})
    assert r.get_json()["location"] == "json"
    r = jclient.get("/sync/everywhere", query_string={"jwt": token})
    assert r.get_json()["location"] == "query_string"


def test_a_custom_header_name_and_type(make_client: Client) -> None:
    # RealWorld's "Authorization: Token <jwt>", and a bare token header.
    app, _ = make_jwt_app({"JWT_HEADER_TYPE": "Token"})
    client = make_client(app)
    token = token_for(app)
    assert (
        client.get(
            "/sync/protected", headers={"Authorization": f"Token {token}"}
        ).status_code
        == 200
    )
    assert client.get("/sync/protected", headers=bearer(token)).status_code == 401
    # Several credentials in one header, comma-separated.
    both = {"Authorization": f"Basic abc, Token {token}"}
    assert client.get("/sync/protected", headers=both).status_code == 200
    app, _ = make_jwt_app({"JWT_HEADER_NAME": "X-Api-Key", "JWT_HEADER_TYPE": ""})
    client = make_client(app)
    r = client.get("/sync/protected", headers={"X-Api-Key": token})
    assert r.status_code == 200
    r = client.get("/sync/protected", headers={"X-Api-Key": f"Bearer {token}"})
    assert (r.status_code, r.get_json()) == (
        422,
        {"msg": "Bad X-Api-Key header. Expected 'X-Api-Key: <JWT>'"},
    )
    assert client.get("/sync/protected").get_json() == {
        "msg": "Missing X-Api-Key Header"
    }


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ([], "must contain at least one"),
        (["headers", "body"], "'body' is not a valid location"),
        (42, "must be a sequence"),
    ],
)
def test_bad_token_location_settings_are_explained(setting: Any, message: str) -> None:
    app, _ = make_jwt_app({"JWT_TOKEN_LOCATION": setting})
    with app.test_request_context(), pytest.raises(RuntimeError, match=message):
        from kolben.jwt import verify_jwt_in_request

        verify_jwt_in_request()


def test_token_helpers(jwt_app: tuple[Kolben, JWTManager]) -> None:
    app = jwt_app[0]
    token = token_for(app)
    with app.app_context():
        assert get_unverified_jwt_headers(token) == {"alg": "HS256", "typ": "JWT"}
        assert len(get_jti(token) or "") == 36
        assert len(get_csrf_token(token)) == 36
