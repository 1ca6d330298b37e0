"""kolben.limiter with the in-memory storage, under both protocols.

Every behaviour runs through WSGI and ASGI (the ``client`` fixtures), and
with a sync and an async view (the ``view_kind`` fixture).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from kolben import Blueprint, Kolben, request
from kolben.http.exceptions import TooManyRequests
from kolben.limiter import ExemptionScope, Limit, Limiter, RateLimitExceeded
from kolben.limiter.util import get_remote_address
from kolben.testing import KolbenClient
from tests.conftest import create_app


@pytest.fixture(params=["sync", "async"])
def view_kind(request: pytest.FixtureRequest) -> str:
    """Whether the test's views are ``def`` or ``async def``."""
    return str(request.param)


def view(kind: str, body: str = "ok") -> Callable[..., Any]:
    """Return a view of ``kind`` answering ``body``."""
    if kind == "async":

        async def async_view(**kwargs: Any) -> str:
            return body

        async_view.__name__ = async_view.__qualname__ = f"view_{body}"
        return async_view

    def sync_view(**kwargs: Any) -> str:
        return body

    sync_view.__name__ = sync_view.__qualname__ = f"view_{body}"
    return sync_view


def statuses(client: KolbenClient, path: str, n: int, **kw: Any) -> list[int]:
    return [client.get(path, **kw).status_code for _ in range(n)]


def test_decorated_limit(app: Kolben, client: KolbenClient, view_kind: str) -> None:
    limiter = Limiter(get_remote_address, app=app, storage_uri="memory://")
    app.route("/a")(limiter.limit("2/minute")(view(view_kind)))
    assert statuses(client, "/a", 3) == [200, 200, 429]


def test_default_limits_apply_per_route_and_decorated_ones_replace_them(
    app: Kolben, client: KolbenClient, view_kind: str
) -> None:
    limiter = Limiter(
        get_remote_address,
        app=app,
        default_limits=["2/minute"],
        storage_uri="memory://",
    )
    app.route("/a")(view(view_kind, "a"))
    app.route("/b")(view(view_kind, "b"))
    app.route("/c")(limiter.limit("3/minute")(view(view_kind, "c")))
    assert statuses(client, "/a", 3) == [200, 200, 429]
    assert statuses(client, "/b", 3) == [200, 200, 429]
    assert statuses(client, "/c", 4) == [200, 200, 200, 429]


def test_override_defaults_false_keeps_the_defaults(
    app: Kolben, client: KolbenClient, view_kind: str
) -> None:
    limiter = Limiter(
        get_remote_address,
        app=app,
        default_limits=["2/minute"],
        storage_uri="memory://",
    )
    app.route("/a")(limiter.limit("5/minute", override_defaults=False)(view(view_kind)))
    assert statuses(client, "/a", 3) == [200, 200, 429]


def test_application_limits_are_shared_by_every_route(
    app: Kolben, client: KolbenClient, view_kind: str
) -> None:
    Limiter(
        get_remote_address,
        app=app,
        application_limits=["3/minute"],
        storage_uri="memory://",
    )
    app.route("/a")(view(view_kind, "a"))
    app.route("/b")(view(view_kind, "b"))
    assert statuses(client, "/a", 2) + statuses(client, "/b", 2) == [200, 200, 200, 429]


def test_config_keys(app: Kolben, client: KolbenClient, view_kind: str) -> None:
    app.config.update(
        RATELIMIT_DEFAULT="1/minute",
        RATELIMIT_STORAGE_URI="memory://",
        RATELIMIT_HEADERS_ENABLED=True,
        RATELIMIT_HEADER_LIMIT="X-Limit",
    )
    Limiter(get_remote_address, app=app)
    app.route("/a")(view(view_kind))
    first = client.get("/a")
    assert first.headers["X-Limit"] == "1"
    assert first.headers["X-RateLimit-Remaining"] == "0"
    assert client.get("/a").status_code == 429


def test_defaults_of_the_config_keys_are_flask_limiters(app: Kolben) -> None:
    Limiter(get_remote_address, app=app, storage_uri="memory://")
    config = app.config
    assert config["RATELIMIT_ENABLED"] is True
    assert config["RATELIMIT_STRATEGY"] == "fixed-window"
    assert config["RATELIMIT_HEADERS_ENABLED"] is False
    assert config["RATELIMIT_SWALLOW_ERRORS"] is False
    assert config["RATELIMIT_FAIL_ON_FIRST_BREACH"] is True
    assert config["RATELIMIT_IN_MEMORY_FALLBACK_ENABLED"] is False
    assert config["RATELIMIT_KEY_PREFIX"] == ""
    assert config["RATELIMIT_HEADER_REMAINING"] == "X-RateLimit-Remaining"
    assert config["RATELIMIT_HEADER_RETRY_AFTER"] == "Retry-After"


