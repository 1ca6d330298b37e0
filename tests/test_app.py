"""The application: registration, return values, routing, error handling."""

from __future__ import annotations

from typing import Any

import pytest

from kolben import Kolben, Response, abort, jsonify, request
from kolben.http.exceptions import BadRequest, Forbidden, HTTPException, NotFound
from kolben.testing import KolbenClient


def test_flask_style_app(app: Kolben, client: KolbenClient) -> None:
    @app.route("/users/<int:user_id>", methods=["GET", "POST"])
    def user(user_id: int) -> Any:
        if request.method == "POST":
            data = request.get_json()
            return {"id": user_id, "updated_to": data["username"]}, 200
        return jsonify(id=user_id, q=request.args.get("q", type=str))

    r = client.get("/users/7?q=hi")
    assert r.status_code == 200
    assert r.json == {"id": 7, "q": "hi"}
    r = client.post("/users/7", json={"username": "ada"})
    assert r.json == {"id": 7, "updated_to": "ada"}
    assert client.get("/users/x").status_code == 404


@pytest.mark.parametrize(
    ("rv", "status", "body", "mimetype"),
    [
        ("text", 200, b"text", "text/html"),
        (b"bytes", 200, b"bytes", "text/html"),
        ({"a": 1}, 200, b'{"a":1}\n', "application/json"),
        ([1, 2], 200, b"[1,2]\n", "application/json"),
        (("created", 201), 201, b"created", "text/html"),
        (("teapot", "418 I'M A TEAPOT"), 418, b"teapot", "text/html"),
        (({"ok": True}, 202), 202, b'{"ok":true}\n', "application/json"),
        (Response("r", 203), 203, b"r", "text/html"),
        ((Response("r"), 204), 204, b"", "text/html"),
    ],
)
def test_return_values(
    app: Kolben, client: KolbenClient, rv: Any, status: int, body: bytes, mimetype: str
) -> None:
    app.add_url_rule("/", "index", lambda: rv)
    r = client.get("/")
    assert r.status_code == status
    assert r.data == body
    assert r.mimetype == mimetype


def test_return_headers(app: Kolben, client: KolbenClient) -> None:
    app.add_url_rule("/a", "a", lambda: ("x", {"X-A": "1"}))
    app.add_url_rule("/b", "b", lambda: ("x", 201, [("X-B", "2")]))
    r = client.get("/a")
    assert (r.status_code, r.headers["X-A"]) == (200, "1")
    r = client.get("/b")
    assert (r.status_code, r.headers["X-B"]) == (201, "2")


def test_returning_none_names_the_view(app: Kolben, client: KolbenClient) -> None:
    @app.route("/")  # returning None is the bug tested
    def forgetful() -> None:
        pass

    with pytest.raises(TypeError, match="'forgetful' did not return a valid response"):
        client.get("/")


def test_bad_return_type(app: Kolben, client: KolbenClient) -> None:
    app.add_url_rule("/", "index", lambda: 42)
    with pytest.raises(TypeError, match="it was a int"):
        client.get("/")


def test_method_shortcuts(app: Kolben, client: KolbenClient) -> None:
    for name in ("get", "post", "put", "patch", "delete"):
        getattr(app, name)("/m", endpoint=name)(lambda name=name: name)
    for name in ("get", "post", "put", "patch", "delete"):
        assert getattr(client, name)("/m").text == name
    with pytest.raises(TypeError, match="route"):
        app.get("/x", methods=["POST"])


def test_head_and_options_are_automatic(app: Kolben, client: KolbenClient) -> None:
    @app.route("/", methods=["GET", "POST"])
    def index() -> str:
        return "hello"

    r = client.head("/")
    assert r.status_code == 200
    assert r.data == b""
    assert r.headers["Content-Length"] == "5"
    r = client.options("/")
    assert r.status_code == 200
    assert r.headers["Allow"] == "GET, HEAD, OPTIONS, POST"


