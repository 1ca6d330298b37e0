"""The test client itself: cookies, redirects, bodies, protocols."""

from __future__ import annotations

import io
from typing import Any

import pytest

from kolben import Kolben, Response, redirect, request
from kolben.testing import KolbenClient


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
    with pytest.raises(RuntimeError, match="loop"):
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
