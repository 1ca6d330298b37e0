"""``make_response`` on the tuple forms, fast path and general rules alike."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kolben import Kolben, Response
from kolben.testing import KolbenClient


def _expected(body: Any, fields: dict[str, Any]) -> list[tuple[str, str]]:
    """The general rule: the constructor's fields, then ``update``."""
    response = Response(body)
    response.headers.update(fields)
    return sorted(response.headers.items())


_names = st.sampled_from(
    ["Content-Type", "content-type", "X-Kind", "x-kind", "Cache-Control", "ETag"]
)
_values = st.text(alphabet="abcdefghij;=/ -", max_size=12) | st.integers(0, 99)


@given(
    st.text(max_size=20) | st.binary(max_size=20),
    st.dictionaries(_names, _values | st.lists(_values, max_size=2), max_size=4),
)
def test_body_and_headers_dict_is_update_of_the_constructors_fields(
    body: Any, fields: dict[str, Any]
) -> None:
    app = Kolben(__name__)
    with app.app_context():
        # Twice: the second time, the fields come from what the first kept.
        for _ in range(2):
            response = app.make_response((body, fields))
            assert sorted(response.headers.items()) == _expected(body, fields)
            data = body.encode() if isinstance(body, str) else body
            assert response.get_data() == data


def test_header_values_with_newlines_are_refused(app: Kolben) -> None:
    with app.app_context():
        with pytest.raises(ValueError, match="newline"):
            app.make_response(("x", {"X-Bad": "a\r\nSet-Cookie: evil=1"}))


def test_the_tuple_form_under_both_protocols(app: Kolben, client: KolbenClient) -> None:
    @app.route("/")
    def index() -> Any:
        return "hi", {"Content-Type": "text/plain; charset=utf-8", "X-Kind": "t"}

    @app.route("/status")
    def with_status() -> Any:
        return "made", 201, {"Content-Type": "text/plain; charset=utf-8"}

    for _ in range(2):
        r = client.get("/")
        assert (r.status_code, r.text, r.mimetype) == (200, "hi", "text/plain")
        assert r.headers["X-Kind"] == "t"
        assert r.headers["Content-Length"] == "2"
    r = client.get("/status")
    assert (r.status_code, r.text, r.mimetype) == (201, "made", "text/plain")


def test_a_str_subclass_is_a_body(app: Kolben, client: KolbenClient) -> None:
    from markupsafe import Markup

    @app.route("/")
    def view() -> Any:
        return Markup("<b>{}</b>").format("<i>")

    @app.route("/status")
    def with_status() -> Any:
        return Markup("<p>made</p>"), 201

    r = client.get("/")
    assert (r.status_code, r.text) == (200, "<b>&lt;i&gt;</b>")
    assert r.headers["Content-Type"] == "text/html; charset=utf-8"
    assert client.get("/status").status_code == 201