def test_disabled_limiter_limits_nothing(client: KolbenClient, app: Kolben) -> None:
    app.config["RATELIMIT_ENABLED"] = False
    limiter = Limiter(get_remote_address, app=app, storage_uri="memory://")
    app.route("/a")(limiter.limit("1/minute")(view("sync")))
    assert statuses(client, "/a", 3) == [200, 200, 200]


def test_unknown_keyword_argument_is_an_error(app: Kolben) -> None:
    with pytest.raises(TypeError, match="storage_url"):
        Limiter(get_remote_address, app=app, storage_url="memory://")


def test_key_func_separates_clients(
    app: Kolben, client: KolbenClient, view_kind: str
) -> None:
    limiter = Limiter(get_remote_address, app=app, storage_uri="memory://")
    by_user = limiter.limit("1/minute", key_func=lambda: request.headers["X-User"])
    app.route("/a")(by_user(view(view_kind)))
    assert statuses(client, "/a", 2, headers={"X-User": "ada"}) == [200, 429]
    assert statuses(client, "/a", 1, headers={"X-User": "bob"}) == [200]


def test_remote_address_is_the_key_by_default(
    app: Kolben, client: KolbenClient
) -> None:
    limiter = Limiter(get_remote_address, app=app, storage_uri="memory://")
    app.route("/a")(limiter.limit("1/minute")(view("sync")))
    assert client.get("/a").status_code == 200
    other = {"REMOTE_ADDR": "10.0.0.2"}
    assert client.get("/a", environ_base=other).status_code == 200
    assert client.get("/a").status_code == 429


def test_exempt_when_methods_and_per_method(
    app: Kolben, client: KolbenClient, view_kind: str
) -> None:
    limiter = Limiter(get_remote_address, app=app, storage_uri="memory://")
    exempt = limiter.limit("1/minute", exempt_when=lambda: "X-Admin" in request.headers)
    app.route("/exempt")(exempt(view(view_kind, "e")))
    post_only = limiter.limit("1/minute", methods=["POST"])
    app.route("/post", methods=["GET", "POST"])(post_only(view(view_kind, "p")))
    each = limiter.limit("1/minute", per_method=True)
    app.route("/each", methods=["GET", "POST"])(each(view(view_kind, "m")))
    assert statuses(client, "/exempt", 3, headers={"X-Admin": "1"}) == [200] * 3
    assert statuses(client, "/exempt", 2) == [200, 429]
    assert statuses(client, "/post", 3) == [200] * 3
    assert [client.post("/post").status_code for _ in range(2)] == [200, 429]
    assert client.get("/each").status_code == 200
    assert client.post("/each").status_code == 200
    assert client.get("/each").status_code == 429


def test_cost_and_deduct_when(
    app: Kolben, client: KolbenClient, view_kind: str
) -> None:
    limiter = Limiter(get_remote_address, app=app, storage_uri="memory://")
    app.route("/costly")(limiter.limit("4/minute", cost=2)(view(view_kind, "c")))
    only_errors = limiter.limit(
        "2/minute", deduct_when=lambda response: response.status_code >= 400
    )

    def maybe_fail() -> tuple[str, int]:
        return "x", 500 if request.args.get("fail") else 200

    app.route("/deduct")(only_errors(maybe_fail))
    assert statuses(client, "/costly", 3) == [200, 200, 429]
    assert statuses(client, "/deduct", 4) == [200] * 4
    assert statuses(client, "/deduct?fail=1", 3) == [500, 500, 429]


def test_exempt_view_and_blueprint(
    app: Kolben, client: KolbenClient, view_kind: str
) -> None:
    limiter = Limiter(
        get_remote_address,
        app=app,
        default_limits=["1/minute"],
        application_limits=["100/minute"],
        storage_uri="memory://",
    )
    app.route("/free")(limiter.exempt(view(view_kind, "free")))
    bp = Blueprint("internal", __name__, url_prefix="/internal")
    bp.route("/x")(view(view_kind, "x"))
    limiter.exempt(bp)
    app.register_blueprint(bp)
    app.route("/only-app")(
        limiter.exempt(flags=ExemptionScope.DEFAULT)(view(view_kind, "oa"))
    )
    assert statuses(client, "/free", 3) == [200] * 3
    assert statuses(client, "/internal/x", 3) == [200] * 3
    assert statuses(client, "/only-app", 3) == [200] * 3


def test_blueprint_limits(app: Kolben, client: KolbenClient, view_kind: str) -> None:
    limiter = Limiter(
        get_remote_address,
        app=app,
        default_limits=["5/minute"],
        storage_uri="memory://",
    )
    bp = Blueprint("api", __name__, url_prefix="/api")
    bp.route("/a")(view(view_kind, "a"))
    bp.route("/b")(limiter.limit("3/minute")(view(view_kind, "b")))
    limiter.limit("2/minute")(bp)
    app.register_blueprint(bp)
    assert statuses(client, "/api/a", 3) == [200, 200, 429]
    assert statuses(client, "/api/b", 4) == [200, 200, 200, 429]


