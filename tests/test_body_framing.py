"""Requests whose body cannot be framed reliably: refused, under both protocols.

RFC 9112 6.1 and 6.3. The real servers' side of it is in
``tests/e2e/test_framing.py``.
"""

from __future__ import annotations

import pytest

from kolben import Kolben, request
from kolben._body import framing_problem, parse_content_length
from kolben.http.exceptions import BadRequest
from kolben.testing import KolbenClient


@pytest.mark.parametrize(
    ("lengths", "codings", "reason"),
    [
        (["5"], "chunked", "both Content-Length and Transfer-Encoding"),
        (["5", "6"], None, "several Content-Length values that differ"),
        (["5, 6"], None, "several Content-Length values that differ"),
        (["+5"], None, "is not a number"),
        (["5_0"], None, "is not a number"),
        (["0x10"], None, "is not a number"),
        (["\u00b2"], None, "is not a number"),  # a digit to str.isdigit
        ([""], None, "is not a number"),
        ([], "gzip", "does not end in chunked"),
        ([], "chunked, gzip", "does not end in chunked"),
        ([], "xchunked", "does not end in chunked"),
        ([], "", "does not end in chunked"),
    ],
)
def test_framing_problems(lengths, codings, reason):
    problem = framing_problem(lengths, codings)
    assert problem is not None
    assert reason in problem


@pytest.mark.parametrize(
    ("lengths", "codings"),
    [([], None), (["0"], None), (["12"], None), (["5", "5"], None), (["5, 5"], None)]
    + [([], "chunked"), ([], "Chunked"), ([], "gzip, chunked"), ([], " chunked ")],
)
def test_framings_that_are_one_length(lengths, codings):
    assert framing_problem(lengths, codings) is None


def test_parse_content_length():
    assert parse_content_length("12") == 12
    assert parse_content_length("7, 7") == 7
    with pytest.raises(BadRequest, match="differ"):
        parse_content_length("7, 8")
    with pytest.raises(BadRequest, match="not a number"):
        parse_content_length("\u00b2")


@pytest.fixture
def echo(app: Kolben) -> Kolben:
    app.add_url_rule("/", "i", lambda: request.get_data(), methods=["POST"])
    app.add_url_rule("/ignore", "n", lambda: "ignored", methods=["POST"])
    return app


@pytest.mark.parametrize(
    "headers",
    [
        {"Transfer-Encoding": "chunked", "Content-Length": "4"},
        {"Content-Length": "4, 5"},
        {"Transfer-Encoding": "gzip"},
        {"Content-Length": "4_0"},
    ],
)
def test_ambiguous_framing_is_400_before_the_app(
    echo: Kolben, client: KolbenClient, protocol: str, headers: dict[str, str]
) -> None:
    seen: list[str] = []
    echo.before_request(lambda: seen.append("before"))
    r = client.post("/", data=b"data", headers=headers)
    assert r.status_code == 400
    assert seen == [], "hooks ran for a request whose body cannot be framed"
    if protocol == "asgi":
        # Under ASGI the server closes the connection; WSGI apps may not say so.
        assert r.headers["Connection"] == "close"


def test_equal_content_lengths_are_accepted(echo: Kolben, client: KolbenClient) -> None:
    r = client.post("/", data=b"data", headers={"Content-Length": "4, 4"})
    assert (r.status_code, r.data) == (200, b"data")


def test_declared_length_over_the_limit_is_413_even_unread(
    echo: Kolben, client: KolbenClient
) -> None:
    echo.config["MAX_CONTENT_LENGTH"] = 3
    handled: list[int] = []

    @echo.errorhandler(413)
    def too_large(e: Exception) -> tuple[str, int]:
        handled.append(413)
        return "too large, sorry", 413

    r = client.post("/ignore", data=b"data")
    assert (r.status_code, r.text, handled) == (413, "too large, sorry", [413])
    # An unknown URL stays a 404: the length is checked once a rule matched.
    assert client.post("/nowhere", data=b"data").status_code == 404
    assert client.post("/ignore", data=b"abc").status_code == 200


@pytest.mark.parametrize(
    "headers",
    [
        [("Content-Type", "application/json")],
        [("Content-Type", "text/plain"), ("Content-Type", "application/json")],
        [("Content-Type", "application/json"), ("Content-Length", "4, 4")],
        [("Content-Type", "application/json"), ("X-Twice", "1"), ("X-Twice", "2")],
        [],
    ],
)
def test_body_fields_are_what_the_headers_say(
    app: Kolben, client: KolbenClient, headers: list[tuple[str, str]]
) -> None:
    # The ASGI adapter keeps the fields it read while framing the body; they
    # must be what the header map gives, in every shape of request.
    @app.post("/")
    def fields() -> dict[str, object]:
        kept = [request.content_type, request.content_length, request.mimetype]
        sent = request.headers.get("Content-Type")
        length = request.headers.get("Content-Length")
        assert length is not None
        return {"kept": kept, "sent": [sent, int(length.split(",")[0]), kept[2]]}

    r = client.post("/", data=b"data", headers=headers)
    assert r.status_code == 200
    assert r.json["kept"] == r.json["sent"]
    assert r.json["kept"][1] == 4
