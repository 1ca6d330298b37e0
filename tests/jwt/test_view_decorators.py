"""jwt_required and verify_jwt_in_request on sync and async views, both protocols."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from kolben import Kolben
from kolben.jwt import (
    JWTManager,
    current_user,
    get_current_user,
    get_jwt,
    get_jwt_header,
    jwt_required,
    verify_jwt_in_request,
    verify_jwt_in_request_async,
)
from kolben.testing import KolbenClient

from .conftest import bearer, make_jwt_app, token_for

Client = Callable[[Kolben], KolbenClient]


def test_a_valid_token_opens_the_view(
    jwt_app: tuple[Kolben, JWTManager], jclient: KolbenClient, kind: str
) -> None:
    token = jclient.post("/login").get_json()["access_token"]
    r = jclient.get(f"/{kind}/protected", headers=bearer(token))
    assert r.status_code == 200
    assert r.get_json() == {"identity": "ada", "type": "access", "location": "headers"}


def test_no_token_is_401_with_flask_jwt_extendeds_body(
    jclient: KolbenClient, kind: str
) -> None:
    r = jclient.get(f"/{kind}/protected")
    assert r.status_code == 401
    assert r.get_json() == {"msg": "Missing Authorization Header"}


def test_optional_lets_a_request_without_token_through(
    jwt_app: tuple[Kolben, JWTManager], jclient: KolbenClient, kind: str
) -> None:
    r = jclient.get(f"/{kind}/optional")
    assert r.get_json() == {"identity": None, "type": None, "location": None}
    # A bad token is still refused.
    r = jclient.get(f"/{kind}/optional", headers=bearer("nope"))
    assert r.status_code == 422
    token = token_for(jwt_app[0])
    assert jclient.get(f"/{kind}/optional", headers=bearer(token)).status_code == 200


def test_fresh_needs_a_fresh_token(
    jwt_app: tuple[Kolben, JWTManager], jclient: KolbenClient, kind: str
) -> None:
    app = jwt_app[0]
    stale = token_for(app)
    r = jclient.get(f"/{kind}/fresh", headers=bearer(stale))
    assert (r.status_code, r.get_json()) == (401, {"msg": "Fresh token required"})
    fresh = token_for(app, fresh=True)
    assert jclient.get(f"/{kind}/fresh", headers=bearer(fresh)).status_code == 200
    # Fresh for a while: a timestamp in the token.
    for_now = token_for(app, fresh=timedelta(minutes=5))
    assert jclient.get(f"/{kind}/fresh", headers=bearer(for_now)).status_code == 200
    gone = token_for(app, fresh=timedelta(minutes=-5))
    assert jclient.get(f"/{kind}/fresh", headers=bearer(gone)).status_code == 401


def test_refresh_and_access_tokens_are_not_interchangeable(
    jwt_app: tuple[Kolben, JWTManager], jclient: KolbenClient, kind: str
) -> None:
    app = jwt_app[0]
    access, refresh = token_for(app), token_for(app, refresh=True)
    r = jclient.get(f"/{kind}/protected", headers=bearer(refresh))
    assert (r.status_code, r.get_json()) == (
        422,
        {"msg": "Only non-refresh tokens are allowed"},
    )
    r = jclient.get(f"/{kind}/refresh", headers=bearer(access))
    assert (r.status_code, r.get_json()) == (
        422,
        {"msg": "Only refresh tokens are allowed"},
    )
    r = jclient.get(f"/{kind}/refresh", headers=bearer(refresh))
    assert r.get_json()["type"] == "refresh"
    for token, kind_of in ((access, "access"), (refresh, "refresh")):
        r = jclient.get(f"/{kind}/any_type", headers=bearer(token))
        assert r.get_json()["type"] == kind_of


def test_options_requests_need_no_token(make_client: Client) -> None:
    app, _ = make_jwt_app()

    # CORS preflights carry no credentials.
    @app.route("/preflight", methods=["GET", "OPTIONS"])
    @jwt_required()
    def preflight() -> str:
        return "no token needed"

    client = make_client(app)
    assert client.options("/preflight").text == "no token needed"
    assert client.get("/preflight").status_code == 401


def test_unknown_location_is_refused_when_decorating() -> None:
    with pytest.raises(RuntimeError, match="'body' is not a valid location"):
        jwt_required(locations=["body"])


def test_get_jwt_and_friends_need_a_verified_request(app: Kolben) -> None:
    JWTManager(app)
    with app.test_request_context():
        for getter in (get_jwt, get_jwt_header, get_current_user):
            with pytest.raises(RuntimeError, match="jwt_required"):
                getter()


def test_using_kolben_jwt_without_a_manager_says_how(app: Kolben) -> None:
    from kolben.jwt import create_access_token

    with app.app_context(), pytest.raises(RuntimeError, match="JWTManager"):
        create_access_token("ada")


def _lookup_app(make_async: bool) -> Kolben:
    app, jwt = make_jwt_app()
    users = {"ada": {"name": "Ada Lovelace"}}

    if make_async:

        @jwt.user_lookup_loader
        async def load(header: dict[str, Any], data: dict[str, Any]) -> Any:
            return users.get(data["sub"])

    else:

        @jwt.user_lookup_loader
        def load(header: dict[str, Any], data: dict[str, Any]) -> Any:
            return users.get(data["sub"])

    @app.get("/sync/me")
    @jwt_required()
    def me() -> Any:
        return {"name": current_user["name"], "same": get_current_user() is not None}

    @app.get("/async/me")
    @jwt_required()
    async def ame() -> Any:
        return {"name": current_user["name"], "same": get_current_user() is not None}

    return app


@pytest.mark.parametrize("async_loader", [False, True], ids=["sync_loader", "async"])
def test_current_user_comes_from_the_user_lookup_loader(
    make_client: Client, kind: str, async_loader: bool
) -> None:
    app = _lookup_app(async_loader)
    client = make_client(app)
    r = client.get(f"/{kind}/me", headers=bearer(token_for(app)))
    assert r.get_json() == {"name": "Ada Lovelace", "same": True}
    with app.app_context():
        from kolben.jwt import create_access_token

        ghost = create_access_token("bob")
    r = client.get(f"/{kind}/me", headers=bearer(ghost))
    assert (r.status_code, r.get_json()) == (401, {"msg": "Error loading the user bob"})


@pytest.mark.parametrize("async_loader", [False, True], ids=["sync_loader", "async"])
def test_token_verification_loader_refusal_is_400(
    make_client: Client, kind: str, async_loader: bool
) -> None:
    app, jwt = make_jwt_app()

    def check(header: dict[str, Any], data: dict[str, Any]) -> bool:
        return data.get("role") == "admin"

    async def acheck(header: dict[str, Any], data: dict[str, Any]) -> bool:
        return check(header, data)

    jwt.token_verification_loader(acheck if async_loader else check)
    client = make_client(app)
    r = client.get(f"/{kind}/protected", headers=bearer(token_for(app)))
    assert (r.status_code, r.get_json()) == (
        400,
        {"msg": "User claims verification failed"},
    )
    admin = token_for(app, additional_claims={"role": "admin"})
    assert client.get(f"/{kind}/protected", headers=bearer(admin)).status_code == 200


def test_error_loaders_replace_the_default_answers(make_client: Client) -> None:
    app, jwt = make_jwt_app({"JWT_ERROR_MESSAGE_KEY": "error"})
    jwt.unauthorized_loader(lambda why: ({"custom": why}, 418))
    jwt.invalid_token_loader(lambda why: ({"invalid": why}, 400))
    jwt.expired_token_loader(lambda h, d: ({"expired": d["sub"]}, 401))
    jwt.needs_fresh_token_loader(lambda h, d: ({"stale": d["sub"]}, 403))
    jwt.revoked_token_loader(lambda h, d: ({"revoked": d["jti"]}, 401))
    jwt.token_in_blocklist_loader(lambda h, d: d.get("bad", False))
    client = make_client(app)
    r = client.get("/sync/protected")
    assert (r.status_code, r.get_json()) == (
        418,
        {"custom": "Missing Authorization Header"},
    )
    r = client.get("/sync/protected", headers=bearer("x.y.z"))
    assert r.status_code == 400 and "invalid" in r.get_json()
    old = token_for(app, expires_delta=timedelta(seconds=-30))
    assert client.get("/sync/protected", headers=bearer(old)).get_json() == {
        "expired": "ada"
    }
    r = client.get("/sync/fresh", headers=bearer(token_for(app)))
    assert (r.status_code, r.get_json()) == (403, {"stale": "ada"})
    bad = token_for(app, additional_claims={"bad": True})
    r = client.get("/sync/protected", headers=bearer(bad))
    assert r.status_code == 401 and "revoked" in r.get_json()
    # The message key applies to the default bodies.
    jwt.unauthorized_loader(type(jwt)()._unauthorized_callback)
    assert client.get("/sync/protected").get_json() == {
        "error": "Missing Authorization Header"
    }


def test_skip_revocation_check_skips_the_blocklist(
    make_client: Client, kind: str
) -> None:
    app, jwt = make_jwt_app()
    jwt.token_in_blocklist_loader(lambda header, data: True)
    client = make_client(app)
    token = token_for(app)
    r = client.get(f"/{kind}/protected", headers=bearer(token))
    assert (r.status_code, r.get_json()) == (401, {"msg": "Token has been revoked"})
    assert (
        client.get(f"/{kind}/no_revocation", headers=bearer(token)).status_code == 200
    )


def test_verify_jwt_in_request_in_hooks(make_client: Client) -> None:
    app, _ = make_jwt_app()
    seen: list[Any] = []

    @app.before_request
    def sync_hook() -> None:
        seen.append(verify_jwt_in_request(optional=True))

    @app.get("/open")
    async def open_view() -> Any:
        found = await verify_jwt_in_request_async()
        assert found is not None
        return {"header": found[0]["alg"], "sub": found[1]["sub"]}

    client = make_client(app)
    token = token_for(app)
    r = client.get("/open", headers=bearer(token))
    assert r.get_json() == {"header": "HS256", "sub": "ada"}
    assert seen[0][1]["sub"] == "ada"
    assert client.get("/open").status_code == 401
    assert seen[1] is None


def test_an_async_loader_from_sync_code_on_the_loop_says_what_to_do(
    make_client: Client,
) -> None:
    app, jwt = make_jwt_app()

    @jwt.token_in_blocklist_loader
    async def revoked(header: dict[str, Any], data: dict[str, Any]) -> bool:
        return False

    errors: list[str] = []

    @app.get("/wrong")
    async def wrong() -> Any:
        try:
            verify_jwt_in_request()
        except RuntimeError as e:
            errors.append(str(e))
        return "done"

    make_client(app).get("/wrong", headers=bearer(token_for(app)))
    assert "await verify_jwt_in_request_async()" in errors[0]


def test_views_record_their_requirement_for_the_api_docs() -> None:
    def view() -> str:
        return ""

    protected = jwt_required()(view)
    assert protected.__kolben_auth__ == (  # type: ignore[attr-defined]
        {
            "battery": "jwt",
            "locations": (),
            "optional": False,
            "fresh": False,
            "refresh": False,
        },
    )
    stacked = jwt_required(fresh=True, locations="cookies")(
        jwt_required(refresh=True, optional=True, locations=["headers", "json"])(view)
    )
    assert stacked.__kolben_auth__ == (  # type: ignore[attr-defined]
        {
            "battery": "jwt",
            "locations": ("headers", "json"),
            "optional": True,
            "fresh": False,
            "refresh": True,
        },
        {
            "battery": "jwt",
            "locations": ("cookies",),
            "optional": False,
            "fresh": True,
            "refresh": False,
        },
    )
    # A requirement recorded by another battery is kept.
    view.__kolben_auth__ = ({"battery": "login"},)  # type: ignore[attr-defined]
    both = jwt_required()(view)
    assert [r["battery"] for r in both.__kolben_auth__] == ["login", "jwt"]  # type: ignore[attr-defined]


def test_the_manager_says_how_tokens_travel() -> None:
    app, jwt = make_jwt_app()
    scheme = jwt.header_scheme(app)
    assert scheme == ("Authorization", "Bearer") and scheme.is_bearer
    app.config["JWT_HEADER_TYPE"] = "Token"
    assert jwt.header_scheme(app) == ("Authorization", "Token")
    assert not jwt.header_scheme(app).is_bearer
    with app.app_context():
        assert jwt.header_scheme().type == "Token"
        assert jwt.token_locations() == ("headers",)
    app.config["JWT_TOKEN_LOCATION"] = ["headers", "cookies"]
    follows = app.view_functions["sync_protected"].__kolben_auth__[0]  # type: ignore[attr-defined]
    own = app.view_functions["sync_cookies"].__kolben_auth__[0]  # type: ignore[attr-defined]
    assert jwt.token_locations(follows, app) == ("headers", "cookies")
    assert jwt.token_locations(own, app) == ("cookies",)
