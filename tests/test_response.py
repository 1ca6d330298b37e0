"""The Response object."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from markupsafe import Markup

from kolben import Kolben, Response, request
from kolben.testing import KolbenClient


def test_defaults() -> None:
    r = Response("héllo")
    assert r.status == "200 OK"
    assert r.status_code == 200
    assert r.mimetype == "text/html"
    assert r.headers["Content-Type"] == "text/html; charset=utf-8"
    assert r.content_length == len("héllo".encode())
    assert r.get_data() == "héllo".encode()
    assert r.get_data(as_text=True) == "héllo"


def test_status_setters() -> None:
    r = Response()
    r.status_code = 404
    assert r.status == "404 NOT FOUND"
    r.status = "299 Custom Reason"
    assert (r.status_code, r.status) == (299, "299 Custom Reason")
    r.status = 201
    assert r.status == "201 CREATED"
    with pytest.raises(ValueError, match="does not start with a code"):
        r.status = "abc"


def test_mimetype_and_content_type() -> None:
    assert (
        Response("x", mimetype="text/plain").content_type == "text/plain; charset=utf-8"
    )
    assert Response(b"x", mimetype="image/png").content_type == "image/png"
    assert Response("x", content_type="text/csv").content_type == "text/csv"


@pytest.mark.parametrize("headers", [None, {"X-Kind": "body"}])
def test_every_buffered_body_kind(headers: dict[str, str] | None) -> None:
    # With or without headers of the caller's, a body that is text or bytes
    # of any type (a str subclass as templates return, a bytearray or a
    # memoryview) is buffered with its length; any other iterable streams.
    for body in (Markup("<b>x</b>"), b"<b>x</b>", bytearray(b"<b>x</b>")):
        r = Response(body, 201, headers)
        assert (r.status_code, r.get_data(), r.content_length) == (201, b"<b>x</b>", 8)
        assert not r.is_streamed
    r = Response(memoryview(b"abc"), headers=headers)
    assert (r.get_data(), r.content_length, r.is_streamed) == (b"abc", 3, False)
    r = Response(iter([b"a", "b"]), "299 Odd", headers)
    assert (r.status, r.is_streamed, r.content_length) == ("299 Odd", True, None)
    assert r.get_data() == b"ab"
    assert Response(None, headers=headers).get_data() == b""


def test_set_data_updates_length() -> None:
    r = Response("abc")
    r.data = b"abcdef"
    assert r.content_length == 6


def test_header_injection_is_refused() -> None:
    r = Response()
    with pytest.raises(ValueError, match="newline"):
        r.headers["X-Evil"] = "a\r\nSet-Cookie: x=1"


def test_cookies(app: Kolben, client: KolbenClient) -> None:
    @app.route("/set")
    def set_cookie() -> Any:
        r = Response("set")
        r.set_cookie("plain", "1")
        r.set_cookie(
            "full",
            "v",
            max_age=60,
            path="/",
            domain="localhost",
            secure=True,
            httponly=True,
            samesite="Lax",
            partitioned=True,
        )
        return r

    @app.route("/delete")
    def delete() -> Any:
        r = Response("deleted")
        r.delete_cookie("plain")
        return r

    @app.route("/read")
    def read() -> Any:
        return request.cookies.to_dict()

    r = client.get("/set")
    headers = r.headers.getlist("Set-Cookie")
    assert headers[0] == "plain=1; Path=/"
    full = headers[1]
    for part in (
        "full=v",
        "Max-Age=60",
        "Domain=localhost",
        "Secure",
        "HttpOnly",
        "SameSite=Lax",
        "Partitioned",
        "Expires=",
    ):
        assert part in full
    assert client.get("/read").json == {"plain": "1", "full": "v"}
    client.get("/delete")
    assert client.get("/read").json == {"full": "v"}


def test_oversized_cookie_is_an_error() -> None:
    with pytest.raises(ValueError, match="4093"):
        Response().set_cookie("big", "x" * 5000)


def test_cache_control_writes_the_header() -> None:
    r = Response()
    r.cache_control.max_age = 60
    r.cache_control.public = True
    assert r.headers["Cache-Control"] in ("max-age=60, public", "public, max-age=60")


def test_etag_and_conditional(app: Kolben, client: KolbenClient) -> None:
    @app.route("/")
    def index() -> Any:
        r = Response("content")
        r.add_etag()
        r.last_modified = datetime(2024, 1, 1, tzinfo=UTC)
        return r.make_conditional(request)

    first = client.get("/")
    etag = first.headers["ETag"]
    assert first.status_code == 200
    r = client.get("/", headers={"If-None-Match": etag})
    assert r.status_code == 304
    assert r.data == b""
    r = client.get("/", headers={"If-Modified-Since": "Tue, 02 Jan 2024 00:00:00 GMT"})
    assert r.status_code == 304
    r = client.get("/", headers={"If-None-Match": '"other"'})
    assert r.status_code == 200


def test_range_requests(app: Kolben, client: KolbenClient) -> None:
    @app.route("/")
    def index() -> Any:
        return Response("0123456789").make_conditional(request, accept_ranges=True)

    r = client.get("/", headers={"Range": "bytes=2-5"})
    assert (r.status_code, r.data) == (206, b"2345")
    assert r.headers["Content-Range"] == "bytes 2-5/10"
    r = client.get("/", headers={"Range": "bytes=50-60"})
    assert r.status_code == 416
    assert r.headers["Content-Range"] == "bytes */10"


def test_location_and_max_age_timedelta() -> None:
    r = Response()
    r.location = "/next"
    assert r.headers["Location"] == "/next"
    r.set_cookie("t", "1", max_age=timedelta(hours=1))
    assert "Max-Age=3600" in r.headers["Set-Cookie"]


def test_streamed_response_reports_it() -> None:
    r = Response(iter(["a", "b"]))
    assert r.is_streamed
    assert r.get_data() == b"ab"
    assert not r.is_streamed


def _replacement_headers(kind: str) -> Any:
    """The headers an extension might assign, each with a repeated name."""
    import werkzeug.datastructures

    from kolben.http.multidict import MultiDict

    pairs = [("Content-Type", "text/plain"), ("X-Tag", "a"), ("X-Tag", "b")]
    if kind == "dict":
        return {"Content-Type": "text/plain", "X-Tag": ["a", "b"]}
    if kind == "pairs":
        return pairs
    if kind == "multidict":
        return MultiDict(pairs)
    if kind == "werkzeug-multidict":
        return werkzeug.datastructures.MultiDict(pairs)
    return werkzeug.datastructures.Headers(pairs)


@pytest.mark.parametrize(
    "kind", ["dict", "pairs", "multidict", "werkzeug-multidict", "werkzeug-headers"]
)
def test_headers_replaced_by_an_extension_still_send(
    app: Kolben, client: KolbenClient, kind: str
) -> None:
    from kolben.http.headers import Headers

    @app.route("/")
    def index() -> str:
        return "body"

    @app.after_request
    def replace_headers(response: Response) -> Response:
        # What Flask-CORS and similar extensions do to the response.
        response.headers = _replacement_headers(kind)
        assert isinstance(response.headers, Headers)
        response.headers["Content-Length"] = "4"
        response.set_cookie("seen", "1")
        return response

    r = client.get("/")
    assert (r.status_code, r.text) == (200, "body")
    assert r.headers["Content-Type"] == "text/plain"
    assert r.headers.getlist("X-Tag") == ["a", "b"]
    assert r.headers["Set-Cookie"].startswith("seen=1;")


def test_assigned_headers_are_checked_and_kolben_headers_kept() -> None:
    from kolben.http.headers import Headers

    r = Response("x")
    own = Headers([("X-A", "1")])
    r.headers = own
    assert r.headers is own
    r.headers = {"X-B": 2}
    assert r.headers.to_wsgi_list() == [("X-B", "2")]
    with pytest.raises(ValueError, match="newline"):
        r.headers = [("X-C", "a\r\nSet-Cookie: evil=1")]
    assert Response("x", headers=own).headers is own


def test_make_conditional_takes_a_request_or_an_environ() -> None:
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": "/",
        "HTTP_IF_NONE_MATCH": '"v1"',
    }
    response = Response("body")
    response.set_etag("v1")
    assert response.make_conditional(environ).status_code == 304
    again = Response("body")
    again.set_etag("v2")
    assert again.make_conditional(request_or_environ=environ).status_code == 200
