"""The app's URL side: routing redirects, url_for's hosts, URL adapters.

Where the behaviour is Flask's, the same app is built with Flask and both
answers are compared.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import flask
import pytest

from kolben import Kolben, url_for
from kolben.globals import request_ctx
from kolben.routing import BuildError, MapAdapter, RequestRedirect
from kolben.testing import KolbenClient


def _both(setup: Callable[[Any], None], **kwargs: Any) -> tuple[Kolben, flask.Flask]:
    """Build the same app with kolben and with Flask."""
    k_app = Kolben("kolben_tests", **kwargs)
    f_app = flask.Flask("kolben_tests", **kwargs)
    for app in (k_app, f_app):
        app.config["TESTING"] = True
        setup(app)
    return k_app, f_app


def test_strict_slash_redirect_is_absolute_as_in_flask(
    make_client: Callable[[Kolben], KolbenClient],
) -> None:
    def setup(app: Any) -> None:
        app.add_url_rule("/folder/", "folder", lambda: "in folder")

    k_app, f_app = _both(setup)
    for path in ("/folder", "/folder?x=1&y=%C3%A9"):
        k = make_client(k_app).get(path, "https://example.com/root/")
        f = f_app.test_client().get(path, "https://example.com/root/")
        assert (k.status_code, k.headers["Location"]) == (
            f.status_code,
            f.headers["Location"],
        )
    assert k.headers["Location"] == "https://example.com/root/folder/?x=1&y=%C3%A9"


def test_url_for_external_keeps_a_rules_subdomain(
    make_client: Callable[[Kolben], KolbenClient],
) -> None:
    def setup(app: Any) -> None:
        app.config["SERVER_NAME"] = "example.com"
        app.add_url_rule("/", "index", lambda: "")
        app.add_url_rule("/api", "api", lambda: "", subdomain="api")

        @app.route("/links")
        def links() -> dict[str, str]:
            mod = flask if isinstance(app, flask.Flask) else None
            build = mod.url_for if mod else url_for
            return {
                "api": build("api", _external=True),
                "api_relative": build("api"),
                "index": build("index", _external=True),
            }

    k_app, f_app = _both(setup)
    k = make_client(k_app).get("/links", "http://example.com/")
    f = f_app.test_client().get("/links", "http://example.com/")
    assert k.json == f.json
    assert k.json["api"] == "http://api.example.com/api"
    with k_app.app_context():
        assert url_for("api") == "http://api.example.com/api"


@pytest.mark.parametrize("matching", [False, True])
def test_an_ip_address_is_not_a_subdomain_of_server_name(
    make_client: Callable[[Kolben], KolbenClient], matching: bool
) -> None:
    def setup(app: Any) -> None:
        app.config["SERVER_NAME"] = "localhost.localdomain:3000"
        app.add_url_rule("/", "index", lambda: ("", 204))

    k_app, f_app = _both(setup, subdomain_matching=matching)
    client = make_client(k_app)
    expected = 404 if matching else 204
    assert client.get("/", "http://127.0.0.1:3000/").status_code == expected
    with warnings.catch_warnings():
        # Werkzeug warns that the IP address is not the server name.
        warnings.simplefilter("ignore", UserWarning)
        f = f_app.test_client().get("/", "http://127.0.0.1:3000/")
    assert f.status_code == expected


def test_ip_host_under_an_ip_like_server_name_is_refused(
    make_client: Callable[[Kolben], KolbenClient],
) -> None:
    app = Kolben("kolben_tests", subdomain_matching=True)
    app.config["SERVER_NAME"] = "0.0.1"
    app.add_url_rule("/", "index", lambda: "root")
    app.add_url_rule("/", "sub", lambda: "sub", subdomain="<name>")
    client = make_client(app)
    assert client.get("/", "http://127.0.0.1/").status_code == 404
    assert client.get("/", "http://0.0.1/").text == "root"


def test_url_build_error_handlers_answer_in_order(app: Kolben) -> None:
    seen: list[tuple[str, dict[str, Any]]] = []

    def refuse(error: BuildError, endpoint: str, values: dict[str, Any]) -> None:
        seen.append((endpoint, dict(values)))

    def answer(error: BuildError, endpoint: str, values: dict[str, Any]) -> str:
        return f"/fallback/{endpoint}"

    app.url_build_error_handlers.extend([refuse, answer])
    with app.test_request_context():
        assert url_for("missing", page=2, _anchor="top") == "/fallback/missing"
    assert seen == [
        (
            "missing",
            {
                "page": 2,
                "_anchor": "top",
                "_method": None,
                "_scheme": None,
                "_external": False,
            },
        )
    ]


def test_a_handlers_build_error_replaces_the_original(app: Kolben) -> None:
    replacement = BuildError("other", {}, None)

    def raise_other(error: BuildError, endpoint: str, values: dict[str, Any]) -> str:
        raise replacement

    app.url_build_error_handlers.append(raise_other)
    with app.test_request_context(), pytest.raises(BuildError) as info:
        url_for("missing")
    assert info.value is replacement


def test_handle_url_build_error_override_is_used(app: Kolben) -> None:
    class App(Kolben):
        def handle_url_build_error(
            self, error: BuildError, endpoint: str, values: dict[str, Any]
        ) -> str:
            return "#" + endpoint

    sub = App("kolben_tests")
    with sub.test_request_context():
        assert url_for("nowhere") == "#nowhere"


def test_create_url_adapter_outside_a_request() -> None:
    def setup(app: Any) -> None:
        app.config.update(
            SERVER_NAME="example.com",
            APPLICATION_ROOT="/app",
            PREFERRED_URL_SCHEME="https",
        )
        app.add_url_rule("/users/<int:user_id>", "user", lambda user_id: "")

    k_app, f_app = _both(setup)
    k = k_app.create_url_adapter(None)
    f = f_app.create_url_adapter(None)
    assert isinstance(k, MapAdapter) and f is not None
    for values in ({"user_id": 3}, {"user_id": 3, "q": "x"}):
        assert k.build("user", values) == f.build("user", values)
        assert k.build("user", values, force_external=True) == f.build(
            "user", values, force_external=True
        )
    assert k.match("/users/3") == f.match("/users/3")
    assert Kolben("kolben_tests").create_url_adapter(None) is None


def test_create_url_adapter_for_a_request(app: Kolben) -> None:
    app.add_url_rule("/a/", "a", lambda: "")
    with app.test_request_context("/a/", "http://example.com/root/"):
        adapter = app.create_url_adapter(request_ctx.request)
        assert adapter is not None
        assert adapter.match() == ("a", {})
        with pytest.raises(RequestRedirect) as info:
            adapter.match("/a")
        assert info.value.new_url == "http://example.com/root/a/"
        assert adapter.build("a") == "/root/a/"


def test_an_overridden_create_url_adapter_matches_and_builds(
    make_client: Callable[[Kolben], KolbenClient],
) -> None:
    made: list[str] = []

    class App(Kolben):
        def create_url_adapter(self, request: Any) -> MapAdapter | None:
            made.append("request" if request is not None else "app")
            adapter = super().create_url_adapter(request)
            if adapter is not None:
                adapter.script_name = "/mounted/"
            return adapter

    app = App("kolben_tests")
    app.add_url_rule("/here", "here", lambda: url_for("here"))
    r = make_client(app).get("/here")
    assert r.text == "/mounted/here"
    assert made == ["request"]
