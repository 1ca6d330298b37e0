"""url_for, redirect, make_response, stream_with_context."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from kolben import (
    Kolben,
    make_response,
    redirect,
    request,
    stream_with_context,
    url_for,
)
from kolben.routing import BuildError
from kolben.testing import KolbenClient


@pytest.fixture
def routed(app: Kolben) -> Kolben:
    app.add_url_rule("/", "index", lambda: "index")
    app.add_url_rule("/users/<int:user_id>", "user", lambda user_id: str(user_id))
    app.add_url_rule(
        "/items/<name>", "item", lambda name: name, methods=["GET", "POST"]
    )
    return app


def test_url_for_in_a_request(routed: Kolben) -> None:
    with routed.test_request_context("/"):
        assert url_for("index") == "/"
        assert url_for("user", user_id=5) == "/users/5"
        assert url_for("user", user_id=5, tab="posts", x=None) == "/users/5?tab=posts"
        assert url_for("item", name="a b/é") == "/items/a%20b%2F%C3%A9"
        assert url_for("index", _anchor="top") == "/#top"
        assert url_for("index", _external=True) == "http://localhost/"
        assert url_for("index", _scheme="https", _external=True) == "https://localhost/"
        assert url_for("item", name="x", _method="POST") == "/items/x"


def test_url_for_under_root_path(routed: Kolben) -> None:
    with routed.test_request_context("/", base_url="http://example.com/app/"):
        assert url_for("user", user_id=1) == "/app/users/1"
        assert url_for("user", user_id=1, _external=True) == (
            "http://example.com/app/users/1"
        )


def test_url_for_build_errors_teach_the_fix(routed: Kolben) -> None:
    with routed.test_request_context("/"):
        with pytest.raises(BuildError, match="Did you mean 'user' instead"):
            url_for("users")
        with pytest.raises(BuildError, match="user_id"):
            url_for("user")


def test_url_for_outside_a_request(routed: Kolben) -> None:
    with routed.app_context():
        with pytest.raises(RuntimeError, match="SERVER_NAME"):
            url_for("index")
    routed.config.update(SERVER_NAME="example.com", PREFERRED_URL_SCHEME="https")
    with routed.app_context():
        assert url_for("user", user_id=2) == "https://example.com/users/2"


def test_url_defaults(routed: Kolben) -> None:
    @routed.url_defaults
    def add_tab(endpoint: str, values: dict[str, Any]) -> None:
        if endpoint == "user":
            values.setdefault("tab", "home")

    with routed.test_request_context("/"):
        assert url_for("user", user_id=1) == "/users/1?tab=home"


def test_subdomain_routing(client_factory_protocol: str) -> None:
    app = Kolben("subs", subdomain_matching=True)
    app.config["SERVER_NAME"] = "example.com"
    app.add_url_rule("/", "home", lambda: "home")
    app.add_url_rule("/", "user_home", lambda user: f"hi {user}", subdomain="<user>")
    client = app.test_client(protocol=client_factory_protocol)
    assert client.get("/", base_url="http://example.com/").text == "home"
    assert client.get("/", base_url="http://ada.example.com/").text == "hi ada"
    assert client.get("/", base_url="http://other.org/").status_code == 404
    with app.test_request_context("/", base_url="http://example.com/"):
        assert url_for("user_home", user="bob") == "http://bob.example.com/"
        assert url_for("home") == "/"


def test_host_matching(client_factory_protocol: str) -> None:
    app = Kolben("hosts", host_matching=True)
    app.add_url_rule("/", "a", lambda: "site a", host="a.test")
    app.add_url_rule("/", "b", lambda: "site b", host="b.test")
    client = app.test_client(protocol=client_factory_protocol)
    assert client.get("/", base_url="http://a.test/").text == "site a"
    assert client.get("/", base_url="http://b.test/").text == "site b"
    assert client.get("/", base_url="http://c.test/").status_code == 404


@pytest.fixture
def client_factory_protocol(protocol: str) -> str:
    return protocol


def test_redirect(routed: Kolben, client: KolbenClient) -> None:
    routed.add_url_rule("/go", "go", lambda: redirect(url_for("user", user_id=9)))
    routed.add_url_rule("/away", "away", lambda: redirect("https://example.com/ü", 301))
    r = client.get("/go")
    assert r.status_code == 302
    assert r.headers["Location"] == "/users/9"
    assert 'href="/users/9"' in r.text
    r = client.get("/go", follow_redirects=True)
    assert r.text == "9"
    assert r.history[0].status_code == 302
    r = client.get("/away")
    assert (r.status_code, r.headers["Location"]) == (301, "https://example.com/%C3%BC")


def test_make_response(app: Kolben, client: KolbenClient) -> None:
    @app.route("/")
    def index() -> Any:
        response = make_response("body", 201)
        response.headers["X-Made"] = "yes"
        return response

    @app.route("/json")
    def as_json() -> Any:
        return make_response({"a": 1})

    r = client.get("/")
    assert (r.status_code, r.text, r.headers["X-Made"]) == (201, "body", "yes")
    assert client.get("/json").json == {"a": 1}


def test_streaming_generator(app: Kolben, client: KolbenClient) -> None:
    @app.route("/")
    def stream() -> Iterator[str]:
        def generate() -> Iterator[str]:
            yield "a"
            yield "b"
            yield "c"

        return generate()

    r = client.get("/")
    assert r.text == "abc"
    assert "Content-Length" not in r.headers


def test_stream_with_context(app: Kolben, client: KolbenClient) -> None:
    torn_down: list[str] = []
    app.teardown_request(lambda exc: torn_down.append(request.path))

    @app.route("/")
    def stream() -> Any:
        def generate() -> Iterator[str]:
            yield "Hello "
            assert not torn_down
            yield request.args["name"]

        return stream_with_context(generate())

    assert client.get("/?name=ada").text == "Hello ada"
    assert torn_down == ["/"]


def test_stream_with_context_as_decorator(app: Kolben, client: KolbenClient) -> None:
    @app.route("/")
    def stream() -> Any:
        @stream_with_context
        def generate() -> Iterator[str]:
            yield request.method

        return generate()

    assert client.get("/").text == "GET"
