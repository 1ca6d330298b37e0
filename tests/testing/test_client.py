"""The test client itself: cookies, redirects, bodies, protocols, environs."""

from __future__ import annotations

import io
from typing import Any

import pytest

from kolben import Kolben, Request, Response, redirect, request
from kolben.http.auth import Authorization
from kolben.logging import default_handler
from kolben.testing import ClientRedirectError, EnvironBuilder, KolbenClient


def test_protocol_is_checked(app: Kolben) -> None:
    with pytest.raises(ValueError, match="'wsgi' or 'asgi'"):
        app.test_client(protocol="http2")


def test_cookie_jar_round_trip(app: Kolben, client: KolbenClient) -> None:
    @app.route("/set/<value>")
    def set_value(value: str) -> Any:
        r = Response("ok")
        r.set_cookie("v", value)
        return r

    app.add_url_rule("/get", "get", lambda: request.cookies.get("v", "none"))
    assert client.get("/get").text == "none"
    client.get("/set/42")
    assert client.get_cookie("v").value == "42"
    assert client.get("/get").text == "42"
    client.delete_cookie("v")
    assert client.get("/get").text == "none"


def test_cookies_can_be_disabled(app: Kolben, protocol: str) -> None:
    client = app.test_client(use_cookies=False, protocol=protocol)
    with pytest.raises(TypeError, match="use_cookies"):
        client.set_cookie("a", "b")


def test_307_redirect_keeps_method_and_body(app: Kolben, client: KolbenClient) -> None:
    app.add_url_rule("/old", "old", lambda: redirect("/new", 307), methods=["POST"])
    app.add_url_rule("/new", "new", lambda: request.get_data(), methods=["POST"])
    r = client.post("/old", data=b"payload", follow_redirects=True)
    assert r.data == b"payload"
    assert [h.status_code for h in r.history] == [307]


def test_303_redirect_becomes_get(app: Kolben, client: KolbenClient) -> None:
    app.add_url_rule("/form", "form", lambda: redirect("/done", 303), methods=["POST"])
    app.add_url_rule("/done", "done", lambda: request.method)
    assert client.post("/form", data={"a": "1"}, follow_redirects=True).text == "GET"


def test_redirect_loop_is_stopped(app: Kolben, client: KolbenClient) -> None:
    app.add_url_rule("/loop", "loop", lambda: redirect("/loop"))
    with pytest.raises(ClientRedirectError, match="loop"):
        client.get("/loop", follow_redirects=True)


def test_query_string_argument(app: Kolben, client: KolbenClient) -> None:
    app.add_url_rule("/", "i", lambda: request.args.to_dict(flat=False))
    r = client.get("/", query_string={"a": ["1", "2"], "b": "x y"})
    assert r.json == {"a": ["1", "2"], "b": ["x y"]}
    assert client.get("/", query_string="c=3").json == {"c": ["3"]}


def test_data_encodings(app: Kolben, client: KolbenClient) -> None:
    @app.route("/", methods=["POST"])
    def index() -> Any:
        return {
            "mimetype": request.mimetype,
            "form": request.form.to_dict(flat=False),
            "files": {k: f.read().decode() for k, f in request.files.items()},
        }

    r = client.post("/", data={"a": "1", "f": (io.BytesIO(b"file body"), "f.txt")})
    assert r.json == {
        "mimetype": "multipart/form-data",
        "form": {"a": ["1"]},
        "files": {"f": "file body"},
    }
    r = client.post("/", data="a=2", content_type="application/x-www-form-urlencoded")
    assert r.json["form"] == {"a": ["2"]}


def test_response_helpers(app: Kolben, client: KolbenClient) -> None:
    app.add_url_rule("/", "i", lambda: {"x": 1})
    r = client.get("/")
    assert r.get_json() == {"x": 1}
    assert r.text == '{"x":1}\n'
    assert r.mimetype == "application/json"
    assert r.status == "200 OK"


def test_nested_with_client_is_an_error(client: KolbenClient) -> None:
    with client, pytest.raises(RuntimeError, match="nest"):
        client.__enter__()


def test_followed_redirect_sends_the_cookies_its_response_set(
    app: Kolben, client: KolbenClient
) -> None:
    from kolben import session

    @app.route("/old")
    def old() -> str:
        session["v"] = "old"
        return "ok"

    @app.route("/change")
    def change() -> Any:
        session["v"] = "new"
        return redirect("/show")

    app.add_url_rule("/show", "show", lambda: session["v"])
    client.get("/old")
    assert client.get("/change", follow_redirects=True).text == "new"


def test_kept_context_tears_down_on_the_request_thread(
    app: Kolben, client: KolbenClient
) -> None:
    import threading

    threads: dict[str, int] = {}

    @app.before_request
    def opened() -> None:
        threads["request"] = threading.get_ident()

    @app.teardown_request
    def closed(exc: BaseException | None) -> None:
        threads["teardown"] = threading.get_ident()

    app.add_url_rule("/", "i", lambda: "x")
    with client:
        client.get("/")
        assert "teardown" not in threads  # kept until the block ends
    assert threads["teardown"] == threads["request"]


def _describe() -> dict[str, Any]:
    return {
        "remote_addr": request.remote_addr,
        "user_agent": request.headers.get("User-Agent"),
        "url": request.url,
        "scheme": request.scheme,
        "host": request.host,
        "secure": request.is_secure,
        "custom": request.environ.get("test.key"),
    }


