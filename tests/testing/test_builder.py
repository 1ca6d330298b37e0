"""EnvironBuilder and Request.from_values, checked against Flask's and Werkzeug's."""

from __future__ import annotations

import inspect
import io
from typing import Any

import flask
import flask.testing
import pytest
import werkzeug.test
from werkzeug.wrappers import Request as WerkzeugRequest

from kolben import Kolben, Request
from kolben import request as current_request
from kolben.http.auth import Authorization
from kolben.testing import EnvironBuilder

from ..conftest import create_app

URL_CONFIG = {
    "SERVER_NAME": "example.com",
    "APPLICATION_ROOT": "/app",
    "PREFERRED_URL_SCHEME": "https",
}

CASES: list[tuple[tuple[Any, ...], dict[str, Any]]] = [
    ((), {}),
    (("/a b/ü",), {}),
    (("/x?a=1&b=2",), {}),
    (("/x",), {"query_string": {"a": ["1", "2"], "b": "é"}}),
    (("/x",), {"query_string": "q=é"}),
    (("/p",), {"method": "POST", "data": b"raw"}),
    (("/p",), {"method": "POST", "data": "text", "content_type": "text/plain"}),
    (("/p",), {"method": "POST", "data": {"a": "1", "b": ["2", "3"]}}),
    (("/p",), {"method": "POST", "json": {"a": 1}}),
    (("/p",), {"method": "POST", "data": b"x", "mimetype": "text/plain"}),
    (("/p",), {"mimetype": "application/json"}),
    (("/p",), {"headers": {"X-A": "1"}, "environ_base": {"REMOTE_ADDR": "1.2.3.4"}}),
    (("/p",), {"environ_overrides": {"SERVER_PORT": "99", "my.key": 1}}),
    (("/p",), {"headers": [("X-A", "1"), ("X-A", "2")]}),
    (("/p",), {"subdomain": "api"}),
    (("/p",), {"url_scheme": "https"}),
    (("/p",), {"base_url": "https://ex.com:8443/root/"}),
    (("/p", "http://h.test/"), {}),
    (("http://other.org/z?q=1",), {}),
    (("/p",), {"auth": ("ada", "sé")}),
    (("/p",), {"multithread": True, "multiprocess": True, "run_once": True}),
    (("/p",), {"method": "POST", "content_length": 3}),
]


def _comparable(environ: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in environ.items() if k not in ("wsgi.input", "wsgi.errors")}
    out["body"] = environ["wsgi.input"].read()
    return out


@pytest.mark.parametrize("config", [{}, URL_CONFIG], ids=["defaults", "configured"])
@pytest.mark.parametrize(("args", "kwargs"), CASES)
def test_environ_is_flasks(
    config: dict[str, Any], args: tuple[Any, ...], kwargs: dict[str, Any]
) -> None:
    flask_app = flask.Flask("reference")
    flask_app.config.update(config)
    app = create_app(config)
    expected = flask.testing.EnvironBuilder(flask_app, *args, **kwargs).get_environ()
    built = EnvironBuilder(app, *args, **kwargs).get_environ()
    assert _comparable(built) == _comparable(expected)


def test_signature_is_flasks_then_werkzeugs() -> None:
    def params(f: Any) -> list[tuple[str, Any]]:
        return [
            (p.name, p.default)
            for p in inspect.signature(f).parameters.values()
            if p.kind is p.POSITIONAL_OR_KEYWORD and p.name != "self"
        ]

    flask_params = params(flask.testing.EnvironBuilder.__init__)
    werkzeug_params = params(werkzeug.test.EnvironBuilder.__init__)[
        2:
    ]  # after base_url
    ours = params(EnvironBuilder.__init__)
    assert ours[0] == ("app", None)  # Flask's is required; None builds without one
    assert ours[1:] == flask_params[1:] + werkzeug_params


def test_multipart_body_parses_as_flasks() -> None:
    def data() -> dict[str, Any]:
        return {
            "a": "1",
            "f": (io.BytesIO(b"file body"), "f.txt"),
            "g": (io.BytesIO(b"<x/>"), "g.xml", "application/xml"),
        }

    def seen(req: Any) -> Any:
        files = {
            k: (f.filename, f.content_type, f.read()) for k, f in req.files.items()
        }
        return req.mimetype, req.form.to_dict(), files

    flask_app = flask.Flask("reference")
    with flask_app.request_context(
        flask.testing.EnvironBuilder(
            flask_app, method="POST", data=data()
        ).get_environ()
    ):
        expected = seen(flask.request)
    app = create_app()
    with app.test_request_context(method="POST", data=data()):
        assert seen(current_request) == expected


