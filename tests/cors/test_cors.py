"""kolben.cors: CORS(app) and @cross_origin, under both protocols."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from kolben import Blueprint, Kolben
from kolben.cors import CORS, cross_origin
from kolben.testing import KolbenClient
from tests.conftest import create_app

ORIGIN = "https://app.example.com"
Make = Callable[[Kolben], KolbenClient]


def api_app(install: bool = True, **cors: Any) -> tuple[Kolben, list[str]]:
    """An app with /api/items (GET, POST) whose view records its calls."""
    app = create_app()
    calls: list[str] = []

    @app.route("/api/items", methods=["GET", "POST"])
    def items() -> dict[str, str]:
        calls.append("items")
        return {"ok": "yes"}

    @app.get("/api/fail")
    def fail() -> str:
        raise RuntimeError("boom")

    @app.get("/other")
    def other() -> str:
        return "other"

    if install:
        CORS(app, **cors)
    return app, calls


def preflight(
    client: KolbenClient, path: str = "/api/items", origin: str = ORIGIN, **extra: str
) -> Any:
    headers = {
        "Origin": origin,
        "Access-Control-Request-Method": extra.pop("method", "POST"),
        **extra,
    }
    return client.options(path, headers=headers)


def test_every_origin_is_reflected_by_default(make_client: Make) -> None:
    app, _ = api_app()
    r = make_client(app).get("/api/items", headers={"Origin": ORIGIN})
    assert r.headers["Access-Control-Allow-Origin"] == ORIGIN
    assert r.headers["Vary"] == "Origin"
    assert "Access-Control-Allow-Credentials" not in r.headers


def test_without_an_origin_the_wildcard_is_sent(make_client: Make) -> None:
    app, _ = api_app()
    assert make_client(app).get("/other").headers["Access-Control-Allow-Origin"] == "*"
    app, _ = api_app(always_send=False)
    assert "Access-Control-Allow-Origin" not in make_client(app).get("/other").headers


def test_send_wildcard(make_client: Make) -> None:
    app, _ = api_app(send_wildcard=True)
    r = make_client(app).get("/api/items", headers={"Origin": ORIGIN})
    assert r.headers["Access-Control-Allow-Origin"] == "*"
    assert "Vary" not in r.headers


def test_resources_choose_the_origins(make_client: Make) -> None:
    app, _ = api_app(resources={r"/api/*": {"origins": [ORIGIN]}})
    client = make_client(app)
    assert (
        client.get("/api/items", headers={"Origin": ORIGIN}).headers[
            "Access-Control-Allow-Origin"
        ]
        == ORIGIN
    )
    other = client.get("/api/items", headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in other.headers
    # The answer depends on the Origin either way: caches must know.
    assert other.headers["Vary"] == "Origin"
    # A path no resource matches gets no CORS headers at all.
    r = client.get("/other", headers={"Origin": ORIGIN})
    assert "Access-Control-Allow-Origin" not in r.headers


def test_origins_match_in_any_case(make_client: Make) -> None:
    app, _ = api_app(origins=[ORIGIN])
    r = make_client(app).get("/api/items", headers={"Origin": ORIGIN.upper()})
    assert r.headers["Access-Control-Allow-Origin"] == ORIGIN.upper()


def test_regex_origins_match_the_whole_origin(make_client: Make) -> None:
    app, _ = api_app(origins=[r"https://.*\.example\.com", re.compile(r"http://lo.*")])
    client = make_client(app)

    def allowed(origin: str) -> bool:
        r = client.get("/api/items", headers={"Origin": origin})
        return r.headers.get("Access-Control-Allow-Origin") == origin

    assert allowed("https://a.example.com")
    assert allowed("http://localhost:5000")
    assert not allowed("https://a.example.com.evil.net")
    assert not allowed("https://example.org")


def test_prefix_matching_as_flask_cors_does_is_a_setting(make_client: Make) -> None:
    app, _ = api_app(install=False)
    app.config["CORS_ORIGIN_FULLMATCH"] = False
    CORS(app, origins=[r"https://.*\.example\.com"])
    origin = "https://a.example.com.evil.net"
    r = make_client(app).get("/other", headers={"Origin": origin})
    assert r.headers["Access-Control-Allow-Origin"] == origin


def test_a_preflight_is_answered_without_the_view(make_client: Make) -> None:
    app, calls = api_app(origins=[ORIGIN], max_age=timedelta(minutes=10))
    r = preflight(
        make_client(app),
        **{"Access-Control-Request-Headers": "Content-Type, X-Token"},
    )
    assert r.status_code == 200
    assert calls == []
    assert r.headers["Access-Control-Allow-Origin"] == ORIGIN
    assert r.headers["Access-Control-Allow-Methods"] == (
        "DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT"
    )
    assert r.headers["Access-Control-Allow-Headers"] == "Content-Type, X-Token"
    assert r.headers["Access-Control-Max-Age"] == "600"


def test_a_preflight_skips_later_before_request_hooks(make_client: Make) -> None:
    app, calls = api_app()

    @app.before_request
    def login_required() -> Any:
        return "log in first", 401

    assert preflight(make_client(app)).status_code == 200


def test_a_preflight_for_a_method_not_allowed(make_client: Make) -> None:
    app, _ = api_app(methods=["GET", "POST"], allow_headers=["Content-Type"])
    client = make_client(app)
    r = preflight(client, method="DELETE")
    assert "Access-Control-Allow-Methods" not in r.headers
    r = preflight(client, **{"Access-Control-Request-Headers": "X-Token"})
    assert r.headers["Access-Control-Allow-Methods"] == "GET, POST"
    assert "Access-Control-Allow-Headers" not in r.headers


def test_a_preflight_to_an_unknown_path_is_still_a_404(make_client: Make) -> None:
    app, _ = api_app()
    r = preflight(make_client(app), "/api/nothing")
    assert r.status_code == 404
    assert r.headers["Access-Control-Allow-Origin"] == ORIGIN


def test_without_automatic_options_the_view_answers(make_client: Make) -> None:
    app = create_app()
    CORS(app, automatic_options=False)

    @app.route("/own", methods=["GET", "OPTIONS"], provide_automatic_options=False)
    def own() -> str:
        return "mine"

    assert preflight(make_client(app), "/own").text == "mine"


def test_credentials_expose_headers_and_private_network(make_client: Make) -> None:
    app, _ = api_app(
        origins=[ORIGIN],
        supports_credentials=True,
        expose_headers=["X-Total", "X-Page"],
        allow_private_network=True,
    )
    r = make_client(app).get(
        "/api/items",
        headers={"Origin": ORIGIN, "Access-Control-Request-Private-Network": "true"},
    )
    assert r.headers["Access-Control-Allow-Credentials"] == "true"
    assert r.headers["Access-Control-Expose-Headers"] == "X-Page, X-Total"
    assert r.headers["Access-Control-Allow-Private-Network"] == "true"


def test_credentials_for_every_origin_warn_at_startup(
    caplog: pytest.LogCaptureFixture, make_client: Make
) -> None:
    with caplog.at_level(logging.WARNING, logger="kolben.cors"):
        app, _ = api_app(supports_credentials=True)
    assert "any site can make credentialed requests" in caplog.text
    r = make_client(app).get("/api/items", headers={"Origin": "https://evil.example"})
    assert r.headers["Access-Control-Allow-Origin"] == "https://evil.example"
    # With no Origin, never '*' together with credentials.
    assert "Access-Control-Allow-Origin" not in make_client(app).get("/other").headers


def test_strict_credentials_make_it_an_error() -> None:
    app = create_app({"CORS_STRICT_CREDENTIALS": True})
    with pytest.raises(ValueError, match="CORS_STRICT_CREDENTIALS"):
        CORS(app, supports_credentials=True)
    CORS(app, supports_credentials=True, origins=[ORIGIN])  # listed: fine


def test_credentials_with_the_wildcard_sent_are_refused() -> None:
    with pytest.raises(ValueError, match="supports_credentials"):
        CORS(create_app(), supports_credentials=True, send_wildcard=True)


def test_a_bad_regex_is_refused_at_setup() -> None:
    with pytest.raises(ValueError, match="Invalid regular expression"):
        CORS(create_app(), origins=["https://(.example.com"])


def test_config_keys(make_client: Make) -> None:
    app, _ = api_app(install=False)
    app.config.update(
        CORS_ORIGINS=[ORIGIN], CORS_EXPOSE_HEADERS="X-Total", CORS_MAX_AGE=60
    )
    CORS(app)
    r = preflight(make_client(app))
    assert r.headers["Access-Control-Allow-Origin"] == ORIGIN
    assert r.headers["Access-Control-Expose-Headers"] == "X-Total"
    assert r.headers["Access-Control-Max-Age"] == "60"


def test_error_responses_carry_the_headers(make_client: Make) -> None:
    app, _ = api_app()
    app.testing = False
    r = make_client(app).get("/api/fail", headers={"Origin": ORIGIN})
    assert r.status_code == 500
    assert r.headers["Access-Control-Allow-Origin"] == ORIGIN


def test_vary_is_merged(make_client: Make) -> None:
    app, _ = api_app()

    @app.after_request
    def vary(response: Any) -> Any:
        response.headers["Vary"] = "Accept-Encoding"
        return response

    r = make_client(app).get("/api/items", headers={"Origin": ORIGIN})
    assert r.headers.get_all("Vary") == ["Accept-Encoding, Origin"]


def test_a_blueprint(make_client: Make) -> None:
    app = create_app()
    bp = Blueprint("api", __name__, url_prefix="/api")
    CORS(bp, origins=[ORIGIN])

    @bp.get("/x")
    def x() -> str:
        return "x"

    @app.get("/y")
    def y() -> str:
        return "y"

    app.register_blueprint(bp)
    client = make_client(app)
    assert (
        client.get("/api/x", headers={"Origin": ORIGIN}).headers[
            "Access-Control-Allow-Origin"
        ]
        == ORIGIN
    )
    assert (
        "Access-Control-Allow-Origin"
        not in client.get("/y", headers={"Origin": ORIGIN}).headers
    )


# -- @cross_origin --------------------------------------------------------------


@pytest.mark.parametrize("kind", ["sync", "async"])
def test_cross_origin_on_a_view(kind: str, make_client: Make) -> None:
    app = create_app({"CORS_MAX_AGE": 30})
    calls: list[str] = []
    if kind == "sync":

        @app.route("/v", methods=["POST"])
        @cross_origin(origins=[ORIGIN])
        def view() -> str:
            calls.append("view")
            return "done"
    else:

        @app.route("/v", methods=["POST"])
        @cross_origin(origins=[ORIGIN])
        async def view() -> str:  # type: ignore[misc]
            calls.append("view")
            return "done"

    client = make_client(app)
    r = preflight(client, "/v")
    assert r.status_code == 200 and calls == []
    assert r.headers["Access-Control-Allow-Origin"] == ORIGIN
    assert r.headers["Access-Control-Max-Age"] == "30"
    assert "POST" in r.headers["Allow"]
    r = client.post("/v", headers={"Origin": ORIGIN})
    assert r.text == "done" and calls == ["view"]
    assert r.headers["Access-Control-Allow-Origin"] == ORIGIN
    r = client.post("/v", headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in r.headers


def test_the_decorator_wins_over_the_extension(make_client: Make) -> None:
    app = create_app()
    CORS(app, origins=["https://other.example"])

    @app.get("/open")
    @cross_origin(send_wildcard=True)
    def open_view() -> str:
        return "open"

    r = make_client(app).get("/open", headers={"Origin": ORIGIN})
    assert r.headers.get_all("Access-Control-Allow-Origin") == ["*"]


def test_the_decorator_warns_about_credentials_for_everyone(
    caplog: pytest.LogCaptureFixture, make_client: Make
) -> None:
    app = create_app()

    @app.get("/c")
    @cross_origin(supports_credentials=True)
    def c() -> str:
        return "c"

    with caplog.at_level(logging.WARNING, logger="kolben.cors"):
        make_client(app).get("/c", headers={"Origin": ORIGIN})
    assert "the view 'c'" in caplog.text
