"""Werkzeug's exceptions and data structures, met by kolben's."""

from __future__ import annotations

import copy
import io
from typing import Any

import werkzeug.exceptions as wz
from flask import Flask, abort, request
from werkzeug.datastructures import FileStorage, Headers, MultiDict, WWWAuthenticate

from kolben.compat._werkzeug import counterpart
from kolben.http import exceptions as k
from kolben.http.multidict import MultiDict as KolbenMultiDict

from .support import client


def make_app() -> Flask:
    app = Flask(__name__)

    @app.route("/unauthorized")
    def unauthorized() -> str:
        challenge = WWWAuthenticate("basic", {"realm": "x"})
        raise wz.Unauthorized("Log in first.", www_authenticate=challenge)

    @app.route("/teapot")
    def teapot() -> str:
        raise wz.ImATeapot()

    @app.route("/slow-down")
    def slow_down() -> str:
        raise wz.TooManyRequests(retry_after=30)

    @app.route("/kolben-404")
    def kolben_404() -> str:
        abort(404)

    @app.route("/werkzeug-404")
    def werkzeug_404() -> str:
        raise wz.NotFound("No such thing.")

    @app.route("/upload", methods=["POST"])
    def upload() -> dict[str, bool]:
        return {
            "file": isinstance(request.files["doc"], FileStorage),
            "form": isinstance(request.form, MultiDict),
            "files": isinstance(request.files, MultiDict),
            "headers": isinstance(request.headers, Headers),
        }

    return app


def test_werkzeug_exception_is_answered_as_its_http_error(protocol: str) -> None:
    c = client(make_app(), protocol)
    r = c.get("/unauthorized")
    assert r.status_code == 401
    assert r.headers["WWW-Authenticate"] == "Basic realm=x"
    assert "Log in first." in r.get_data(as_text=True)
    assert c.get("/teapot").status_code == 418
    r = c.get("/slow-down")
    assert (r.status_code, r.headers["Retry-After"]) == (429, "30")


def test_werkzeug_exception_from_a_hook(protocol: str) -> None:
    app = make_app()

    @app.before_request
    def closed() -> None:
        if request.path == "/teapot":
            raise wz.Forbidden()

    assert client(app, protocol).get("/teapot").status_code == 403


def test_werkzeug_exception_with_its_own_response(protocol: str) -> None:
    app = make_app()

    class Gone(wz.Gone):
        def get_response(self, environ: Any = None, scope: Any = None) -> Any:
            return app.response_class("moved on", 410, {"X-Why": "gone"})

    @app.route("/gone")
    def gone() -> str:
        raise Gone()

    r = client(app, protocol).get("/gone")
    assert (r.status_code, r.data, r.headers["X-Why"]) == (410, b"moved on", "gone")


def test_handler_for_werkzeug_class_handles_both(protocol: str) -> None:
    app = make_app()

    @app.errorhandler(wz.NotFound)
    def not_found(e: wz.NotFound) -> tuple[dict[str, object], int]:
        return {"werkzeug": isinstance(e, wz.NotFound), "code": e.code}, 404

    c = client(app, protocol)
    for path in ("/kolben-404", "/werkzeug-404", "/no-such-route"):
        r = c.get(path)
        assert r.status_code == 404
        assert r.get_json()["code"] == 404


def test_handler_for_kolben_class_or_code_handles_werkzeugs(protocol: str) -> None:
    app = make_app()
    app.register_error_handler(k.NotFound, lambda e: ("kolben's handler", 404))
    app.register_error_handler(401, lambda e: (e.description, 401))
    c = client(app, protocol)
    assert c.get("/werkzeug-404").data == b"kolben's handler"
    assert c.get("/unauthorized").data == b"Log in first."


def test_an_extensions_subclass_is_more_specific_than_its_code(protocol: str) -> None:
    app = make_app()

    class Limited(wz.TooManyRequests):
        pass

    @app.route("/limited")
    def limited() -> str:
        raise Limited()

    app.register_error_handler(429, lambda e: ("by code", 429))
    app.register_error_handler(Limited, lambda e: ("by class", 429))
    c = client(app, protocol)
    assert c.get("/limited").data == b"by class"
    assert c.get("/slow-down").data == b"by code"


def test_generic_handler_gets_a_response_to_change(protocol: str) -> None:
    # The JSON error pattern from Flask's docs, for kolben's and Werkzeug's.
    app = make_app()

    @app.errorhandler(wz.HTTPException)
    def as_json(e: Any) -> Any:
        response = e.get_response()
        response.data = b'{"error": "%d"}' % e.code
        response.content_type = "application/json"
        return response

    c = client(app, protocol)
    for path, code in (("/kolben-404", 404), ("/teapot", 418)):
        r = c.get(path)
        assert (r.status_code, r.get_json()) == (code, {"error": str(code)})


def test_isinstance_checks_accept_kolbens_objects(protocol: str) -> None:
    data = {"doc": (io.BytesIO(b"%PDF"), "a.pdf"), "title": "A"}
    r = client(make_app(), protocol).post("/upload", data=data)
    assert r.get_json() == {"file": True, "form": True, "files": True, "headers": True}


def test_werkzeug_classes_still_work_as_themselves() -> None:
    md = MultiDict([("a", "1"), ("a", "2")])
    assert md.getlist("a") == ["1", "2"]
    assert isinstance(md, MultiDict)
    assert not isinstance({}, MultiDict)
    assert isinstance(Headers([("X", "1")]), Headers)
    try:
        raise wz.NotFound()
    except wz.NotFound as e:
        raised: object = e
        assert isinstance(raised, k.NotFound)
        assert type(raised).__name__ == "NotFound"


def test_werkzeug_classes_kolben_names_differently() -> None:
    assert counterpart(wz.RequestURITooLarge) is k.URITooLong
    assert counterpart(wz.ClientDisconnected) is None
    raised: object = wz.ClientDisconnected()
    assert isinstance(raised, k.BadRequest)
    assert isinstance(copy.copy(raised), wz.ClientDisconnected)


def test_kolben_classes_count_as_werkzeugs_subclasses() -> None:
    assert issubclass(KolbenMultiDict, MultiDict)
    assert not issubclass(dict, MultiDict)


def test_kolben_error_has_werkzeugs_get_response_outside_a_request() -> None:
    response = k.NotFound("Gone fishing.").get_response()
    assert response.status_code == 404
    assert b"Gone fishing." in response.get_data()
