"""Contexts: request, g, current_app, hooks and teardown."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from kolben import (
    Kolben,
    after_this_request,
    copy_current_request_context,
    current_app,
    g,
    has_app_context,
    has_request_context,
    request,
)
from kolben.testing import KolbenClient


def test_proxies_outside_a_context_explain_the_fix() -> None:
    assert not has_request_context()
    assert not has_app_context()
    with pytest.raises(RuntimeError, match="test_request_context"):
        request.args  # noqa: B018
    with pytest.raises(RuntimeError, match="app.app_context"):
        current_app.name  # noqa: B018
    assert not request
    assert "unbound" in repr(g)


def test_app_context(app: Kolben) -> None:
    with app.app_context():
        assert has_app_context()
        assert not has_request_context()
        assert current_app.name == app.name
        g.db = "conn"
        assert g.get("db") == "conn"
        assert "db" in g
        assert g.pop("db") == "conn"
        assert g.setdefault("x", 1) == 1
        assert list(g) == ["x"]
    assert not has_app_context()


def test_test_request_context(app: Kolben) -> None:
    @app.route("/users/<int:uid>", methods=["GET", "POST"])
    def user(uid: int) -> str:
        return ""

    with app.test_request_context("/users/3?q=x", method="POST", headers={"X-A": "1"}):
        assert has_request_context()
        assert request.method == "POST"
        assert request.args["q"] == "x"
        assert request.headers["X-A"] == "1"
        assert request.view_args == {"uid": 3}
        assert request.endpoint == "user"


def test_test_request_context_url_from_config() -> None:
    app = Kolben("urls", subdomain_matching=True)
    app.config.update(
        SERVER_NAME="example.test",
        APPLICATION_ROOT="/root",
        PREFERRED_URL_SCHEME="https",
    )
    app.add_url_rule("/p", "p", lambda: "", subdomain="api")
    # Positional as in Flask: path, base_url, subdomain, url_scheme.
    with app.test_request_context("/p?a=1", None, "api", "http"):
        assert request.url == "http://api.example.test/root/p?a=1"
        assert request.endpoint == "p"
    with app.test_request_context("/p"):
        assert request.url == "https://example.test/root/p"
        assert request.remote_addr is None  # no client made it, as in Flask
    with app.test_request_context("/p", base_url="http://h.test:8080/"):
        assert (request.host, request.root_path) == ("h.test:8080", "")


def test_contexts_nest_and_restore(app: Kolben) -> None:
    other = Kolben("other")
    with app.app_context():
        g.outer = True
        with app.test_request_context("/"):
            # A request inside an app context of the same app shares its g.
            assert g.outer is True
            with other.app_context():
                assert current_app.name == "other"
                assert "outer" not in g
            assert current_app.name == app.name
        assert g.outer is True


def test_g_is_per_request(app: Kolben, client: KolbenClient) -> None:
    @app.before_request
    def count() -> None:
        g.seen = g.get("seen", 0) + 1

    app.add_url_rule("/", "i", lambda: str(g.seen))
    assert client.get("/").text == "1"
    assert client.get("/").text == "1"


def test_hook_order(app: Kolben, client: KolbenClient) -> None:
    calls: list[str] = []
    app.before_request(lambda: calls.append("before1"))
    app.before_request(lambda: calls.append("before2"))

    @app.after_request
    def after1(r: Any) -> Any:
        calls.append("after1")
        return r

    @app.after_request
    def after2(r: Any) -> Any:
        calls.append("after2")
        return r

    app.teardown_request(lambda exc: calls.append("teardown1"))
    app.teardown_request(lambda exc: calls.append("teardown2"))
    app.teardown_appcontext(lambda exc: calls.append("appctx"))

    @app.route("/")
    def index() -> str:
        calls.append("view")
        return "x"

    client.get("/")
    assert calls == [
        "before1",
        "before2",
        "view",
        "after2",
        "after1",
        "teardown2",
        "teardown1",
        "appctx",
    ]


def test_before_request_can_answer(app: Kolben, client: KolbenClient) -> None:
    seen: list[str] = []

    @app.before_request
    def gate() -> Any:
        if request.args.get("token") != "ok":
            return "denied", 401
        return None

    @app.route("/")
    def index() -> str:
        seen.append("view")
        return "secret"

    assert client.get("/").status_code == 401
    assert seen == []
    assert client.get("/?token=ok").text == "secret"


def test_before_request_runs_for_404(app: Kolben, client: KolbenClient) -> None:
    seen: list[str | None] = []
    app.before_request(lambda: seen.append(request.endpoint))
    assert client.get("/missing").status_code == 404
    assert seen == [None]


def test_after_request_can_replace_response(app: Kolben, client: KolbenClient) -> None:
    app.add_url_rule("/", "i", lambda: "x")

    @app.after_request
    def add(response: Any) -> Any:
        response.headers["X-After"] = "yes"
        return response

    assert client.get("/").headers["X-After"] == "yes"
    assert client.get("/missing").headers["X-After"] == "yes"


def test_teardown_runs_after_errors(app: Kolben, client: KolbenClient) -> None:
    app.testing = False
    seen: list[Any] = []
    app.teardown_request(lambda exc: seen.append(("request", type(exc).__name__)))
    app.teardown_appcontext(lambda exc: seen.append(("app", type(exc).__name__)))

    @app.route("/")
    def boom() -> str:
        raise RuntimeError("x")

    assert client.get("/").status_code == 500
    assert seen == [("request", "RuntimeError"), ("app", "RuntimeError")]


def test_every_teardown_runs_even_if_one_fails(
    app: Kolben, client: KolbenClient
) -> None:
    seen: list[str] = []

    def bad(exc: Any) -> None:
        raise ValueError("teardown failed")

    app.teardown_request(lambda exc: seen.append("first registered"))
    app.teardown_request(bad)
    app.add_url_rule("/", "i", lambda: "x")
    with pytest.raises(ValueError, match="teardown failed"):
        client.get("/")
    assert seen == ["first registered"]


def test_after_this_request(app: Kolben, client: KolbenClient) -> None:
    @app.route("/")
    def index() -> str:
        @after_this_request
        def add_header(response: Any) -> Any:
            response.headers["X-Once"] = "1"
            return response

        return "x"

    app.add_url_rule("/other", "other", lambda: "y")
    assert client.get("/").headers["X-Once"] == "1"
    assert "X-Once" not in client.get("/other").headers


def test_copy_current_request_context(app: Kolben, client: KolbenClient) -> None:
    result: list[str] = []

    @app.route("/")
    def index() -> str:
        @copy_current_request_context
        def work() -> None:
            result.append(request.args["name"])

        t = threading.Thread(target=work)
        t.start()
        t.join()
        return "x"

    client.get("/?name=ada")
    assert result == ["ada"]


def test_url_value_preprocessor(app: Kolben, client: KolbenClient) -> None:
    @app.url_value_preprocessor
    def pull_lang(endpoint: str | None, values: dict[str, Any] | None) -> None:
        assert values is not None
        g.lang = values.pop("lang")

    @app.route("/<lang>/page")
    def page() -> str:
        return f"page in {g.lang}"

    assert client.get("/de/page").text == "page in de"


def test_keeping_the_context_with_client(app: Kolben, client: KolbenClient) -> None:
    torn_down: list[bool] = []
    app.teardown_request(lambda exc: torn_down.append(True))

    @app.route("/")
    def index() -> str:
        g.value = 42
        return "x"

    with client:
        client.get("/?a=1")
        assert request.args["a"] == "1"
        assert g.value == 42
        assert torn_down == []
    assert torn_down == [True]
    assert not has_request_context()


def test_popping_an_unpushed_context_is_an_error(app: Kolben) -> None:
    ctx = app.app_context()
    with pytest.raises(RuntimeError, match="popped more often than pushed"):
        ctx.pop()


def test_app_context_signals(app: Kolben, client: KolbenClient) -> None:
    from kolben import signals

    events: list[str] = []

    def pushed(sender: Kolben, **kw: Any) -> None:
        events.append("pushed")

    def popped(sender: Kolben, **kw: Any) -> None:
        events.append("popped")

    def tearing_down(sender: Kolben, exc: Any = None, **kw: Any) -> None:
        events.append("tearing down")

    app.add_url_rule("/", "i", lambda: "x")
    with (
        signals.appcontext_pushed.connected_to(pushed, app),
        signals.appcontext_popped.connected_to(popped, app),
        signals.appcontext_tearing_down.connected_to(tearing_down, app),
    ):
        with app.app_context():
            events.append("inside")
        client.get("/")  # a request's context is an app context too, as in Flask
        with app.test_request_context("/"):
            events.append("in a test request")
        with app.app_context():
            client.get("/")  # inside an app context, the request shares it
            events.append("after the request")
    by_hand = ["pushed", "inside", "tearing down", "popped"]
    request = ["pushed", "tearing down", "popped"]
    test_request = ["pushed", "in a test request", "tearing down", "popped"]
    nested = ["pushed", "after the request", "tearing down", "popped"]
    assert events == by_hand + request + test_request + nested


def test_request_context_as_flask_builds_it(app: Kolben, client: KolbenClient) -> None:
    from kolben.ctx import AppContext, RequestContext
    from kolben.globals import request_ctx
    from kolben.testing import EnvironBuilder

    app.add_url_rule("/users/<int:id>", "user", lambda id: str(id))
    environ = EnvironBuilder(app, "/users/7").get_environ()
    ctx = RequestContext(app, environ)
    ctx.match_request()
    with ctx:
        assert request.endpoint == "user"
        assert request.view_args == {"id": 7}
        assert isinstance(request_ctx._get_current_object(), RequestContext)  # type: ignore[attr-defined]
    unmatched = RequestContext(app, EnvironBuilder(app, "/nowhere").get_environ())
    unmatched.match_request()
    assert unmatched.request is not None
    assert unmatched.request.routing_exception is not None
    # Every context with a request is one; an app context alone is not.
    assert not isinstance(app.app_context(), RequestContext)
    assert isinstance(app.test_request_context("/"), RequestContext)
    assert isinstance(ctx, AppContext)
    seen: list[bool] = []

    @app.route("/")
    def index() -> str:
        current = request_ctx._get_current_object()  # type: ignore[attr-defined]
        seen.append(isinstance(current, RequestContext))
        return "x"

    client.get("/")
    assert seen == [True]
