"""Flask's dispatch methods on the app, and apps that override them."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from kolben import Kolben, Response, after_this_request, g, jsonify, request
from kolben.http.exceptions import HTTPException, NotFound
from kolben.testing import KolbenClient
from tests.conftest import create_app
from tests.test_asgi import http_scope, run_asgi
from tests.test_wsgi import call_wsgi, environ


@pytest.fixture
def hooked(app: Kolben) -> Kolben:
    events: list[str] = []
    app.extensions["events"] = events

    @app.before_request
    def before() -> Any:
        events.append("before")
        if request.args.get("stop"):
            return "stopped by a hook"
        return None

    @app.route("/")
    def index() -> str:
        events.append("view")
        return "from the view"

    @app.after_request
    def after(response: Response) -> Response:
        events.append("after")
        response.headers["X-After"] = "1"
        return response

    @app.teardown_request
    def teardown(exc: BaseException | None) -> None:
        events.append(f"teardown {type(exc).__name__ if exc else None}")

    @app.errorhandler(LookupError)
    def lookup(e: LookupError) -> tuple[str, int]:
        return f"handled {e}", 409

    return app


# -- the methods, called one by one as Flask's tests and extensions do --------------


def test_each_step_called_by_hand(hooked: Kolben) -> None:
    events = hooked.extensions["events"]
    with hooked.test_request_context("/"):
        assert hooked.preprocess_request() is None
        assert hooked.dispatch_request() == "from the view"
        response = hooked.make_response("made")
        assert hooked.process_response(response).headers["X-After"] == "1"
        hooked.do_teardown_request(None)
    # Ending the context tears down again, as Flask's does.
    assert events == ["before", "view", "after", "teardown None", "teardown None"]
    with hooked.test_request_context("/?stop=1"):
        assert hooked.preprocess_request() == "stopped by a hook"


def test_full_dispatch_and_finalize(hooked: Kolben) -> None:
    with hooked.test_request_context("/"):
        response = hooked.full_dispatch_request()
        assert (response.status_code, response.text) == (200, "from the view")
        assert response.headers["X-After"] == "1"

        @after_this_request
        def once(response: Response) -> Response:
            response.headers["X-Once"] = "yes"
            return response

        finalized = hooked.finalize_request(("created", 201))
        assert (finalized.status_code, finalized.headers["X-Once"]) == (201, "yes")


def test_error_methods(hooked: Kolben) -> None:
    hooked.testing = False
    with hooked.test_request_context("/nowhere"):
        handled = hooked.handle_user_exception(LookupError("this"))
        assert handled == ("handled this", 409)
        not_found = NotFound()
        assert hooked.handle_http_exception(not_found) is not_found
        with pytest.raises(ZeroDivisionError):
            hooked.handle_user_exception(ZeroDivisionError())
        response = hooked.handle_exception(ZeroDivisionError())
        assert response.status_code == 500
        assert hooked.should_ignore_error(None) is False


def test_teardown_methods_run_every_function(app: Kolben) -> None:
    ran: list[str] = []

    @app.teardown_appcontext
    def first(exc: BaseException | None) -> None:
        ran.append("first")
        raise RuntimeError("first failed")

    @app.teardown_appcontext
    def second(exc: BaseException | None) -> None:
        ran.append("second")

    with pytest.raises(RuntimeError, match="first failed"):
        with app.app_context():
            with pytest.raises(RuntimeError, match="first failed"):
                app.do_teardown_appcontext(None)
            # Registered order reversed, as Flask runs them; both ran.
            assert ran == ["second", "first"]
            ran.clear()
    assert ran == ["second", "first"]


def test_async_to_sync_runs_on_the_worker_loop(app: Kolben) -> None:
    async def loop_id() -> int:
        return id(asyncio.get_running_loop())

    run = app.async_to_sync(loop_id)
    assert run() == run()
    assert app.ensure_sync(loop_id)() == run()
    assert app.ensure_sync(len) is len


# -- a subclass or an extension overriding them ------------------------------------


class JSONErrors(Kolben):
    """An app that answers every error as JSON, as API apps often do."""

    def handle_http_exception(self, e: HTTPException) -> Any:
        return jsonify(error=e.name, code=e.code), e.code

    def handle_exception(self, e: Exception) -> Response:
        response = jsonify(error="internal", kind=type(e).__name__)
        response.status_code = 500
        return response


def _json_app() -> JSONErrors:
    app = JSONErrors("kolben_tests")
    app.config.update(SECRET_KEY="x")

    @app.route("/fail")
    def fail() -> str:
        raise ValueError("boom")

    @app.route("/async")
    async def async_view() -> dict[str, Any]:
        await asyncio.sleep(0)
        return {"async": True, "g": g.get("set_by_hook")}

    @app.before_request
    def hook() -> None:
        g.set_by_hook = "yes"

    return app


def test_a_subclass_override_takes_the_general_path(protocol: str) -> None:
    app = _json_app()
    client = app.test_client(protocol=protocol)
    r = client.get("/missing")
    assert (r.status_code, r.get_json()) == (404, {"code": 404, "error": "Not Found"})
    r = client.get("/fail")
    assert (r.status_code, r.get_json()) == (
        500,
        {"error": "internal", "kind": "ValueError"},
    )
    r = client.get("/async")
    assert r.get_json() == {"async": True, "g": "yes"}
    assert set(app._overrides) == {"handle_http_exception", "handle_exception"}


def test_an_extension_assigning_a_method_takes_the_general_path(
    app: Kolben, make_client: Any
) -> None:
    app.testing = False
    calls: list[str] = []
    original = app.handle_exception

    def handle_exception(e: Exception) -> Response:
        # Flask-RESTful wraps the app's method on the instance like this.
        calls.append(type(e).__name__)
        return original(e)

    app.handle_exception = handle_exception  # type: ignore[method-assign]
    app.add_url_rule("/fail", "fail", lambda: 1 / 0)
    assert make_client(app).get("/fail").status_code == 500
    assert calls == ["ZeroDivisionError"]


def test_an_instance_handle_user_exception_is_called(
    app: Kolben, make_client: Any
) -> None:
    # Flask-RESTful assigns both methods on the app instance.
    original = app.handle_user_exception

    def handle_user_exception(e: Exception) -> Any:
        if isinstance(e, KeyError):
            return {"message": f"missing {e}"}, 400
        return original(e)

    app.handle_user_exception = handle_user_exception  # type: ignore[method-assign]
    empty: dict[str, str] = {}
    app.add_url_rule("/key", "key", lambda: empty["k"])
    app.add_url_rule("/ok", "ok", lambda: "fine")
    client = make_client(app)
    r = client.get("/key")
    assert (r.status_code, r.json) == (400, {"message": "missing 'k'"})
    assert client.get("/ok").text == "fine"
    assert "handle_user_exception" in app._overrides


class Wrapping(Kolben):
    """Overrides the steps around the view and the teardown."""

    def dispatch_request(self) -> Any:
        rv: Any = super().dispatch_request()
        return f"<{rv}>"

    def process_response(self, response: Response) -> Response:
        response = super().process_response(response)
        response.headers["X-Processed"] = "1"
        return response

    def should_ignore_error(self, error: BaseException | None) -> bool:
        return isinstance(error, KeyError)

    def do_teardown_request(self, exc: Any = None) -> None:
        self.extensions.setdefault("torn down", []).append(exc)
        super().do_teardown_request(exc)


def test_overridden_steps_are_called_in_flasks_order(protocol: str) -> None:
    app = Wrapping("kolben_tests")
    app.config.update(TESTING=False)
    app.add_url_rule("/", "index", lambda: "view")

    @app.route("/key")
    def key() -> str:
        raise KeyError("ignored")

    client = app.test_client(protocol=protocol)
    r = client.get("/")
    assert (r.text, r.headers["X-Processed"]) == ("<view>", "1")
    assert client.get("/key").status_code == 500
    # should_ignore_error hid the KeyError from teardown.
    assert app.extensions["torn down"] == [None, None]


def test_a_default_app_overrides_nothing(app: Kolben, client: KolbenClient) -> None:
    app.add_url_rule("/", "i", lambda: "x")
    client.get("/")
    assert app._overrides == ()


# -- debug mode, as Flask has it ---------------------------------------------------


@pytest.fixture
def failing_debug_app() -> Kolben:
    app = create_app({"TESTING": False, "DEBUG": True})

    @app.route("/fail")
    def fail() -> str:
        basket_total = 3
        return str(basket_total / 0)

    return app


def test_in_debug_mode_the_test_client_gets_the_exception(
    failing_debug_app: Kolben, make_client: Any
) -> None:
    with pytest.raises(ZeroDivisionError):
        make_client(failing_debug_app).get("/fail")


def test_in_debug_mode_the_wsgi_adapter_shows_the_debug_page(
    failing_debug_app: Kolben, caplog: pytest.LogCaptureFixture
) -> None:
    status, _, body, _ = call_wsgi(
        failing_debug_app, environ("/fail", REMOTE_ADDR="127.0.0.1")
    )
    assert status.startswith("500")
    assert b"basket_total" in body
    assert "Exception on /fail [GET]" in caplog.text
    status, _, body, _ = call_wsgi(
        failing_debug_app, environ("/fail", REMOTE_ADDR="203.0.113.9")
    )
    assert status.startswith("500")
    assert b"basket_total" not in body


def test_in_debug_mode_the_asgi_adapter_shows_the_debug_page(
    failing_debug_app: Kolben,
) -> None:
    scope = http_scope("/fail", headers=[("host", "localhost")])
    sent = run_asgi(failing_debug_app, scope, [])
    assert sent[0]["status"] == 500
    assert b"basket_total" in sent[1]["body"]


# -- contexts pushed by hand -------------------------------------------------------


def test_test_contexts_do_not_end_the_setup_phase(app: Kolben) -> None:
    app.add_url_rule("/", "index", lambda: "x")
    with app.test_request_context("/"):
        assert request.endpoint == "index"
    with app.app_context():
        pass
    # An app factory or a test may register more after building URLs.
    app.add_url_rule("/more", "more", lambda: "more")
    assert app.test_client().get("/more").text == "more"


def test_a_request_inside_an_app_context_shares_it(
    app: Kolben, client: KolbenClient
) -> None:
    torn: list[str] = []
    app.teardown_appcontext(lambda exc: torn.append("app"))

    @app.route("/")
    def index() -> str:
        return str(g.get("outer"))

    with app.app_context():
        g.outer = "from outside"
        assert client.get("/").text == "from outside"
        assert torn == []
    assert torn == ["app"]


class FriendlyNotFound(Kolben):
    """Turns routing errors into a page of its own, through Flask's hook."""

    def raise_routing_exception(self, request: Any) -> Any:
        raise LookupError(f"no page at {request.path}")