def test_nested_blueprints_inherit_limits(app: Kolben, client: KolbenClient) -> None:
    limiter = Limiter(get_remote_address, app=app, storage_uri="memory://")
    parent = Blueprint("parent", __name__, url_prefix="/p")
    child = Blueprint("child", __name__, url_prefix="/c")
    child.route("/x")(view("sync", "x"))
    limiter.limit("1/minute")(parent)
    parent.register_blueprint(child)
    app.register_blueprint(parent)
    assert statuses(client, "/p/c/x", 2) == [200, 429]


def test_shared_limit_counts_endpoints_together(
    app: Kolben, client: KolbenClient, view_kind: str
) -> None:
    limiter = Limiter(get_remote_address, app=app, storage_uri="memory://")
    shared = limiter.shared_limit("3/minute", scope="group")
    app.route("/a")(shared(view(view_kind, "a")))
    app.route("/b")(shared(view(view_kind, "b")))
    assert statuses(client, "/a", 2) + statuses(client, "/b", 2) == [200, 200, 200, 429]


def test_stacked_limits_check_each_once(app: Kolben, client: KolbenClient) -> None:
    limiter = Limiter(get_remote_address, app=app, storage_uri="memory://")
    app.route("/a")(limiter.limit("3/minute")(limiter.limit("10/minute")(view("sync"))))
    assert statuses(client, "/a", 4) == [200, 200, 200, 429]


@pytest.mark.parametrize(
    "strategy", ["fixed-window", "moving-window", "sliding-window-counter"]
)
def test_strategies(
    app: Kolben, client: KolbenClient, view_kind: str, strategy: str
) -> None:
    app.config["RATELIMIT_STRATEGY"] = strategy
    limiter = Limiter(get_remote_address, app=app, storage_uri="memory://")
    app.route("/a")(limiter.limit("2/minute")(view(view_kind)))
    assert statuses(client, "/a", 3) == [200, 200, 429]
    assert type(limiter.limiter).__name__.lower().startswith(strategy.split("-")[0])


def test_unknown_strategy_is_an_error(app: Kolben) -> None:
    from limits.errors import ConfigurationError

    app.config["RATELIMIT_STRATEGY"] = "leaky-bucket"
    with pytest.raises(ConfigurationError, match="leaky-bucket"):
        Limiter(get_remote_address, app=app, storage_uri="memory://")


def test_headers_only_when_enabled(app: Kolben, make_client: Any) -> None:
    plain = create_app()
    limiter = Limiter(get_remote_address, app=plain, storage_uri="memory://")
    plain.route("/a")(limiter.limit("2/minute")(view("sync")))
    assert "X-RateLimit-Limit" not in make_client(plain).get("/a").headers
    Limiter(
        get_remote_address,
        app=app,
        default_limits=["2/minute"],
        headers_enabled=True,
        storage_uri="memory://",
    )
    app.route("/a")(view("async"))
    client = make_client(app)
    first = client.get("/a")
    assert first.headers["X-RateLimit-Limit"] == "2"
    assert first.headers["X-RateLimit-Remaining"] == "1"
    assert 0 <= int(first.headers["Retry-After"]) <= 60
    assert int(first.headers["X-RateLimit-Reset"]) > 0
    client.get("/a")
    assert client.get("/a").headers["X-RateLimit-Remaining"] == "0"


def test_retry_after_as_http_date(app: Kolben, client: KolbenClient) -> None:
    app.config["RATELIMIT_HEADER_RETRY_AFTER_VALUE"] = "http-date"
    limiter = Limiter(
        get_remote_address, app=app, headers_enabled=True, storage_uri="memory://"
    )
    app.route("/a")(limiter.limit("1/minute")(view("sync")))
    assert client.get("/a").headers["Retry-After"].endswith(" GMT")


def test_429_is_html_or_json_by_the_accept_header(
    app: Kolben, client: KolbenClient, view_kind: str
) -> None:
    limiter = Limiter(get_remote_address, app=app, storage_uri="memory://")
    app.route("/a")(limiter.limit("1/minute")(view(view_kind)))
    client.get("/a")
    page = client.get("/a", headers={"Accept": "text/html,*/*"})
    assert page.status_code == 429
    assert page.mimetype == "text/html"
    assert "1 per 1 minute" in page.text
    assert 0 < int(page.headers["Retry-After"]) <= 60
    api = client.get("/a", headers={"Accept": "application/json"})
    assert api.status_code == 429
    assert api.get_json() == {
        "code": 429,
        "name": "Too Many Requests",
        "description": "1 per 1 minute",
    }
    assert "Retry-After" in api.headers


