"""Tests for kolben.http.exceptions."""

from __future__ import annotations

import pickle
from datetime import UTC, datetime

import pytest

from kolben.http import exceptions as exc
from kolben.http.auth import WWWAuthenticate


def test_not_found_renders_an_html_page():
    error = exc.NotFound()
    assert error.code == 404
    assert error.name == "Not Found"
    body = error.get_body()
    assert body.startswith(
        "<!doctype html>\n<html lang=en>\n<title>404 Not Found</title>\n"
        "<h1>Not Found</h1>\n<p>"
    )
    assert body.endswith("</p>\n")
    assert error.get_headers() == [("Content-Type", "text/html; charset=utf-8")]


def test_description_is_escaped():
    error = exc.BadRequest("<script>alert('x')</script>\nline")
    assert error.get_description() == (
        "<p>&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;<br>line</p>"
    )


def test_str_and_repr():
    error = exc.NotFound("nope")
    assert str(error) == "404 Not Found: nope"
    assert repr(error) == "<NotFound '404: Not Found'>"
    assert str(exc.HTTPException("x")) == "??? Unknown Error: x"


def test_description_argument_overrides_class_default():
    assert exc.Forbidden("custom").description == "custom"
    assert exc.Forbidden().description == exc.Forbidden.description


def test_response_is_kept_opaque():
    marker = object()
    assert exc.HTTPException(response=marker).response is marker


def test_bad_request_key_error_names_the_key_only_when_shown():
    error = exc.BadRequestKeyError("email")
    assert isinstance(error, KeyError)
    assert isinstance(error, exc.BadRequest)
    assert error.code == 400
    assert error.args == ("email",)
    assert error.description == exc.BadRequest.description
    assert "email" not in error.get_body()
    error.show_exception = True
    assert error.description == f"{exc.BadRequest.description}\nKeyError: 'email'"
    assert "<br>KeyError: &#x27;email&#x27;</p>" in error.get_body()
    error.description = "explicit"
    assert error.description == "explicit\nKeyError: 'email'"
    error.show_exception = False
    assert error.description == "explicit"


def test_bad_request_key_error_without_key_uses_default_description():
    assert exc.BadRequestKeyError().description == exc.BadRequest.description


def test_security_error_is_a_bad_request():
    assert issubclass(exc.SecurityError, exc.BadRequest)
    assert exc.SecurityError().code == 400


def test_unauthorized_sends_one_www_authenticate_per_challenge():
    error = exc.Unauthorized(
        www_authenticate=[
            WWWAuthenticate("basic", {"realm": "site"}),
            "Bearer",
        ]
    )
    assert error.get_headers()[1:] == [
        ("WWW-Authenticate", 'Basic realm="site"'),
        ("WWW-Authenticate", "Bearer"),
    ]
    single = exc.Unauthorized(www_authenticate=WWWAuthenticate("basic"))
    assert single.get_headers()[1:] == [("WWW-Authenticate", "Basic")]
    assert exc.Unauthorized().get_headers()[1:] == []


def test_method_not_allowed_sends_sorted_allow_header():
    error = exc.MethodNotAllowed(["POST", "GET", "HEAD"])
    assert ("Allow", "GET, HEAD, POST") in error.get_headers()
    assert exc.MethodNotAllowed().get_headers() == [
        ("Content-Type", "text/html; charset=utf-8")
    ]


def test_range_not_satisfiable_sends_content_range():
    error = exc.RangeNotSatisfiable(length=1234)
    assert ("Content-Range", "bytes */1234") in error.get_headers()
    assert len(exc.RangeNotSatisfiable().get_headers()) == 1


@pytest.mark.parametrize("cls", [exc.TooManyRequests, exc.ServiceUnavailable])
def test_retry_after_accepts_seconds_and_datetimes(cls):
    assert ("Retry-After", "120") in cls(retry_after=120).get_headers()
    when = datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert ("Retry-After", "Tue, 02 Jan 2024 03:04:05 GMT") in cls(
        retry_after=when
    ).get_headers()
    assert len(cls().get_headers()) == 1


def test_internal_server_error_keeps_original_exception():
    original = RuntimeError("boom")
    assert exc.InternalServerError(original_exception=original).original_exception
    error = exc.InternalServerError(original_exception=original)
    assert error.original_exception is original


def test_not_implemented_alias():
    assert exc.HTTPNotImplemented is exc.NotImplemented
    assert exc.NotImplemented().code == 501


def test_default_exceptions_maps_codes_to_classes():
    expected = {
        400: exc.BadRequest,
        401: exc.Unauthorized,
        404: exc.NotFound,
        405: exc.MethodNotAllowed,
        413: exc.RequestEntityTooLarge,
        416: exc.RangeNotSatisfiable,
        418: exc.ImATeapot,
        429: exc.TooManyRequests,
        451: exc.UnavailableForLegalReasons,
        500: exc.InternalServerError,
        501: exc.NotImplemented,
        505: exc.HTTPVersionNotSupported,
    }
    for code, cls in expected.items():
        assert exc.default_exceptions[code] is cls
    for code, cls in exc.default_exceptions.items():
        assert cls.code == code
        assert cls.description


def test_abort_raises_the_class_for_a_code_with_arguments():
    with pytest.raises(exc.NotFound) as info:
        exc.abort(404, "gone fishing")
    assert info.value.description == "gone fishing"
    with pytest.raises(exc.MethodNotAllowed) as info2:
        exc.abort(405, valid_methods=["GET"])
    assert info2.value.valid_methods == ["GET"]


def test_abort_with_unknown_code_raises_lookup_error():
    with pytest.raises(LookupError, match="no exception for 599"):
        exc.abort(599)


def test_abort_with_a_response_wraps_it():
    response = object()
    with pytest.raises(exc.HTTPException) as info:
        exc.abort(response)
    assert info.value.response is response
    assert info.value.code is None


def test_aborter_mapping_and_extra():
    class Custom(exc.HTTPException):
        code = 599
        description = "custom"

    aborter = exc.Aborter(extra={599: Custom})
    with pytest.raises(Custom):
        aborter(599)
    with pytest.raises(exc.NotFound):
        aborter(404)
    only = exc.Aborter(mapping={599: Custom})
    with pytest.raises(LookupError):
        only(404)
    assert 599 not in exc.default_exceptions


def test_exceptions_pickle():
    error = pickle.loads(pickle.dumps(exc.NotFound("x")))
    assert isinstance(error, exc.NotFound)