def test_explicit_options_view(app: Kolben, client: KolbenClient) -> None:
    @app.route("/", methods=["OPTIONS"])
    def opts() -> str:
        return "mine"

    assert client.options("/").text == "mine"


def test_405_lists_allowed_methods(app: Kolben, client: KolbenClient) -> None:
    app.add_url_rule("/", "index", lambda: "x", methods=["POST"])
    r = client.get("/")
    assert r.status_code == 405
    assert r.headers["Allow"] == "OPTIONS, POST"
    assert "Method Not Allowed" in r.text


def test_strict_slashes_redirect_keeps_query(app: Kolben, client: KolbenClient) -> None:
    app.add_url_rule("/folder/", "folder", lambda: "in folder")
    r = client.get("/folder?x=1")
    assert r.status_code == 308
    # An absolute URL, as Flask's (Werkzeug's) routing redirects carry.
    assert r.headers["Location"] == "http://localhost/folder/?x=1"
    r = client.get("/folder", follow_redirects=True)
    assert r.text == "in folder"
    assert [h.status_code for h in r.history] == [308]


def test_404_page(client: KolbenClient) -> None:
    r = client.get("/nowhere")
    assert r.status_code == 404
    assert r.mimetype == "text/html"
    assert "<h1>Not Found</h1>" in r.text


def test_abort_with_code_and_description(app: Kolben, client: KolbenClient) -> None:
    @app.route("/")
    def index() -> str:
        abort(403, description="Admins only.")

    r = client.get("/")
    assert r.status_code == 403
    assert "Admins only." in r.text


def test_abort_with_response(app: Kolben, client: KolbenClient) -> None:
    @app.route("/")
    def index() -> str:
        abort(Response("gone for good", 410))

    r = client.get("/")
    assert (r.status_code, r.text) == (410, "gone for good")


def test_error_handler_by_code(app: Kolben, client: KolbenClient) -> None:
    @app.errorhandler(404)
    def not_found(e: NotFound) -> Any:
        return {"error": e.name}, 404

    r = client.get("/missing")
    assert r.status_code == 404
    assert r.json == {"error": "Not Found"}


def test_most_specific_handler_wins(app: Kolben, client: KolbenClient) -> None:
    class AppError(Exception):
        pass

    class NotYours(AppError):
        pass

    app.register_error_handler(Exception, lambda e: ("exception", 500))
    app.register_error_handler(AppError, lambda e: ("app error", 400))
    app.register_error_handler(NotYours, lambda e: ("not yours", 403))

    @app.route("/<kind>")
    def fail(kind: str) -> str:
        raise {"base": AppError, "sub": NotYours, "other": KeyError}[kind]()

    assert client.get("/sub").text == "not yours"
    assert client.get("/base").text == "app error"
    assert client.get("/other").text == "exception"


def test_http_exception_handler_catches_all_codes(
    app: Kolben, client: KolbenClient
) -> None:
    @app.errorhandler(HTTPException)
    def any_http(e: HTTPException) -> Any:
        return f"handled {e.code}", e.code

    @app.route("/forbidden")
    def forbidden() -> str:
        raise Forbidden()

    assert client.get("/forbidden").text == "handled 403"
    assert client.get("/missing").text == "handled 404"


def test_unhandled_exception_propagates_in_testing(
    app: Kolben, client: KolbenClient
) -> None:
    @app.route("/")
    def boom() -> str:
        raise ZeroDivisionError("boom")

    with pytest.raises(ZeroDivisionError):
        client.get("/")


def test_unhandled_exception_is_logged_500(
    app: Kolben, client: KolbenClient, caplog: pytest.LogCaptureFixture
) -> None:
    app.testing = False

    @app.route("/")
    def boom() -> str:
        raise ZeroDivisionError("boom")

    r = client.get("/")
    assert r.status_code == 500
    assert "Internal Server Error" in r.text
    assert "ZeroDivisionError" not in r.text
    record = next(r for r in caplog.records if r.name == app.name)
    assert record.getMessage() == "Exception on / [GET]"
    assert record.exc_info is not None and record.exc_info[0] is ZeroDivisionError


