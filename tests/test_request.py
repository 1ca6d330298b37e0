"""The request object, as views see it under both protocols."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest

from kolben import Kolben, Request, request
from kolben.testing import KolbenClient


@pytest.fixture
def echo(app: Kolben) -> Kolben:
    """An app whose view reports what it sees of the request."""

    @app.route("/echo/<path:rest>", methods=["GET", "POST", "PUT"])
    def view(rest: str) -> Any:
        return {
            "method": request.method,
            "path": request.path,
            "full_path": request.full_path,
            "url": request.url,
            "base_url": request.base_url,
            "url_root": request.url_root,
            "host": request.host,
            "scheme": request.scheme,
            "is_secure": request.is_secure,
            "args": request.args.to_dict(flat=False),
            "endpoint": request.endpoint,
            "view_args": request.view_args,
            "rule": request.url_rule.rule if request.url_rule else None,
            "remote_addr": request.remote_addr,
            "user_agent": request.user_agent.string,
            "referrer": request.referrer,
            "origin": request.origin,
            "content_length": request.content_length,
            "mimetype": request.mimetype,
        }

    return app


def test_request_line_attributes(echo: Kolben, client: KolbenClient) -> None:
    r = client.get(
        "/echo/a/b?x=1&x=2&y=",
        headers={
            "User-Agent": "tester/1",
            "Referer": "http://r/",
            "Origin": "http://o",
        },
    )
    assert r.json == {
        "method": "GET",
        "path": "/echo/a/b",
        "full_path": "/echo/a/b?x=1&x=2&y=",
        "url": "http://localhost/echo/a/b?x=1&x=2&y=",
        "base_url": "http://localhost/echo/a/b",
        "url_root": "http://localhost/",
        "host": "localhost",
        "scheme": "http",
        "is_secure": False,
        "args": {"x": ["1", "2"], "y": [""]},
        "endpoint": "view",
        "view_args": {"rest": "a/b"},
        "rule": "/echo/<path:rest>",
        "remote_addr": "127.0.0.1",
        "user_agent": "tester/1",
        "referrer": "http://r/",
        "origin": "http://o",
        "content_length": None,
        "mimetype": "",
    }


def test_https_and_root_path(echo: Kolben, client: KolbenClient) -> None:
    r = client.get("/echo/x", base_url="https://example.com:8443/app/")
    data = r.json
    assert data["url"] == "https://example.com:8443/app/echo/x"
    assert data["url_root"] == "https://example.com:8443/app/"
    assert data["is_secure"] is True
    assert data["path"] == "/echo/x"


def test_unicode_path_and_query(echo: Kolben, client: KolbenClient) -> None:
    r = client.get("/echo/caf%C3%A9?name=%E2%82%AC+x")
    assert r.json["view_args"] == {"rest": "café"}
    assert r.json["args"] == {"name": ["€ x"]}


def test_headers_and_cookies(app: Kolben, client: KolbenClient) -> None:
    @app.route("/")
    def index() -> Any:
        return {
            "x": request.headers.get("X-Thing"),
            "x_lower": request.headers["x-thing"],
            "cookies": request.cookies.to_dict(),
            "missing": request.headers.get("Nope", "default"),
        }

    client.set_cookie("a", "1")
    r = client.get("/", headers={"X-Thing": "v", "Cookie": 'b=2; c="q u"'})
    assert r.json["x"] == r.json["x_lower"] == "v"
    assert r.json["missing"] == "default"
    assert r.json["cookies"] == {"b": "2", "c": "q u", "a": "1"}


def test_malformed_cookie_header_is_tolerated(
    app: Kolben, client: KolbenClient
) -> None:
    app.add_url_rule("/", "i", lambda: request.cookies.to_dict())
    r = client.get("/", headers={"Cookie": 'good=1; ;;=bad; "=; x=\\"; y=2'})
    assert r.status_code == 200
    assert r.json["good"] == "1"
    assert r.json["y"] == "2"


def test_form_and_values(app: Kolben, client: KolbenClient) -> None:
    @app.route("/", methods=["POST"])
    def index() -> Any:
        return {
            "form": request.form.to_dict(flat=False),
            "values": request.values.to_dict(flat=False),
            "files": list(request.files),
        }

    r = client.post("/?q=1", data={"a": "x", "b": ["1", "2"]})
    assert r.json == {
        "form": {"a": ["x"], "b": ["1", "2"]},
        "values": {"q": ["1"], "a": ["x"], "b": ["1", "2"]},
        "files": [],
    }


def test_multipart_upload(app: Kolben, client: KolbenClient, tmp_path: Any) -> None:
    @app.route("/upload", methods=["POST"])
    def upload() -> Any:
        f = request.files["doc"]
        f.save(tmp_path / "saved.bin")
        return {
            "filename": f.filename,
            "mimetype": f.mimetype,
            "title": request.form["title"],
            "size": (tmp_path / "saved.bin").stat().st_size,
        }

    content = bytes(range(256)) * 4000  # ~1 MB, past the in-memory threshold
    r = client.post(
        "/upload",
        data={
            "title": "Report",
            "doc": (io.BytesIO(content), "report.pdf", "application/pdf"),
        },
    )
    assert r.json == {
        "filename": "report.pdf",
        "mimetype": "application/pdf",
        "title": "Report",
        "size": len(content),
    }
    assert (tmp_path / "saved.bin").read_bytes() == content


def test_uploads_and_body_are_released_after_the_request(
    app: Kolben, client: KolbenClient
) -> None:
    # No teardown function is registered, so the pipeline's short way out
    # must still close what the request holds.
    kept: dict[str, Any] = {}

    @app.post("/upload")
    def upload() -> str:
        kept["file"] = request.files["doc"].stream
        kept["body"] = request._body
        return "ok"

    content = bytes(range(256)) * 4000  # spooled past the memory thresholds
    r = client.post("/upload", data={"doc": (io.BytesIO(content), "a.bin")})
    assert r.text == "ok"
    assert kept["file"].closed
    if client.protocol == "asgi":
        assert kept["body"].closed


def test_a_request_class_with_its_own_close(
    app: Kolben, make_client: Callable[[Kolben], KolbenClient]
) -> None:
    closed: list[str] = []

    class TrackedRequest(Request):
        def close(self) -> None:
            closed.append(self.path)
            super().close()

    app.request_class = TrackedRequest

    @app.get("/<name>")
    def index(name: str) -> str:
        return name

    assert make_client(app).get("/a").text == "a"
    assert closed == ["/a"]


def test_raw_data_and_get_data(app: Kolben, client: KolbenClient) -> None:
    @app.route("/", methods=["POST"])
    def index() -> Any:
        return {"data": request.data.decode(), "text": request.get_data(as_text=True)}

    r = client.post("/", data=b"raw bytes", content_type="application/octet-stream")
    assert r.json == {"data": "raw bytes", "text": "raw bytes"}


def test_stream_reads_the_body(app: Kolben, client: KolbenClient) -> None:
    @app.route("/", methods=["PUT"])
    def index() -> str:
        chunks = []
        while chunk := request.stream.read(3):
            chunks.append(chunk)
        return f"{len(chunks)} {b''.join(chunks).decode()}"

    assert client.put("/", data="abcdefgh").text == "3 abcdefgh"


def test_json(app: Kolben, client: KolbenClient) -> None:
    @app.route("/", methods=["POST"])
    def index() -> Any:
        return {
            "json": request.json,
            "is_json": request.is_json,
            "again": request.get_json(),
        }

    r = client.post("/", json={"a": [1, 2, {"b": None}]})
    assert r.json == {
        "json": {"a": [1, 2, {"b": None}]},
        "is_json": True,
        "again": {"a": [1, 2, {"b": None}]},
    }


def test_json_with_other_content_type(app: Kolben, client: KolbenClient) -> None:
    @app.route("/", methods=["POST"])
    def index() -> Any:
        return {
            "silent": request.get_json(silent=True),
            "forced": request.get_json(force=True),
        }

    r = client.post("/", data='{"a": 1}', content_type="text/plain")
    assert r.json == {"silent": None, "forced": {"a": 1}}
    app2 = Kolben("other")
    app2.add_url_rule("/", "i", lambda: request.json, methods=["POST"])
    r = app2.test_client(protocol=client.protocol).post(
        "/", data="{}", content_type="text/plain"
    )
    assert r.status_code == 415
    assert "application/json" in r.text


@pytest.mark.parametrize(
    "body",
    [b"{not json", b'{"a": }', b"\xff\xfe\x00garbage", b'"unterminated'],
)
def test_malformed_json_is_400(app: Kolben, client: KolbenClient, body: bytes) -> None:
    app.add_url_rule("/", "i", lambda: {"got": request.get_json()}, methods=["POST"])
    r = client.post("/", data=body, content_type="application/json")
    assert r.status_code == 400
    assert "could not understand" in r.text


def test_deeply_nested_json_is_400(app: Kolben, client: KolbenClient) -> None:
    app.add_url_rule("/", "i", lambda: {"got": request.get_json()}, methods=["POST"])
    deep = b"[" * 100_000 + b"]" * 100_000
    r = client.post("/", data=deep, content_type="application/json")
    assert r.status_code == 400
    assert "nested more than 100 levels" in r.text
    # Brackets inside strings do not count, and the limit is configurable.
    ok = b'{"s": "' + b"[" * 500 + b'"}'
    assert client.post("/", data=ok, content_type="application/json").status_code == 200
    app.config["MAX_JSON_DEPTH"] = 2
    r = client.post("/", data=b"[[[1]]]", content_type="application/json")
    assert r.status_code == 400


def test_invalid_percent_encoding_in_path_is_400(
    echo: Kolben, client: KolbenClient
) -> None:
    r = client.get("/echo/%ff%fe")
    assert r.status_code == 400
    assert "not valid UTF-8" in r.text
    # Malformed escapes stay literal, as browsers and the URL standard do.
    assert client.get("/echo/100%zz").json["view_args"] == {"rest": "100%zz"}


def test_invalid_utf8_in_query_is_400(app: Kolben, client: KolbenClient) -> None:
    app.add_url_rule("/", "i", lambda: request.args.to_dict())
    r = client.get("/?q=%ff")
    assert r.status_code == 400
    assert "query string" in r.text


def test_malformed_multipart_is_400(app: Kolben, client: KolbenClient) -> None:
    app.add_url_rule("/", "i", lambda: {"f": list(request.form)}, methods=["POST"])
    for body, ctype in [
        (b"--xyz\r\nno headers here", "multipart/form-data; boundary=xyz"),
        (b"whatever", "multipart/form-data"),
        (
            b"--xyz\r\nContent-Disposition: form-data\r\n\r\nv\r\n--xyz--\r\n",
            "multipart/form-data; boundary=xyz",
        ),
    ]:
        r = client.post("/", data=body, content_type=ctype)
        assert r.status_code == 400, (body, r.text)


def test_header_parameters_naming_an_unusable_charset(
    app: Kolben, client: KolbenClient
) -> None:
    app.add_url_rule("/form", "f", lambda: {"f": dict(request.form)}, methods=["POST"])
    app.add_url_rule("/json", "j", lambda: {"j": request.get_json()}, methods=["POST"])
    # The boundary is left undecoded ("%ff"), which is no valid boundary: 400.
    r = client.post(
        "/form",
        data=b"--x\r\n",
        content_type="multipart/form-data; boundary*=idna''%ff",
    )
    assert r.status_code == 400
    assert "boundary" in r.text
    r = client.post(
        "/json",
        data=b'{"a": 1}',
        content_type="application/json; charset*=punycode''%ff",
    )
    assert (r.status_code, r.get_json()) == (200, {"j": {"a": 1}})
    field = (
        b'--x\r\nContent-Disposition: form-data; name="a"\r\n'
        b"Content-Type: text/plain; charset=rot13\r\n\r\nabc\r\n--x--\r\n"
    )
    r = client.post("/form", data=field, content_type="multipart/form-data; boundary=x")
    assert r.status_code == 400
    assert "charset" in r.text


def test_body_over_max_content_length_is_413(app: Kolben, client: KolbenClient) -> None:
    app.config["MAX_CONTENT_LENGTH"] = 100
    app.add_url_rule("/", "i", lambda: {"n": len(request.get_data())}, methods=["POST"])
    assert client.post("/", data=b"x" * 100).json == {"n": 100}
    r = client.post("/", data=b"x" * 101)
    assert r.status_code == 413
    assert "limit is 100 bytes" in r.text


def test_form_over_memory_limit_is_413(app: Kolben, client: KolbenClient) -> None:
    app.config["MAX_FORM_MEMORY_SIZE"] = 50
    app.add_url_rule("/", "i", lambda: request.form.to_dict(), methods=["POST"])
    r = client.post("/", data={"a": "x" * 100, "f": (io.BytesIO(b"1"), "f.txt")})
    assert r.status_code == 413


def test_bad_host_is_400(echo: Kolben, client: KolbenClient) -> None:
    r = client.get("/echo/x", headers={"Host": "evil host/<script>"})
    assert r.status_code == 400
    assert "not a valid host" in r.text


def test_trusted_hosts(echo: Kolben, client: KolbenClient) -> None:
    echo.config["TRUSTED_HOSTS"] = ["example.com", ".example.org"]
    assert client.get("/echo/x", headers={"Host": "example.com"}).status_code == 200
    assert client.get("/echo/x", headers={"Host": "a.example.org"}).status_code == 200
    r = client.get("/echo/x", headers={"Host": "evil.com"})
    assert r.status_code == 400
    assert "TRUSTED_HOSTS" in r.text


def test_bad_content_length_is_400(app: Kolben, client: KolbenClient) -> None:
    app.add_url_rule("/", "i", lambda: {"n": request.content_length}, methods=["POST"])
    r = client.post("/", headers={"Content-Length": "abc"})
    assert r.status_code == 400


def test_authorization_and_accept(app: Kolben, client: KolbenClient) -> None:
    @app.route("/")
    def index() -> Any:
        auth = request.authorization
        return {
            "type": auth.type if auth else None,
            "username": auth.username if auth else None,
            "password": auth.password if auth else None,
            "token": auth.token if auth else None,
            "best": request.accept_mimetypes.best_match(
                ["application/json", "text/html"]
            ),
        }

    r = client.get(
        "/",
        headers={
            "Authorization": "Basic YWRhOnMzY3JldA==",
            "Accept": "text/html;q=0.5, application/json",
        },
    )
    assert r.json == {
        "type": "basic",
        "username": "ada",
        "password": "s3cret",
        "token": None,
        "best": "application/json",
    }
    r = client.get("/", headers={"Authorization": "Bearer abc.def"})
    assert (r.json["type"], r.json["token"]) == ("bearer", "abc.def")


def test_environ_is_available_under_both_protocols(
    app: Kolben, client: KolbenClient
) -> None:
    app.add_url_rule(
        "/",
        "i",
        lambda: {
            "remote": request.environ["REMOTE_ADDR"],
            "header": request.environ.get("HTTP_X_CUSTOM"),
            "method": request.environ["REQUEST_METHOD"],
        },
    )
    r = client.get("/", headers={"X-Custom": "yes"})
    assert r.json == {"remote": "127.0.0.1", "header": "yes", "method": "GET"}


def test_access_route(app: Kolben, client: KolbenClient) -> None:
    app.add_url_rule("/", "i", lambda: {"route": request.access_route})
    r = client.get("/", headers={"X-Forwarded-For": "1.2.3.4, 10.0.0.1"})
    assert r.json == {"route": ["1.2.3.4", "10.0.0.1"]}
    assert client.get("/").json == {"route": ["127.0.0.1"]}


def test_raw_utf8_query_and_cookie_bytes(app: Kolben, protocol: str) -> None:
    app.add_url_rule(
        "/", "i", lambda: {"q": request.args["q"], "c": request.cookies["c"]}
    )
    client = app.test_client(protocol=protocol, use_cookies=False)
    # Browsers may send UTF-8 unescaped; servers hand it over as latin-1 text.
    r = client.get(
        "/",
        environ_overrides={"QUERY_STRING": "q=é".encode().decode("latin-1")},
        headers={"Cookie": "c=ü".encode().decode("latin-1")},
    )
    assert r.json == {"q": "é", "c": "ü"}
    # A query string given as text is sent as UTF-8, as Werkzeug's client does.
    r = client.get("/", query_string="q=é", headers={"Cookie": "c=1"})
    assert r.json == {"q": "é", "c": "1"}


def test_jsonify_request_args(app: Kolben, client: KolbenClient) -> None:
    from kolben import jsonify

    app.add_url_rule("/", "i", lambda: jsonify(request.args))
    assert client.get("/?a=1&a=2&b=3").json == {"a": "1", "b": "3"}


# Flask's answers to a missing form key and to malformed JSON, per config: the
# key and the parser's message reach the client only in debug mode. With
# debug on and TRAP_BAD_REQUEST_ERRORS unset, Flask traps a missing key as an
# unhandled error (a 500, or the debugger).
_BAD_INPUT_CONFIGS = {
    "production": {},
    "debug": {"DEBUG": True, "TRAP_BAD_REQUEST_ERRORS": False},
    "debug-trapping": {"DEBUG": True, "PROPAGATE_EXCEPTIONS": False},
}


def _flask_answer(config: dict[str, Any], path: str, body: bytes) -> tuple[int, str]:
    import flask

    fapp = flask.Flask(__name__)
    fapp.config.update(config)
    fapp.add_url_rule(
        "/form", "form", lambda: flask.request.form["email"], methods=["POST"]
    )
    fapp.add_url_rule(
        "/json", "json", lambda: {"got": flask.request.json}, methods=["POST"]
    )
    kind = (
        "application/json" if path == "/json" else "application/x-www-form-urlencoded"
    )
    r = fapp.test_client().post(path, data=body, content_type=kind)
    return r.status_code, r.text


@pytest.mark.parametrize("config_name", list(_BAD_INPUT_CONFIGS))
@pytest.mark.parametrize(
    ("path", "body", "detail"),
    [("/form", b"name=x", "KeyError: "), ("/json", b'{"a": }', "Expecting value")],
)
def test_bad_input_shows_its_detail_only_in_debug_mode_as_flask_does(
    make_client: Callable[[Kolben], KolbenClient],
    config_name: str,
    path: str,
    body: bytes,
    detail: str,
) -> None:
    config = _BAD_INPUT_CONFIGS[config_name]
    app = Kolben(__name__)
    app.config.update(config)
    app.add_url_rule("/form", "form", lambda: request.form["email"], methods=["POST"])
    app.add_url_rule("/json", "json", lambda: {"got": request.json}, methods=["POST"])
    kind = (
        "application/json" if path == "/json" else "application/x-www-form-urlencoded"
    )
    r = make_client(app).post(path, data=body, content_type=kind)
    status, flask_text = _flask_answer(config, path, body)
    assert r.status_code == status
    if status == 500:
        return
    shown = bool(config.get("DEBUG"))
    assert (detail in r.text, detail in flask_text) == (shown, shown)
    assert ("email" in r.text) == (shown and path == "/form")
    if not shown:
        assert r.text == flask_text


def test_request_takes_werkzeugs_constructor_arguments() -> None:
    env = {"REQUEST_METHOD": "POST", "PATH_INFO": "/", "wsgi.input": io.BytesIO(b"x")}
    env["CONTENT_LENGTH"] = "1"
    assert Request(env, True, False).get_data() == b"x"
    shallow = Request(env, shallow=True)
    with pytest.raises(RuntimeError, match="shallow"):
        shallow.get_data()


def test_request_application_makes_a_wsgi_app() -> None:
    from kolben import Response
    from kolben.http.exceptions import NotFound

    @Request.application
    def hello(request: Request) -> Response:
        if request.args.get("name") == "nobody":
            raise NotFound()
        return Response(f"Hello {request.args.get('name', 'you')}")

    started: list[str] = []
    env = {"REQUEST_METHOD": "GET", "PATH_INFO": "/", "QUERY_STRING": "name=kolben"}
    body = b"".join(hello(env, lambda status, headers: started.append(status)))
    assert (started, body) == (["200 OK"], b"Hello kolben")
    env["QUERY_STRING"] = "name=nobody"
    b"".join(hello(env, lambda status, headers: started.append(status)))
    assert started[-1] == "404 NOT FOUND"
