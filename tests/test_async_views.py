"""The pipeline's behaviour with async views and hooks, under both protocols.

An endpoint with async code runs the async form of the pipeline under ASGI
(and the sync form, with its coroutines on the worker loop, under WSGI): every
hook, error and teardown rule must hold in both forms.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from kolben import Kolben, abort, after_this_request, g, request, session, signals
from kolben.http.exceptions import NotFound
from kolben.testing import KolbenClient


def test_http_error_from_async_view_uses_the_handler(
    app: Kolben, client: KolbenClient
) -> None:
    @app.errorhandler(404)
    async def not_found(e: NotFound) -> Any:
        return {"missing": request.path}, 404

    @app.route("/item/<int:n>")
    async def item(n: int) -> str:
        await asyncio.sleep(0)
        abort(404)

    r = client.get("/item/3")
    assert (r.status_code, r.json) == (404, {"missing": "/item/3"})


def test_unhandled_error_in_async_view(app: Kolben, client: KolbenClient) -> None:
    @app.route("/")
    async def boom() -> str:
        raise LookupError("async boom")

    with pytest.raises(LookupError, match="async boom"):
        client.get("/")
    app.config["PROPAGATE_EXCEPTIONS"] = False
    assert client.get("/").status_code == 500


def test_500_handler_for_async_view(app: Kolben, client: KolbenClient) -> None:
    app.testing = False

    @app.errorhandler(500)
    async def server_error(e: Any) -> Any:
        return f"handled {type(e.original_exception).__name__}", 500

    @app.route("/")
    async def boom() -> str:
        raise KeyError("k")

    assert client.get("/").text == "handled KeyError"


def test_custom_exception_handler_with_async_view(
    app: Kolben, client: KolbenClient
) -> None:
    class Conflict(Exception):
        pass

    app.register_error_handler(Conflict, lambda e: ("conflict", 409))

    @app.route("/")
    async def view() -> str:
        raise Conflict()

    assert client.get("/").status_code == 409


def test_hooks_and_teardown_with_async_view(app: Kolben, client: KolbenClient) -> None:
    calls: list[str] = []

    @app.before_request
    def before() -> None:
        calls.append("before")

    @app.after_request
    async def after(response: Any) -> Any:
        calls.append("after")
        return response

    @app.teardown_request
    async def teardown(exc: BaseException | None) -> None:
        calls.append(f"teardown {type(exc).__name__ if exc else None}")

    app.teardown_appcontext(lambda exc: calls.append("appctx"))

    @app.route("/")
    async def view() -> str:
        calls.append("view")

        @after_this_request
        def once(response: Any) -> Any:
            response.headers["X-Once"] = "yes"
            return response

        return "ok"

    r = client.get("/")
    assert r.headers["X-Once"] == "yes"
    assert calls == ["before", "view", "after", "teardown None", "appctx"]


def test_teardown_sees_the_error_of_an_async_view(
    app: Kolben, client: KolbenClient
) -> None:
    app.testing = False
    seen: list[str] = []

    @app.teardown_request
    async def teardown(exc: BaseException | None) -> None:
        seen.append(type(exc).__name__)

    @app.route("/")
    async def view() -> str:
        raise RuntimeError("x")

    assert client.get("/").status_code == 500
    assert seen == ["RuntimeError"]


def test_before_request_answers_for_async_endpoint(
    app: Kolben, client: KolbenClient
) -> None:
    @app.before_request
    async def gate() -> Any:
        return ("stopped", 403) if request.args.get("stop") else None

    @app.route("/")
    async def view() -> str:
        return "view"

    assert client.get("/?stop=1").status_code == 403
    assert client.get("/").text == "view"


def test_routing_errors_with_async_hooks(app: Kolben, client: KolbenClient) -> None:
    @app.before_request
    async def hook() -> None:
        g.hooked = True

    @app.route("/only-post", methods=["POST"])
    async def only_post() -> str:
        return "posted"

    @app.route("/folder/")
    async def folder() -> str:
        return "folder"

    assert client.get("/missing").status_code == 404
    r = client.get("/only-post")
    assert (r.status_code, r.headers["Allow"]) == (405, "OPTIONS, POST")
    assert client.get("/folder").status_code == 308
    assert client.options("/only-post").headers["Allow"] == "OPTIONS, POST"


def test_session_in_async_view(app: Kolben, client: KolbenClient) -> None:
    @app.route("/")
    async def count() -> str:
        session["n"] = session.get("n", 0) + 1
        return str(session["n"])

    assert [client.get("/").text for _ in range(3)] == ["1", "2", "3"]


def test_url_value_preprocessor_with_async_view(
    app: Kolben, client: KolbenClient
) -> None:
    @app.url_value_preprocessor
    def pull(endpoint: str | None, values: dict[str, Any] | None) -> None:
        assert values is not None
        g.lang = values.pop("lang")

    @app.route("/<lang>/")
    async def index() -> str:
        return str(g.lang)

    assert client.get("/fr/").text == "fr"


def test_signals_with_async_view(app: Kolben, client: KolbenClient) -> None:
    events: list[str] = []

    def started(sender: Kolben, **kw: Any) -> None:
        events.append("started")

    def finished(sender: Kolben, response: Any, **kw: Any) -> None:
        events.append(f"finished {response.status_code}")

    def tearing_down(sender: Kolben, exc: Any = None, **kw: Any) -> None:
        events.append("tearing down")

    def got_exception(sender: Kolben, exception: Exception, **kw: Any) -> None:
        events.append(f"exception {type(exception).__name__}")

    @app.route("/")
    async def view() -> str:
        return "x"

    @app.route("/fail")
    async def fail() -> str:
        raise ValueError("v")

    app.testing = False
    with (
        signals.request_started.connected_to(started, app),
        signals.request_finished.connected_to(finished, app),
        signals.request_tearing_down.connected_to(tearing_down, app),
        signals.got_request_exception.connected_to(got_exception, app),
    ):
        client.get("/")
        client.get("/fail")
    assert events == [
        "started",
        "finished 200",
        "tearing down",
        "started",
        "exception ValueError",
        "finished 500",
        "tearing down",
    ]


def test_failing_after_request_while_handling_an_error_is_logged(
    app: Kolben, client: KolbenClient, caplog: pytest.LogCaptureFixture
) -> None:
    app.testing = False

    @app.after_request
    async def broken(response: Any) -> Any:
        if response.status_code == 500:
            raise RuntimeError("after_request failed too")
        return response

    @app.route("/")
    async def view() -> str:
        raise KeyError("first")

    assert client.get("/").status_code == 500
    assert "Request finalizing failed" in caplog.text


@pytest.mark.parametrize("with_hook", [False, True])
def test_a_plain_decorator_around_an_async_view(
    app: Kolben, client: KolbenClient, with_hook: bool
) -> None:
    # A decorator written without ``async def`` hands back the view's
    # coroutine; its result is the response, and its errors are handled.
    def plain(f: Any) -> Any:
        def wrapper(**kwargs: Any) -> Any:
            return f(**kwargs)

        return wrapper

    if with_hook:

        @app.before_request
        def nothing() -> None:
            return None

    @app.errorhandler(LookupError)
    def missing(e: LookupError) -> Any:
        return {"error": str(e)}, 404

    @app.route("/items/<int:n>")
    @plain
    async def item(n: int) -> Any:
        await asyncio.sleep(0)
        if n == 0:
            raise LookupError("no item 0")
        return {"n": n}

    assert client.get("/items/2").json == {"n": 2}
    r = client.get("/items/0")
    assert (r.status_code, r.json) == (404, {"error": "no item 0"})