def test_refuses_conflicting_arguments(app: Kolben) -> None:
    with pytest.raises(ValueError, match="base_url"):
        EnvironBuilder(app, base_url="http://a.test/", subdomain="api")
    with pytest.raises(ValueError, match="one place"):
        EnvironBuilder(app, "/?a=1", query_string="b=2")
    with pytest.raises(TypeError, match="'data' or 'json'"):
        EnvironBuilder(app, data="x", json={})
    with pytest.raises(TypeError, match="'input_stream'"):
        EnvironBuilder(app, data="x", input_stream=io.BytesIO(b"y"))
    with pytest.raises(ValueError, match="query string or fragment"):
        EnvironBuilder(app, base_url="http://a.test/?x=1")


def test_attributes_describe_the_request(app: Kolben) -> None:
    builder = EnvironBuilder(
        app, "/p?a=1", method="POST", data={"f": "v"}, url_scheme="https"
    )
    assert builder.base_url == "https://localhost/"
    assert (builder.server_name, builder.server_port) == ("localhost", 443)
    assert builder.query_string == "a=1"
    assert builder.form.to_dict() == {"f": "v"}
    assert builder.content_type == "application/x-www-form-urlencoded"
    builder.args = None
    builder.args["b"] = "2"
    builder.host = "example.com:8080"
    environ = builder.get_environ()
    assert environ["QUERY_STRING"] == "b=2"
    assert (environ["SERVER_NAME"], environ["SERVER_PORT"]) == ("example.com", "8080")
    with pytest.raises(AttributeError, match="query string"):
        EnvironBuilder(app, query_string="x=1").args  # noqa: B018
    builder = EnvironBuilder(app, content_type="text/plain; charset=latin-1")
    assert builder.mimetype == "text/plain"
    assert builder.mimetype_params == {"charset": "latin-1"}


def test_get_request_is_bound_to_the_app(app: Kolben) -> None:
    class MyRequest(Request):
        pass

    builder = EnvironBuilder(app, "/x", json={"a": [1]})
    request = builder.get_request()
    assert type(request) is Request and request.app is app
    assert request.get_json() == {"a": [1]}
    assert type(EnvironBuilder(app).get_request(MyRequest)) is MyRequest


def test_from_environ_rebuilds_the_request(app: Kolben) -> None:
    environ = EnvironBuilder(
        app, "/ü/x", "https://h.test:8443/root/", query_string="q=1", method="PUT",
        data=b"body", headers={"X-A": "1"},
    ).get_environ()  # fmt: skip
    again = EnvironBuilder.from_environ(environ, app=app).get_environ()
    assert _comparable(again) == _comparable(
        {**environ, "wsgi.input": io.BytesIO(b"body")}
    )


def test_close_closes_the_files_given(app: Kolben) -> None:
    upload = io.BytesIO(b"data")
    builder = EnvironBuilder(app, method="POST", data={"f": (upload, "f.txt")})
    builder.get_environ()
    builder.close()
    assert upload.closed and builder.closed


def test_auth_object_and_tuple(app: Kolben) -> None:
    bearer = Authorization("bearer", token="tok")
    with app.test_request_context(auth=bearer):
        assert current_request.authorization == bearer
    with app.test_request_context(auth=("ada", "pw")):
        auth = current_request.authorization
        assert auth is not None and (auth.username, auth.password) == ("ada", "pw")


def test_without_an_app_builds_for_localhost() -> None:
    environ = EnvironBuilder(path="/x", json={"a": 1}).get_environ()
    reference = werkzeug.test.EnvironBuilder(path="/x", json={"a": 1}).get_environ()
    assert _comparable(environ) == _comparable(reference)


def test_from_values_is_werkzeugs() -> None:
    def seen(req: Any) -> Any:
        return (req.url, req.method, req.args.to_dict(), req.form.to_dict(), req.host)

    cases: list[tuple[tuple[Any, ...], dict[str, Any]]] = [
        (("/x?a=1", "http://h.test/r/"), {"method": "POST", "data": {"b": "2"}}),
        (("/x", "http://h.test/", {"q": "1"}, "PATCH"), {}),
        ((), {"headers": {"Host": "given.test"}}),
    ]
    for args, kwargs in cases:
        expected = seen(WerkzeugRequest.from_values(*args, **kwargs))
        assert seen(Request.from_values(*args, **kwargs)) == expected


def test_from_values_makes_the_class_it_is_called_on(app: Kolben) -> None:
    class MyRequest(Request):
        pass

    request = MyRequest.from_values("/", app=app, json=[1])
    assert type(request) is MyRequest and request.app is app
    assert request.get_json() == [1]
    with pytest.raises(TypeError, match="multiple values for path"):
        Request.from_values("/", path="/x")
