"""The request attributes read from headers and the environ, under both protocols.

Each is compared with what Werkzeug's Request gives for the same request.
"""

from __future__ import annotations

from typing import Any

import pytest
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request as WerkzeugRequest

from kolben import Kolben, Request, request
from kolben.testing import KolbenClient
from kolben.wrappers import Request as WrappersRequest
from kolben.wrappers import Response as WrappersResponse

HEADERS = {
    "If-Match": '"a", W/"b"',
    "If-None-Match": '"c", "d"',
    "If-Modified-Since": "Sun, 06 Nov 1994 08:49:37 GMT",
    "If-Unmodified-Since": "Mon, 07 Nov 1994 08:49:37 GMT",
    "If-Range": '"etag"',
    "Date": "Tue, 08 Nov 1994 08:49:37 GMT",
    "Max-Forwards": "7",
    "Pragma": "no-cache, x-extra",
    "Accept-Encoding": "gzip;q=0.8, br, identity;q=0.1",
    "Content-Encoding": "gzip",
    "Content-MD5": "Q2hlY2sgSW50ZWdyaXR5IQ==",
    "Access-Control-Request-Headers": "X-Token, Content-Type",
    "Access-Control-Request-Method": "PUT",
    "Referer": "https://example.com/from",
    "Origin": "https://example.com",
}

NAMES = [
    "if_match",
    "if_none_match",
    "if_modified_since",
    "if_unmodified_since",
    "if_range",
    "date",
    "max_forwards",
    "pragma",
    "accept_encodings",
    "content_encoding",
    "content_md5",
    "access_control_request_headers",
    "access_control_request_method",
    "referrer",
    "origin",
]


def _plain(value: Any) -> Any:
    """Reduce a parsed header object to values both libraries share."""
    if hasattr(value, "as_set") and hasattr(value, "is_weak"):  # ETags
        return (sorted(value.as_set()), sorted(value.as_set(include_weak=True)))
    if hasattr(value, "as_set"):  # HeaderSet
        return list(value)
    if type(value).__name__ == "IfRange":
        return (value.etag, value.date)
    if isinstance(value, list):  # Accept
        return [tuple(item) for item in value]
    return value


def _capture(app: Kolben, names: list[str]) -> dict[str, Any]:
    seen: dict[str, Any] = {}

    @app.route("/see", methods=["GET", "POST", "OPTIONS"])
    def see() -> str:
        for name in names:
            seen[name] = getattr(request, name)
        return ""

    return seen


def test_header_attributes_match_werkzeug(app: Kolben, client: KolbenClient) -> None:
    seen = _capture(app, NAMES)
    client.get("/see", headers=HEADERS)
    theirs = WerkzeugRequest(
        EnvironBuilder("/see", headers=list(HEADERS.items())).get_environ()
    )
    for name in NAMES:
        assert _plain(seen[name]) == _plain(getattr(theirs, name)), name


def test_missing_headers_match_werkzeug(app: Kolben, client: KolbenClient) -> None:
    seen = _capture(app, NAMES)
    client.get("/see")
    theirs = WerkzeugRequest(EnvironBuilder("/see").get_environ())
    for name in NAMES:
        assert _plain(seen[name]) == _plain(getattr(theirs, name)), name


@pytest.mark.parametrize(
    "headers",
    [{"Max-Forwards": "x"}, {"If-Range": "Sun, 06 Nov 1994 08:49:37 GMT"}],
)
def test_unreadable_and_date_values(
    app: Kolben, client: KolbenClient, headers: dict[str, str]
) -> None:
    seen = _capture(app, ["max_forwards", "if_range"])
    client.get("/see", headers=headers)
    theirs = WerkzeugRequest(
        EnvironBuilder("/see", headers=list(headers.items())).get_environ()
    )
    assert seen["max_forwards"] == theirs.max_forwards
    assert _plain(seen["if_range"]) == _plain(theirs.if_range)


def test_a_weak_if_range_tag_validates_nothing(
    app: Kolben, client: KolbenClient
) -> None:
    # RFC 9110 13.1.5: If-Range needs a strong tag; Werkzeug keeps a weak one.
    seen = _capture(app, ["if_range"])
    client.get("/see", headers={"If-Range": 'W/"weak"'})
    assert _plain(seen["if_range"]) == (None, None)


def test_header_attributes_are_read_only(app: Kolben) -> None:
    with app.test_request_context(headers={"Date": "x"}):
        with pytest.raises(AttributeError, match="read-only"):
            request.date = None
        with pytest.raises(AttributeError, match="read-only"):
            del request.max_forwards


ENVIRON_NAMES = [
    "script_root",
    "root_url",
    "remote_user",
    "is_multithread",
    "is_multiprocess",
    "is_run_once",
    "want_form_data_parsed",
]