def test_error_message_and_error_handlers(app: Kolben, make_client: Any) -> None:
    limiter = Limiter(get_remote_address, app=app, storage_uri="memory://")
    app.route("/a")(limiter.limit("1/minute", error_message="slow down")(view("sync")))
    client = make_client(app)
    client.get("/a")
    assert "slow down" in client.get("/a").text
    assert issubclass(RateLimitExceeded, TooManyRequests)

    handled = create_app()
    other = Limiter(get_remote_address, app=handled, storage_uri="memory://")
    handled.route("/b")(other.limit("1/minute")(view("sync", "b")))

    @handled.errorhandler(429)
    def too_many(e: TooManyRequests) -> tuple[dict[str, str], int]:
        assert isinstance(e, RateLimitExceeded)
        return {"error": str(e.limit.limit)}, 429

    client = make_client(handled)
    client.get("/b")
    assert client.get("/b").get_json() == {"error": "1 per 1 minute"}


def test_on_breach_response_replaces_the_429(app: Kolben, client: KolbenClient) -> None:
    seen: list[str] = []

    def breached(limit: Any) -> Any:
        seen.append(str(limit.limit))
        return app.response_class("custom", 429)

    limiter = Limiter(get_remote_address, app=app, storage_uri="memory://")
    app.route("/a")(limiter.limit("1/minute", on_breach=breached)(view("sync")))
    client.get("/a")
    answer = client.get("/a")
    assert (answer.status_code, answer.text) == (429, "custom")
    assert seen == ["1 per 1 minute"]


def test_request_filter(app: Kolben, client: KolbenClient, view_kind: str) -> None:
    limiter = Limiter(
        get_remote_address,
        app=app,
        default_limits=["1/minute"],
        storage_uri="memory://",
    )

    @limiter.request_filter
    def trusted() -> bool:
        return request.headers.get("X-Internal") == "yes"

    app.route("/a")(view(view_kind))
    assert statuses(client, "/a", 3, headers={"X-Internal": "yes"}) == [200] * 3
    assert statuses(client, "/a", 2) == [200, 429]


def test_check_and_current_limit(app: Kolben, client: KolbenClient) -> None:
    limiter = Limiter(
        get_remote_address,
        app=app,
        application_limits=["2/minute"],
        storage_uri="memory://",
    )

    @app.route("/a")
    def a() -> dict[str, Any]:
        current = limiter.current_limit
        assert current is not None
        return {"limit": str(current.limit), "remaining": current.remaining}

    assert client.get("/a").get_json() == {"limit": "2 per 1 minute", "remaining": 1}
    with app.test_request_context("/a"):
        limiter.check()
        with pytest.raises(RateLimitExceeded):
            limiter.check()


def test_reset_clears_the_counts(app: Kolben, client: KolbenClient) -> None:
    limiter = Limiter(get_remote_address, app=app, storage_uri="memory://")
    app.route("/a")(limiter.limit("1/minute")(view("sync")))
    assert statuses(client, "/a", 2) == [200, 429]
    limiter.reset()
    assert statuses(client, "/a", 2) == [200, 429]


def test_limit_as_context_manager(app: Kolben, client: KolbenClient) -> None:
    limiter = Limiter(get_remote_address, app=app, storage_uri="memory://")

    @app.route("/sync")
    def sync_block() -> str:
        try:
            with limiter.limit("1/minute"):
                return "done"
        except RateLimitExceeded:
            return "skipped"

    @app.route("/async")
    async def async_block() -> str:
        try:
            async with limiter.limit("1/minute"):
                return "done"
        except RateLimitExceeded:
            return "skipped"

    assert [client.get("/sync").text for _ in range(2)] == ["done", "skipped"]
    assert [client.get("/async").text for _ in range(2)] == ["done", "skipped"]


def test_limit_objects_and_callable_limits(app: Kolben, client: KolbenClient) -> None:
    allowed = {"value": "1/minute"}
    limiter = Limiter(
        get_remote_address,
        app=app,
        default_limits=[Limit(lambda: allowed["value"])],
        storage_uri="memory://",
    )
    app.route("/a")(view("sync"))
    assert statuses(client, "/a", 2) == [200, 429]
    allowed["value"] = "5/minute"
    assert statuses(client, "/a", 1) == [200]
    with app.test_request_context("/a"):
        assert limiter.current_limits == []


def test_static_files_and_404s_are_not_limited(
    app: Kolben, client: KolbenClient, tmp_path: Any
) -> None:
    Limiter(
        get_remote_address,
        app=app,
        application_limits=["1/minute"],
        storage_uri="memory://",
    )
    assert statuses(client, "/missing", 3) == [404] * 3
