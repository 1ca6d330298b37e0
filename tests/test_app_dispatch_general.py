"""The general path: an app that overrides a dispatch method, in every case."""

from __future__ import annotations

import sys
from typing import Any

import pytest

from kolben import Kolben, Response, g, request, signals
from kolben.http.exceptions import BadRequest, HTTPException
from kolben.testing import KolbenClient


class Overriding(Kolben):
    """Overrides one method, which sends every request down the general path."""

    def should_ignore_error(self, error: BaseException | None) -> bool:
        return False


@pytest.fixture
def general(protocol: str) -> tuple[Overriding, KolbenClient]:
    app = Overriding("kolben_tests")
    app.config.update(SECRET_KEY="x")

    @app.route("/ok")
    def ok() -> str:
        return "ok"

    @app.route("/fail")
    def fail() -> str:
        raise ZeroDivisionError("nope")

    @app.route("/key")
    def key() -> str:
        return request.args["missing"]

    @app.route("/dir/")
    def directory() -> str:
        return "dir"

    return app, app.test_client(protocol=protocol)


def test_signals_are_sent_on_the_general_path(
    general: tuple[Overriding, KolbenClient],
) -> None:
    app, client = general
    app.testing = False
    seen: list[str] = []

    def record(name: str) -> Any:
        return lambda sender, **kw: seen.append(name)

    with (
        signals.request_started.connected_to(record("started"), app),
        signals.request_finished.connected_to(record("finished"), app),
        signals.got_request_exception.connected_to(record("exception"), app),
    ):
        client.get("/ok")
        client.get("/fail")
    assert seen == ["started", "finished", "started", "exception", "finished"]


def test_a_500_handler_and_the_debug_page_on_the_general_path(
    general: tuple[Overriding, KolbenClient],
) -> None:
    app, client = general
    app.testing = False
    app.register_error_handler(500, lambda e: ("handled 500", 500))
    r = client.get("/fail")
    assert (r.status_code, r.text) == (500, "handled 500")
    app.config.update(DEBUG=True, PROPAGATE_EXCEPTIONS=False)
    page = client.get("/fail")
    assert page.status_code == 500
    assert "ZeroDivisionError" in page.text


def test_trapped_errors_propagate_on_the_general_path(
    general: tuple[Overriding, KolbenClient],
) -> None:
    app, client = general
    # Trapped, the error goes on to handle_exception, which raises in testing.
    app.testing = True
    app.config["TRAP_BAD_REQUEST_ERRORS"] = True
    with pytest.raises(BadRequest):
        client.get("/key")
    app.config.update(TRAP_BAD_REQUEST_ERRORS=None, TRAP_HTTP_EXCEPTIONS=True)
    with pytest.raises(HTTPException):
        client.get("/missing")


def test_redirects_and_teardown_errors_on_the_general_path(
    general: tuple[Overriding, KolbenClient],
) -> None:
    app, client = general

    @app.teardown_appcontext
    def broken(exc: BaseException | None) -> None:
        if request.path == "/ok":
            raise RuntimeError("teardown failed")

    r = client.get("/dir")
    assert r.status_code == 308
    assert r.headers["Location"].endswith("/dir/")
    with pytest.raises(RuntimeError, match="teardown failed"):
        client.get("/ok")


def test_a_kept_context_and_a_nested_one_on_the_general_path(
    general: tuple[Overriding, KolbenClient],
) -> None:
    app, client = general
    with client:
        client.get("/ok?x=1")
        assert request.args["x"] == "1"
    with app.app_context():
        g.outer = "kept"
        assert client.get("/ok").text == "ok"
        assert g.outer == "kept"


def test_log_exception_takes_flasks_exc_info_tuple(
    app: Kolben, caplog: pytest.LogCaptureFixture
) -> None:
    try:
        raise KeyError("logged")
    except KeyError:
        with app.test_request_context("/where"):
            app.log_exception(sys.exc_info())
    assert "Exception on /where [GET]" in caplog.text
    assert "KeyError: 'logged'" in caplog.text


def test_teardown_methods_default_to_the_exception_being_handled(app: Kolben) -> None:
    seen: list[Any] = []
    app.teardown_request(lambda exc: seen.append(exc))
    app.teardown_appcontext(lambda exc: seen.append(exc))
    with app.test_request_context("/"):
        try:
            raise LookupError("current")
        except LookupError:
            app.do_teardown_request()
            app.do_teardown_appcontext()
    assert [type(e) for e in seen[:2]] == [LookupError, LookupError]


def test_make_response_of_a_response_with_status_and_headers(app: Kolben) -> None:
    with app.test_request_context("/"):
        response = app.make_response((Response("x"), 202, {"X-Kind": "tuple"}))
    assert (response.status_code, response.headers["X-Kind"]) == (202, "tuple")