def test_raise_routing_exception_can_be_overridden(protocol: str) -> None:
    app = FriendlyNotFound("kolben_tests")
    app.register_error_handler(LookupError, lambda e: (str(e.args[0]), 404))
    r = app.test_client(protocol=protocol).get("/gone")
    assert (r.status_code, r.text) == (404, "no page at /gone")
    assert app._overrides == ("raise_routing_exception",)


def test_error_handlers_start_from_get_response_as_flasks_docs_show(
    app: Kolben, client: KolbenClient
) -> None:
    import json

    @app.errorhandler(HTTPException)
    def as_json(e: HTTPException) -> Response:
        response = e.get_response()
        response.data = json.dumps({"code": e.code, "name": e.name}).encode()
        response.content_type = "application/json"
        return response  # type: ignore[no-any-return]

    r = client.get("/nowhere")
    assert (r.status_code, r.get_json()) == (404, {"code": 404, "name": "Not Found"})
    # Outside an app, get_response makes a plain response of the error.
    plain = NotFound("Gone fishing.").get_response()
    assert (plain.status_code, b"Gone fishing." in plain.get_data()) == (404, True)


def test_a_view_may_return_a_wsgi_application(
    app: Kolben, client: KolbenClient
) -> None:
    def legacy(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        start_response("202 Accepted", [("Content-Type", "text/plain")])
        return [b"from ", environ["PATH_INFO"].encode()]

    app.add_url_rule("/legacy", "legacy", lambda: legacy)
    r = client.get("/legacy")
    assert (r.status_code, r.text, r.mimetype) == (202, "from /legacy", "text/plain")