def test_environ_base_of_the_client_and_of_a_request(
    app: Kolben, client: KolbenClient
) -> None:
    app.add_url_rule("/", "i", _describe)
    seen = client.get("/").json
    assert seen["remote_addr"] == "127.0.0.1"
    assert seen["user_agent"].startswith("Kolben/")
    client.environ_base["REMOTE_ADDR"] = "10.0.0.1"
    client.environ_base["test.key"] = "from the client"
    assert client.get("/").json["remote_addr"] == "10.0.0.1"
    seen = client.get("/", environ_base={"REMOTE_ADDR": "10.0.0.2"}).json
    assert (seen["remote_addr"], seen["custom"]) == ("10.0.0.2", "from the client")


def test_environ_overrides_win_over_what_is_built(
    app: Kolben, client: KolbenClient
) -> None:
    app.add_url_rule("/", "i", _describe)
    seen = client.get(
        "/",
        environ_overrides={
            "REMOTE_ADDR": "192.0.2.7",
            "HTTP_HOST": "over.test",
            "wsgi.url_scheme": "https",
            "test.key": 5,
        },
    ).json
    assert seen["remote_addr"] == "192.0.2.7"
    assert seen["url"] == "https://over.test/"
    assert seen["custom"] == 5


def _subdomain_app() -> Kolben:
    app = Kolben("subdomains", subdomain_matching=True)
    app.config.update(TESTING=True, SERVER_NAME="example.test")
    return app


def test_url_scheme_and_subdomain(protocol: str) -> None:
    app = _subdomain_app()
    app.add_url_rule("/", "api", _describe, subdomain="api")
    client = app.test_client(protocol=protocol)
    seen = client.get("/", subdomain="api", url_scheme="https").json
    assert seen["url"] == "https://api.example.test/"
    assert seen["secure"] is True
    assert client.get("/", url_scheme="https").status_code == 404  # no subdomain


def test_auth_as_tuple_or_authorization(app: Kolben, client: KolbenClient) -> None:
    @app.route("/")
    def index() -> Any:
        auth = request.authorization
        assert auth is not None
        return {"type": auth.type, "user": auth.username, "token": auth.token}

    basic = client.get("/", auth=("ada", "pässword")).json
    assert basic == {"type": "basic", "user": "ada", "token": None}
    bearer = client.get("/", auth=Authorization("bearer", token="t0k")).json
    assert bearer == {"type": "bearer", "user": None, "token": "t0k"}


def test_errors_stream_receives_the_app_log(app: Kolben, client: KolbenClient) -> None:
    @app.route("/")
    def index() -> str:
        app.logger.error("logged while serving")
        return "ok"

    # The handler an app gets when nothing else handles its log (pytest's does).
    app.logger.addHandler(default_handler)
    try:
        errors = io.StringIO()
        assert client.get("/", errors_stream=errors).text == "ok"
    finally:
        app.logger.removeHandler(default_handler)
    assert "logged while serving" in errors.getvalue()


def test_open_takes_a_builder_an_environ_or_a_request(
    app: Kolben, client: KolbenClient
) -> None:
    @app.route("/echo", methods=["POST"])
    def echo() -> Any:
        return {"data": request.get_data(as_text=True), "addr": request.remote_addr}

    builder = EnvironBuilder(app, "/echo", method="POST", data="built")
    assert client.open(builder).json == {"data": "built", "addr": "127.0.0.1"}
    environ = EnvironBuilder(app, "/echo", method="POST", data="env").get_environ()
    assert client.open(environ).json == {"data": "env", "addr": "127.0.0.1"}
    req = Request.from_values("/echo", method="POST", data="req")
    assert client.open(req, buffered=True).json == {"data": "req", "addr": "127.0.0.1"}


def test_response_knows_its_request(app: Kolben, client: KolbenClient) -> None:
    app.add_url_rule("/a", "a", lambda: redirect("/b"))
    app.add_url_rule("/b", "b", lambda: "b")
    r = client.get("/a?x=1", follow_redirects=True)
    assert (r.request.path, r.request.args.to_dict()) == ("/b", {})
    assert [h.request.full_path for h in r.history] == ["/a?x=1"]
    assert r.history[0].history == ()
    assert r.request_spec.raw_path == "/b"


def test_external_and_subdomain_redirects(protocol: str) -> None:
    app = _subdomain_app()
    app.add_url_rule("/out", "out", lambda: redirect("http://elsewhere.test/"))
    app.add_url_rule("/sub", "sub", lambda: redirect("http://api.example.test/"))
    app.add_url_rule("/", "api", lambda: "api", subdomain="api")
    client = app.test_client(protocol=protocol)
    with pytest.raises(RuntimeError, match="external redirects"):
        client.get("/out", follow_redirects=True)
    with pytest.raises(RuntimeError, match="allow_subdomain_redirects=True"):
        client.get("/sub", follow_redirects=True)
    client = app.test_client(protocol=protocol, allow_subdomain_redirects=True)
    assert client.get("/sub", follow_redirects=True).text == "api"


def test_responses_are_of_the_apps_response_class(app: Kolben, protocol: str) -> None:
    class MyResponse(Response):
        pass

    app.response_class = MyResponse
    app.add_url_rule("/", "i", lambda: "x")
    r = app.test_client(protocol=protocol).get("/")
    assert isinstance(r, MyResponse) and r.text == "x"
    assert r.request.path == "/"


def test_trace_method(app: Kolben, client: KolbenClient) -> None:
    app.add_url_rule("/", "i", lambda: request.method, methods=["TRACE"])
    assert client.trace("/").text == "TRACE"