def test_500_handler_gets_original_exception(app: Kolben, client: KolbenClient) -> None:
    app.testing = False

    @app.errorhandler(500)
    def server_error(e: Any) -> Any:
        return f"sorry: {type(e.original_exception).__name__}", 500

    @app.route("/")
    def boom() -> str:
        raise KeyError("x")

    r = client.get("/")
    assert (r.status_code, r.text) == (500, "sorry: KeyError")


def test_registration_after_first_request_raises(
    app: Kolben, client: KolbenClient
) -> None:
    app.add_url_rule("/", "index", lambda: "x")
    client.get("/")
    with pytest.raises(AssertionError, match="already handled its first request"):
        app.add_url_rule("/late", "late", lambda: "x")
    with pytest.raises(AssertionError, match="before_request"):
        app.before_request(lambda: None)


def test_endpoint_collision_raises(app: Kolben) -> None:
    app.add_url_rule("/a", "same", lambda: "a")
    with pytest.raises(AssertionError, match="overwriting an existing endpoint"):
        app.add_url_rule("/b", "same", lambda: "b")


def test_endpoint_decorator(app: Kolben, client: KolbenClient) -> None:
    app.add_url_rule("/", endpoint="index")

    @app.endpoint("index")
    def index() -> str:
        return "by endpoint"

    assert client.get("/").text == "by endpoint"


def test_methods_must_be_a_list(app: Kolben) -> None:
    with pytest.raises(TypeError, match="list of strings"):
        app.add_url_rule("/", "index", lambda: "x", methods="POST")


def test_errorhandler_rejects_unknown_code_and_instances(app: Kolben) -> None:
    with pytest.raises(ValueError, match="not a recognized HTTP error code"):
        app.register_error_handler(999, lambda e: "x")
    with pytest.raises(TypeError, match="instance"):
        app.register_error_handler(BadRequest(), lambda e: "x")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="not a subclass of Exception"):
        app.register_error_handler(KeyboardInterrupt, lambda e: "x")


def test_name_and_extensions(app: Kolben) -> None:
    assert app.name == "kolben_tests"
    assert app.extensions == {}
    assert app.logger.name == "kolben_tests"


def test_config_defaults_and_shortcuts(app: Kolben) -> None:
    assert app.config["MAX_CONTENT_LENGTH"] is None
    assert app.config["PREFERRED_URL_SCHEME"] == "http"
    app.debug = True
    assert app.config["DEBUG"] is True
    app.secret_key = "k"
    assert app.config["SECRET_KEY"] == "k"


def test_config_from_object_and_mapping(app: Kolben) -> None:
    class Settings:
        DEBUG = True
        lower = "ignored"

    app.config.from_object(Settings)
    app.config.from_mapping({"A_KEY": 1}, B_KEY=2, lower=3)
    assert app.config["DEBUG"] is True
    assert "lower" not in app.config
    assert (app.config["A_KEY"], app.config["B_KEY"]) == (1, 2)
    app.config.from_object("tests.settings_module")
    assert app.config["FROM_MODULE"] == "yes"
    assert app.config.get_namespace("FROM_") == {"module": "yes"}


def test_error_pages_with_custom_descriptions_are_not_cached(
    app: Kolben, client: KolbenClient
) -> None:
    @app.route("/<int:n>")
    def item(n: int) -> str:
        abort(404, description=f"No item {n}.")

    assert "No item 1." in client.get("/1").text
    assert "No item 2." in client.get("/2").text
    default = client.get("/missing").text
    assert "No item" not in default
    assert default == client.get("/missing/again").text