def test_environ_attributes(app: Kolben, client: KolbenClient, protocol: str) -> None:
    seen = _capture(app, [*ENVIRON_NAMES, "input_stream", "trusted_hosts"])
    client.post("/see", data=b"raw body", headers={"Content-Type": "text/plain"})
    assert seen["script_root"] == ""
    assert seen["root_url"] == "http://localhost/"
    assert seen["remote_user"] is None
    assert seen["is_run_once"] is False
    assert seen["want_form_data_parsed"] is True
    assert seen["trusted_hosts"] is None
    # Sync views run in a thread pool under ASGI; WSGI says what the
    # (test) server says, which is what Werkzeug's test environ says too.
    theirs = WerkzeugRequest(EnvironBuilder("/see").get_environ())
    if protocol == "asgi":
        assert seen["is_multithread"] is True
        assert seen["is_multiprocess"] is True
    else:
        assert seen["is_multithread"] is theirs.is_multithread
        assert seen["is_multiprocess"] is theirs.is_multiprocess
    assert hasattr(seen["input_stream"], "read")


def test_input_stream_is_the_body_unbounded(app: Kolben, client: KolbenClient) -> None:
    @app.post("/raw")
    def raw() -> bytes:
        return bytes(request.input_stream.read())

    assert client.post("/raw", data=b"abc").data == b"abc"


def test_script_root_and_remote_user_from_the_environ(app: Kolben) -> None:
    environ = {"SCRIPT_NAME": "/app", "REMOTE_USER": "alice"}
    with app.test_request_context("/x", environ_overrides=environ):
        assert request.script_root == "/app"
        assert request.root_url == "http://localhost/app/"
        assert request.remote_user == "alice"


def test_trusted_hosts_reads_config(protocol: str) -> None:
    app = Kolben(__name__)
    app.config["TRUSTED_HOSTS"] = ["example.com"]
    with app.test_request_context(base_url="http://example.com"):
        assert request.trusted_hosts == ["example.com"]


def test_form_limits_read_config_and_can_be_set_per_request(
    client: KolbenClient, app: Kolben
) -> None:
    app.config.update(MAX_FORM_MEMORY_SIZE=10, MAX_FORM_PARTS=3)

    @app.post("/form")
    def form() -> Any:
        limits = (request.max_form_memory_size, request.max_form_parts)
        if request.args.get("raise"):
            request.max_form_memory_size = 1000
            request.max_content_length = 5000
        return {
            "limits": limits,
            "after": [request.max_form_memory_size, request.max_content_length],
            "form": request.form.to_dict(),
        }

    big = {"field": "x" * 50}
    assert client.post("/form", data=big).status_code == 413
    rv = client.post("/form?raise=1", data=big).get_json()
    assert rv["limits"] == [10, 3]
    assert rv["after"] == [1000, 5000]
    assert rv["form"] == big


def test_form_limit_defaults_outside_an_app() -> None:
    req = Request({"REQUEST_METHOD": "GET"})
    assert req.max_form_memory_size == WerkzeugRequest.max_form_memory_size
    assert req.max_form_parts == WerkzeugRequest.max_form_parts
    assert req.max_content_length is None


def test_storage_classes_and_user_agent_class(
    app: Kolben, client: KolbenClient
) -> None:
    from kolben.http.multidict import MultiDict
    from kolben.http.useragent import UserAgent

    class Agent(UserAgent):
        @property
        def platform(self) -> str:
            return "test"

    class MyRequest(Request):
        user_agent_class = Agent
        dict_storage_class = MultiDict  # type: ignore[assignment]
        list_storage_class = tuple  # type: ignore[assignment]

    app.request_class = MyRequest

    @app.get("/ua")
    def ua() -> Any:
        cookies = request.cookies
        return {
            "platform": request.user_agent.platform,  # type: ignore[attr-defined]
            "cookies_mutable": isinstance(cookies, MultiDict),
            "route": type(request.access_route).__name__,
        }

    rv = client.get("/ua", headers={"Cookie": "a=1"}).get_json()
    assert rv == {"platform": "test", "cookies_mutable": True, "route": "tuple"}


def test_json_module_can_be_replaced(app: Kolben, client: KolbenClient) -> None:
    class Decoder:
        @staticmethod
        def loads(data: bytes) -> Any:
            return {"decoded": data.decode()}

    class MyRequest(Request):
        json_module = Decoder

    app.request_class = MyRequest

    @app.post("/j")
    def j() -> Any:
        return request.get_json()

    assert client.post("/j", json=[1]).get_json() == {"decoded": "[1]"}


def test_on_json_loading_failed_can_be_overridden(
    app: Kolben, client: KolbenClient
) -> None:
    class MyRequest(Request):
        def on_json_loading_failed(self, e: ValueError | None) -> Any:
            return {"failed": e is not None}

    app.request_class = MyRequest

    @app.post("/j")
    def j() -> Any:
        return request.get_json()

    rv = client.post("/j", data="{", content_type="application/json")
    assert rv.get_json() == {"failed": True}


def test_kolben_wrappers_exports_the_classes() -> None:
    import kolben.wrappers
    from kolben.response import Response

    assert WrappersRequest is Request
    assert WrappersResponse is Response
    assert kolben.wrappers.__all__ == ["Request", "Response"]
