"""Tests for kolben.http.status."""

from __future__ import annotations

import pytest

from kolben.http.status import HTTP_STATUS_CODES, parse_status, status_line


def test_reason_phrases_cover_the_rfc_and_extras():
    expected = {
        404: "Not Found",
        418: "I'm a teapot",
        103: "Early Hints",
        226: "IM Used",
        421: "Misdirected Request",
        451: "Unavailable For Legal Reasons",
        511: "Network Authentication Failed",
    }
    for code, phrase in expected.items():
        assert HTTP_STATUS_CODES[code] == phrase
    required = {100, 101, 200, 201, 202, 203, 204, 205, 206, 300, 301, 302, 303}
    required |= {304, 305, 307, 308, 400, 401, 402, 403, 405, 406, 407, 408, 409}
    required |= {410, 411, 412, 413, 414, 415, 416, 417, 422, 426, 500, 501, 502}
    required |= {503, 504, 505, 102, 207, 208, 423, 424, 425, 428, 429, 431, 507}
    required |= {508, 510}
    assert required <= HTTP_STATUS_CODES.keys()


def test_status_line_is_upper_case_phrase():
    assert status_line(404) == "404 NOT FOUND"
    assert status_line(200) == "200 OK"
    assert status_line(418) == "418 I'M A TEAPOT"


def test_status_line_for_unknown_code():
    assert status_line(599) == "599 UNKNOWN"


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (404, (404, "404 NOT FOUND")),
        ("404", (404, "404 NOT FOUND")),
        ("404 NOT FOUND", (404, "404 NOT FOUND")),
        ("404 Custom Reason", (404, "404 Custom Reason")),
        ("  201   Made  ", (201, "201 Made")),
        (599, (599, "599 UNKNOWN")),
    ],
)
def test_parse_status_accepts_ints_and_strings(status, expected):
    assert parse_status(status) == expected


@pytest.mark.parametrize(
    "status", ["", "abc", "40", "4044", "-40", "04", "99", 1000, 42, "１２３ x"]
)
def test_parse_status_refuses_garbage(status):
    with pytest.raises(ValueError, match="Invalid status"):
        parse_status(status)


def test_parse_status_refuses_newlines_in_the_reason():
    with pytest.raises(ValueError, match="newlines"):
        parse_status("200 OK\r\nSet-Cookie: a=b")


def test_parse_status_refuses_other_types():
    with pytest.raises(TypeError):
        parse_status(200.0)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        parse_status(True)
