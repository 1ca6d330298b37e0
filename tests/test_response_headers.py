"""The response attributes over its headers, and its WSGI methods.

Each attribute is set the same way on a kolben and a Werkzeug response and
the headers written are compared.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Response as WerkzeugResponse

from kolben import Kolben
from kolben.http import (
    COEP,
    COOP,
    ContentRange,
    ContentSecurityPolicy,
    HeaderSet,
    WWWAuthenticate,
)
from kolben.response import Response
from kolben.testing import KolbenClient

WHEN = datetime(2024, 5, 6, 7, 8, 9, tzinfo=UTC)

ASSIGNMENTS: list[tuple[str, Any]] = [
    ("expires", WHEN),
    ("date", WHEN),
    ("last_modified", WHEN),
    ("age", timedelta(hours=1)),
    ("age", 30),
    ("retry_after", 120),
    ("retry_after", WHEN),
    ("location", "/next"),
    ("content_location", "/here"),
    ("content_encoding", "gzip"),
    ("content_md5", "abc"),
    ("accept_ranges", "bytes"),
    ("allow", ["GET", "HEAD"]),
    ("allow", "GET, POST"),
    ("vary", ["Accept", "Cookie"]),
    ("content_language", ["en", "de-AT"]),
    ("content_range", "bytes 0-9/100"),
    ("content_security_policy", "default-src 'self'"),
    ("content_security_policy_report_only", "img-src *"),
    ("access_control_allow_credentials", True),
    ("access_control_allow_headers", ["X-Token", "Content-Type"]),
    ("access_control_allow_methods", ["GET", "PUT"]),
    ("access_control_allow_origin", "*"),
    ("access_control_expose_headers", ["X-Total"]),
    ("access_control_max_age", 600),
    ("cross_origin_opener_policy", "same-origin"),
    ("cross_origin_embedder_policy", "require-corp"),
]


def _value_for(library: str, name: str, value: Any) -> Any:
    if name == "cross_origin_opener_policy":
        from werkzeug.http import COOP as WCOOP

        return COOP(value) if library == "kolben" else WCOOP(value)
    if name == "cross_origin_embedder_policy":
        from werkzeug.http import COEP as WCOEP

        return COEP(value) if library == "kolben" else WCOEP(value)
    return value


def _header_for(name: str) -> str:
    special = {"content_md5": "Content-MD5"}
    if name in special:
        return special[name]
    if name.startswith("content_security_policy"):
        return name.replace("_", "-").title()
    return name.replace("_", "-").title().replace("Www", "WWW")


@pytest.mark.parametrize(("name", "value"), ASSIGNMENTS)
def test_assigning_writes_the_header_as_werkzeug_does(name: str, value: Any) -> None:
    ours, theirs = Response(), WerkzeugResponse()
    setattr(ours, name, _value_for("kolben", name, value))
    setattr(theirs, name, _value_for("werkzeug", name, value))
    header = _header_for(name)
    assert ours.headers.get(header) == theirs.headers.get(header), header
    read_ours, read_theirs = getattr(ours, name), getattr(theirs, name)
    if isinstance(read_ours, (HeaderSet, ContentRange, ContentSecurityPolicy)):
        assert read_ours.to_header() == read_theirs.to_header()
    elif isinstance(read_ours, (COOP, COEP)):
        assert read_ours.value == read_theirs.value
    elif name != "retry_after" or isinstance(value, datetime):
        assert read_ours == read_theirs


@pytest.mark.parametrize("name", sorted({name for name, _ in ASSIGNMENTS}))
def test_none_and_del_remove_the_header(name: str) -> None:
    response = Response()
    value = dict(ASSIGNMENTS)[name]
    setattr(response, name, _value_for("kolben", name, value))
    header = _header_for(name)
    assert header in response.headers
    setattr(response, name, None)
    assert header not in response.headers
    setattr(response, name, _value_for("kolben", name, value))
    if name != "access_control_allow_credentials":
        delattr(response, name)
        assert header not in response.headers


def test_missing_headers_read_as_werkzeug_reads_them() -> None:
    ours, theirs = Response(), WerkzeugResponse()
    for name in ("expires", "date", "age", "retry_after", "access_control_max_age"):
        assert getattr(ours, name) is None is getattr(theirs, name)
    assert ours.access_control_allow_credentials is False
    assert ours.cross_origin_opener_policy is COOP.UNSAFE_NONE
    assert ours.cross_origin_embedder_policy is COEP.UNSAFE_NONE
    assert not ours.content_range and not theirs.content_range
    assert not ours.allow and not ours.content_security_policy
    assert ours.www_authenticate.type == theirs.www_authenticate.type == "basic"
    assert "WWW-Authenticate" not in ours.headers


def test_retry_after_in_seconds_is_a_time_from_now() -> None:
    response = Response()
    response.retry_after = 60
    assert response.headers["Retry-After"] == "60"
    later = response.retry_after
    assert later is not None
    assert timedelta(seconds=55) < later - datetime.now(UTC) <= timedelta(seconds=60)


def test_editing_a_parsed_header_rewrites_it() -> None:
    response = Response()
    response.vary.add("Accept")
    response.allow.update(["GET", "POST"])
    response.content_language.add("en")
    response.content_security_policy.default_src = "'self'"
    response.content_range.set(0, 10, 100)
    response.mimetype_params["charset"] = "latin-1"
    assert response.headers["Vary"] == "Accept"
    assert response.headers["Allow"] == "GET, POST"
    assert response.headers["Content-Language"] == "en"
    assert response.headers["Content-Security-Policy"] == "default-src 'self'"
    assert response.headers["Content-Range"] == "bytes 0-9/100"
    assert response.headers["Content-Type"] == "text/html; charset=latin-1"
    response.allow.clear()
    response.content_range.unset()
    del response.content_security_policy.default_src
    assert "Allow" not in response.headers
    assert "Content-Range" not in response.headers
    assert "Content-Security-Policy" not in response.headers


def test_www_authenticate_is_live_and_takes_lists() -> None:
    response = Response()
    challenge = response.www_authenticate
    challenge.realm = "site"
    assert response.headers["WWW-Authenticate"] == 'Basic realm="site"'
    response.www_authenticate = WWWAuthenticate("bearer", {"realm": "api"})
    response.www_authenticate.realm = "api2"
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="api2"'
    response.www_authenticate = [WWWAuthenticate("basic"), WWWAuthenticate("bearer")]
    assert response.headers.getlist("WWW-Authenticate") == ["Basic", "Bearer"]
    del response.www_authenticate
    assert "WWW-Authenticate" not in response.headers


def test_content_type_and_length_accept_none() -> None:
    response = Response("body")
    response.content_length = None
    response.content_type = None
    assert "Content-Length" not in response.headers
    assert "Content-Type" not in response.headers


def test_call_on_close_runs_after_the_body_is_sent(
    app: Kolben, client: KolbenClient
) -> None:
    events: list[str] = []

    def chunks() -> Iterator[bytes]:
        events.append("sent")
        yield b"streamed"

    @app.get("/buffered")
    def buffered() -> Response:
        response = Response("body")
        response.call_on_close(lambda: events.append("closed"))
        return response

    @app.get("/streamed")
    def streamed() -> Response:
        response = Response(chunks())
        response.call_on_close(lambda: events.append("closed"))
        return response

    rv = client.get("/buffered")
    assert rv.data == b"body" and rv.headers["Content-Length"] == "4"
    assert events == ["closed"]
    events.clear()
    assert client.get("/streamed").data == b"streamed"
    assert events == ["sent", "closed"]
    events.clear()
    assert client.head("/buffered").data == b""
    assert events == ["closed"]


def test_close_closes_the_body_then_runs_callbacks_once() -> None:
    events: list[str] = []

    class Body:
        def __iter__(self) -> Iterator[bytes]:
            return iter([b"x"])

        def close(self) -> None:
            events.append("body")

    with Response(Body()) as response:

        @response.call_on_close
        def done() -> None:
            events.append("callback")

    response.close()
    assert events == ["body", "callback", "body"]


def test_set_data_after_call_on_close_keeps_the_callback() -> None:
    events: list[str] = []
    response = Response("a")
    response.call_on_close(lambda: events.append("closed"))
    response.set_data("longer")
    assert response.get_data() == b"longer" and not response.is_streamed
    response.response.close()
    assert events == ["closed"]


def test_wsgi_response_matches_werkzeug() -> None:
    environ = EnvironBuilder("/a/b", base_url="http://example.com/").get_environ()
    for cls in (Response, WerkzeugResponse):
        cls.autocorrect_location_header = True
    try:
        ours = Response("hi", 302, {"Location": "/ü?x=1"})
        theirs = WerkzeugResponse("hi", 302, {"Location": "/ü?x=1"})
        ours_iter, ours_status, ours_headers = ours.get_wsgi_response(environ)
        theirs_iter, theirs_status, theirs_headers = theirs.get_wsgi_response(environ)
    finally:
        Response.autocorrect_location_header = False
        WerkzeugResponse.autocorrect_location_header = False
    assert ours_status == theirs_status
    assert dict(ours_headers)["Location"] == dict(theirs_headers)["Location"]
    assert list(ours_iter) == list(theirs_iter)


@pytest.mark.parametrize("status", [204, 304, 101])
def test_wsgi_headers_for_bodiless_statuses_match_werkzeug(status: int) -> None:
    environ = EnvironBuilder("/").get_environ()
    headers = {"Content-Type": "text/plain", "Expires": "0", "Allow": "GET"}
    ours = Response("x", status, headers).get_wsgi_headers(environ)
    theirs = WerkzeugResponse("x", status, headers).get_wsgi_headers(environ)
    assert sorted(ours.keys(lower=True)) == sorted(k.lower() for k in theirs.keys())


def test_a_response_is_a_wsgi_app() -> None:
    environ = EnvironBuilder("/", method="HEAD").get_environ()
    started: list[Any] = []
    body = Response("hi")(environ, lambda s, h: started.append((s, h)))
    assert started[0][0] == "200 OK" and list(body) == []


def _wsgi_app(environ: dict[str, Any], start_response: Any) -> Iterator[bytes]:
    start_response("201 CREATED", [("X-App", "1"), ("Content-Type", "text/plain")])
    yield b"from "
    yield b"app"


def test_from_app_and_force_type() -> None:
    environ = EnvironBuilder("/").get_environ()
    rv = Response.from_app(_wsgi_app, environ, buffered=True)
    assert rv.status == "201 CREATED" and rv.headers["X-App"] == "1"
    assert rv.get_data() == b"from app"
    streamed = Response.from_app(_wsgi_app, environ)
    assert streamed.is_streamed and streamed.get_data() == b"from app"

    class MyResponse(Response):
        pass

    forced = MyResponse.force_type(rv)
    assert forced is rv and type(forced) is MyResponse
    assert type(MyResponse.force_type(_wsgi_app, environ)) is MyResponse
    with pytest.raises(TypeError, match="pass the WSGI environ"):
        MyResponse.force_type(_wsgi_app)


def test_freeze_stream_and_sequences() -> None:
    response = Response(iter([b"a", "b"]))
    assert (response.is_streamed, response.is_sequence) == (True, False)
    response.freeze()
    assert response.is_sequence and response.headers["Content-Length"] == "2"
    assert response.get_etag()[0] is not None
    response.stream.write(b"cd")
    response.stream.writelines([b"e"])
    assert response.get_data() == b"abcde" and response.stream.tell() == 5
    assert response.headers["Content-Length"] == "5"
    assert response.calculate_content_length() == 5
    response.stream.close()
    with pytest.raises(ValueError, match="closed file"):
        response.stream.write(b"x")
    passthrough = Response(iter([b"x"]), direct_passthrough=True)
    assert passthrough.calculate_content_length() is None


def test_json_module_can_be_replaced() -> None:
    class Decoder:
        @staticmethod
        def loads(data: bytes) -> Any:
            return "decoded"

    class MyResponse(Response):
        json_module = Decoder

    assert MyResponse("[1]", mimetype="application/json").get_json() == "decoded"


def test_buffering_a_body_refuses_what_cannot_be_buffered() -> None:
    async def chunks() -> Any:
        yield b"x"

    with pytest.raises(RuntimeError, match="async body"):
        Response(chunks()).make_sequence()
    passthrough = Response(iter([b"x"]), direct_passthrough=True)
    with pytest.raises(RuntimeError, match="direct passthrough"):
        passthrough.stream.write(b"y")

    class Strict(Response):
        implicit_sequence_conversion = False

    with pytest.raises(RuntimeError, match="implicit_sequence_conversion"):
        Strict(iter([b"x"])).stream.tell()
    closed: list[bool] = []

    class Body:
        def __iter__(self) -> Iterator[bytes]:
            return iter([b"a", b"b"])

        def close(self) -> None:
            closed.append(True)

    response = Response(Body())
    response.make_sequence()
    assert response.get_data() == b"ab"
    response.close()
    assert closed == [True]


def test_call_on_close_runs_after_an_async_stream(
    app: Kolben, make_client: Any
) -> None:
    events: list[str] = []

    async def chunks() -> Any:
        events.append("sent")
        yield b"async"

    @app.get("/async")
    async def streamed() -> Response:
        response = Response(chunks())
        response.call_on_close(lambda: events.append("closed"))
        return response

    for protocol in ("wsgi", "asgi"):
        events.clear()
        assert make_client(app).get("/async").data == b"async"
        assert events == ["sent", "closed"], protocol