def test_abort_goes_through_the_apps_aborter(client: KolbenClient) -> None:
    class Teapot(HTTPException):
        code = 418
        description = "short and stout"

    class App(Kolben):
        def make_aborter(self) -> Any:
            aborter = super().make_aborter()
            aborter.mapping[418] = Teapot
            return aborter

    app = App("kolben_tests")
    app.config["TESTING"] = True
    app.add_url_rule("/", "index", lambda: abort(418))
    r = app.test_client(protocol=client.protocol).get("/")
    assert r.status_code == 418
    assert "short and stout" in r.text


def test_redirect_goes_through_the_apps_redirect(client: KolbenClient) -> None:
    from kolben import redirect

    class App(Kolben):
        def redirect(self, location: str, code: int = 302) -> Response:
            return super().redirect("/moved" + location, 303)

    app = App("kolben_tests")
    app.add_url_rule("/", "index", lambda: redirect("/x"))
    r = app.test_client(protocol=client.protocol).get("/")
    assert (r.status_code, r.headers["Location"]) == (303, "/moved/x")
    assert redirect("/y").headers["Location"] == "/y"  # no app: the plain one


def test_permanent_session_lifetime_takes_seconds(app: Kolben) -> None:
    import flask

    f_app = flask.Flask("kolben_tests")
    assert app.permanent_session_lifetime == f_app.permanent_session_lifetime
    for target in (app, f_app):
        target.permanent_session_lifetime = 60
        assert target.permanent_session_lifetime.total_seconds() == 60
        assert target.config["PERMANENT_SESSION_LIFETIME"] == 60


def test_make_config_reads_debug_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("KOLBEN_DEBUG", "1")
    assert Kolben("kolben_tests").debug is True
    monkeypatch.setenv("KOLBEN_DEBUG", "0")
    assert Kolben("kolben_tests").debug is False


def test_instance_path_must_be_absolute() -> None:
    with pytest.raises(ValueError, match="must be absolute"):
        Kolben("kolben_tests", instance_path="instance")


def test_instance_path_found_as_in_flask(
    tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    import flask

    (tmp_path / "proj" / "mypkg").mkdir(parents=True)
    (tmp_path / "proj" / "mypkg" / "__init__.py").write_text("")
    (tmp_path / "proj" / "mymod.py").write_text("")
    (tmp_path / "ns" / "nspkg" / "inner").mkdir(parents=True)
    (tmp_path / "ns" / "nspkg" / "inner" / "__init__.py").write_text("")
    site = tmp_path / "venv" / "lib" / "python3.11" / "site-packages"
    (site / "installed").mkdir(parents=True)
    (site / "installed" / "__init__.py").write_text("")
    for folder in ("proj", "ns"):
        monkeypatch.syspath_prepend(str(tmp_path / folder))
    monkeypatch.syspath_prepend(str(site))
    expected = {
        "mypkg": tmp_path / "proj" / "instance",
        "mymod": tmp_path / "proj" / "instance",
        "nspkg.inner": tmp_path / "ns" / "instance",
        "installed": tmp_path / "venv" / "var" / "installed-instance",
    }
    for name, path in expected.items():
        assert Kolben(name).instance_path == str(path)
        assert flask.Flask(name).instance_path == str(path)
    for name in ("mypkg", "mymod", "nspkg", "nspkg.inner", "installed"):
        sys.modules.pop(name, None)


def test_an_equal_view_function_may_be_registered_again(app: Kolben) -> None:
    class Equal:
        def __eq__(self, other: object) -> bool:
            return isinstance(other, Equal)

        def __hash__(self) -> int:
            return 0

        def __call__(self) -> str:
            return "ok"

    app.add_url_rule("/c", "eq", Equal())
    app.add_url_rule("/d", "eq", Equal())
    with pytest.raises(AssertionError, match="overwriting"):
        app.add_url_rule("/e", "eq", lambda: "other")
