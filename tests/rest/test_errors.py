"""Errors: the Api's bodies for its endpoints, and other views left alone."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import pytest

from kolben import Blueprint, Kolben, got_request_exception, request
from kolben import abort as flask_abort
from kolben.http.exceptions import BadRequest, Forbidden, HTTPException, NotFound
from kolben.rest import Api, Resource, abort
from kolben.testing import KolbenClient

from ..conftest import create_app


class Boom(Exception):
    pass


class Conflicting(Exception):
    pass


class Failing(Resource):
    def get(self, kind: str) -> Any:
        if kind == "abort":
            abort(404, message="Nothing here", code=7)
        if kind == "plain":
            abort(403)
        if kind == "flask":
            flask_abort(409, description="Taken")
        if kind == "conflict":
            raise Conflicting()
        if kind == "response":
            raise HTTPException(response=_teapot())
        raise Boom("kaboom")

    async def post(self, kind: str) -> Any:
        if kind == "abort":
            abort(422, message={"name": "Too short"})
        raise Boom("async kaboom")


def _teapot() -> Any:
    from kolben import Response

    return Response("short and stout", status=418)


@pytest.fixture
def production() -> Kolben:
    """An app that answers unhandled errors rather than raising them."""
    return create_app({"TESTING": False})


def test_abort_bodies(app: Kolben, client: KolbenClient) -> None:
    Api(app).add_resource(Failing, "/<kind>")
    r = client.get("/abort")
    assert (r.status_code, r.json) == (404, {"message": "Nothing here", "code": 7})
    r = client.get("/plain")
    assert r.status_code == 403
    assert r.json == {"message": Forbidden().description}
    r = client.get("/flask")
    assert (r.status_code, r.json) == (409, {"message": "Taken"})
    r = client.post("/abort")
    assert (r.status_code, r.json) == (422, {"message": {"name": "Too short"}})
    assert r.headers["Content-Type"] == "application/json"


def test_error_with_its_own_response(app: Kolben, client: KolbenClient) -> None:
    Api(app).add_resource(Failing, "/<kind>")
    r = client.get("/response")
    assert (r.status_code, r.text) == (418, "short and stout")


def test_unhandled_error_is_500_json_and_logged(
    production: Kolben,
    make_client: Callable[[Kolben], KolbenClient],
    caplog: pytest.LogCaptureFixture,
) -> None:
    Api(production).add_resource(Failing, "/<kind>")
    client = make_client(production)
    with caplog.at_level(logging.ERROR):
        r = client.get("/boom")
    assert (r.status_code, r.json) == (500, {"message": "Internal Server Error"})
    assert "kaboom" in caplog.text
    r = client.post("/boom")
    assert (r.status_code, r.json) == (500, {"message": "Internal Server Error"})


def test_testing_mode_propagates_unhandled_errors(
    app: Kolben, client: KolbenClient
) -> None:
    Api(app).add_resource(Failing, "/<kind>")
    with pytest.raises(Boom):
        client.get("/boom")
    with pytest.raises(Boom):
        client.post("/boom")


def test_errors_dict(app: Kolben, client: KolbenClient) -> None:
    errors = {
        "Conflicting": {"message": "Already there.", "status": 409},
        "NotFound": {"message": "No such thing.", "extra": 1},
    }
    Api(app, errors=errors).add_resource(Failing, "/<kind>")
    r = client.get("/conflict")
    assert r.status_code == 409
    assert r.json == {"message": "Already there.", "status": 409}
    r = client.get("/abort")
    # Without "status" the code is 500, as in Flask-RESTful.
    assert r.status_code == 500
    assert r.json == {"message": "No such thing.", "code": 7, "extra": 1}
    assert errors["NotFound"] == {"message": "No such thing.", "extra": 1}


def test_handler_for_the_error_class_wins(app: Kolben, client: KolbenClient) -> None:
    @app.errorhandler(Boom)
    def boom(e: Boom) -> Any:
        return {"handled": str(e)}, 418

    bp = Blueprint("bp", __name__, url_prefix="/bp")
    Api(bp).add_resource(Failing, "/<kind>")
    Api(app).add_resource(Failing, "/<kind>", endpoint="failing_app")
    app.register_blueprint(bp)
    for url in ("/boom", "/bp/boom"):
        r = client.get(url)
        assert (r.status_code, r.json) == (418, {"handled": "kaboom"})


def test_app_error_pages_do_not_replace_api_bodies(
    app: Kolben, client: KolbenClient
) -> None:
    @app.errorhandler(404)
    def page(e: NotFound) -> Any:
        return "<h1>custom page</h1>", 404

    Api(app).add_resource(Failing, "/api/<kind>")

    @app.get("/page/<int:n>")
    def view(n: int) -> str:
        flask_abort(404)

    assert client.get("/api/abort").json == {"message": "Nothing here", "code": 7}
    assert client.get("/page/1").text == "<h1>custom page</h1>"
    assert client.get("/nowhere").text == "<h1>custom page</h1>"


def test_other_views_keep_their_errors(app: Kolben, client: KolbenClient) -> None:
    @app.errorhandler(HTTPException)
    def generic(e: HTTPException) -> Any:
        return f"generic {e.code}", e.code

    bp = Blueprint("shop", __name__, url_prefix="/shop")

    @bp.get("/page")
    def page() -> str:
        flask_abort(410)

    @bp.get("/crash")
    def crash() -> str:
        raise Boom()

    api = Api(bp)
    api.add_resource(Failing, "/api/<kind>")
    app.register_blueprint(bp)
    assert client.get("/shop/page").text == "generic 410"
    assert client.get("/shop/api/plain").status_code == 403
    assert client.get("/shop/api/plain").is_json
    assert client.get("/nowhere").text == "generic 404"
    with pytest.raises(Boom):
        client.get("/shop/crash")


def test_plain_views_without_handlers(
    production: Kolben, make_client: Callable[[Kolben], KolbenClient]
) -> None:
    Api(production).add_resource(Failing, "/api/<kind>")

    @production.get("/page")
    def page() -> str:
        flask_abort(400)

    @production.get("/crash")
    def crash() -> str:
        raise Boom()

    client = make_client(production)
    r = client.get("/page")
    assert (r.status_code, r.mimetype) == (400, "text/html")
    r = client.get("/crash")
    assert (r.status_code, r.mimetype) == (500, "text/html")
    r = client.post("/page")
    assert (r.status_code, r.mimetype) == (405, "text/html")


def test_catch_all_404s(app: Kolben, client: KolbenClient) -> None:
    Api(app, catch_all_404s=True).add_resource(Failing, "/api/<kind>")
    r = client.get("/nowhere")
    assert r.status_code == 404
    assert r.json == {"message": NotFound().description}


def test_404s_of_other_urls_stay_html_by_default(
    app: Kolben, client: KolbenClient
) -> None:
    Api(app).add_resource(Failing, "/api/<kind>")
    r = client.get("/nowhere")
    assert (r.status_code, r.mimetype) == (404, "text/html")


def test_hook_errors_on_api_endpoints(app: Kolben, client: KolbenClient) -> None:
    @app.before_request
    def check() -> None:
        if "deny" in request.args:
            raise BadRequest("Denied by a hook.")

    Api(app).add_resource(Failing, "/api/<kind>")

    @app.get("/page")
    def page() -> str:
        return "page"

    assert client.get("/api/x?deny=1").json == {"message": "Denied by a hook."}
    assert client.get("/page?deny=1").mimetype == "text/html"


def test_serve_challenge_on_401(app: Kolben, client: KolbenClient) -> None:
    class Private(Resource):
        def get(self) -> Any:
            abort(401)

    app.config["HTTP_BASIC_AUTH_REALM"] = "members"
    Api(app, serve_challenge_on_401=True).add_resource(Private, "/private")
    Api(app).add_resource(Private, "/quiet", endpoint="quiet")
    r = client.get("/private")
    assert r.status_code == 401
    assert r.headers["WWW-Authenticate"] == 'Basic realm="members"'
    assert "WWW-Authenticate" not in client.get("/quiet").headers


def test_handle_error_can_be_overridden(app: Kolben, client: KolbenClient) -> None:
    class ProblemApi(Api):
        def handle_error(self, e: Exception) -> Any:
            code = e.code if isinstance(e, HTTPException) else 500
            return self.make_response({"problem": code}, code)

    ProblemApi(app).add_resource(Failing, "/<kind>")
    assert client.get("/abort").json == {"problem": 404}
    assert client.delete("/abort").json == {"problem": 405}


def test_got_request_exception_is_sent(app: Kolben, client: KolbenClient) -> None:
    seen: list[BaseException] = []

    def record(sender: Any, exception: BaseException, **extra: Any) -> None:
        seen.append(exception)

    Api(app).add_resource(Failing, "/<kind>")
    with got_request_exception.connected_to(record, app):
        client.get("/abort")
    assert [type(e) for e in seen] == [NotFound]


def test_database_errors_answer_in_the_api_format(
    app: Kolben, client: KolbenClient
) -> None:
    from kolben.http.exceptions import Conflict

    def on_conflict(e: Conflicting) -> Any:
        return app.handle_http_exception(Conflict("A record with this name exists."))

    app.register_error_handler(Conflicting, on_conflict)
    Api(app).add_resource(Failing, "/<kind>")
    r = client.get("/conflict")
    assert (r.status_code, r.json) == (
        409,
        {"message": "A record with this name exists."},
    )


def test_error_router_falls_back(app: Kolben) -> None:
    api = Api(app)
    api.add_resource(Failing, "/api/<kind>")
    with app.test_request_context("/api/x"):
        app.preprocess_request()
        response = api.error_router(lambda e: "fallback", NotFound())
        assert response.status_code == 404
    with app.test_request_context("/elsewhere"):
        assert api.error_router(lambda e: "fallback", NotFound()) == "fallback"
