"""Hostile input: every input type refuses with ValueError, and no request is a 500."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from hypothesis import given, settings
from hypothesis import strategies as st

from kolben import Kolben
from kolben.rest import Api, Resource, inputs, reqparse
from kolben.testing import KolbenClient

from ..conftest import create_app

INPUTS: list[Callable[[Any], Any]] = [
    inputs.boolean,
    inputs.date,
    inputs.datetime_from_iso8601,
    inputs.datetime_from_rfc822,
    inputs.email,
    inputs.int_range(0, 10),
    inputs.iso8601interval,
    inputs.natural,
    inputs.positive,
    inputs.regex(r"^\d+$"),
    inputs.url,
]

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=6,
)
ISOISH = st.from_regex(r"\A[0-9PTWYMDHSZ:/.,+-]{0,30}\Z", fullmatch=True) | st.text(
    max_size=40
)


@given(value=ISOISH | JSON)
@settings(max_examples=300, deadline=None)
def test_inputs_accept_or_raise_value_error(value: Any) -> None:
    for parse in INPUTS:
        try:
            parse(value)
        except ValueError:
            pass


def _app() -> tuple[Kolben, KolbenClient]:
    app = create_app({"TESTING": False})
    parser = reqparse.RequestParser(bundle_errors=True)
    for i, parse in enumerate(INPUTS):
        parser.add_argument(f"a{i}", type=parse, action="append")
    parser.add_argument("n", type=int, choices=[1, 2], case_sensitive=False)
    parser.add_argument("h", location=["headers", "cookies", "json"])

    class Echo(Resource):
        def post(self) -> Any:
            return {k: str(v) for k, v in parser.parse_args().items()}

    Api(app, catch_all_404s=True).add_resource(Echo, "/echo")
    return app, app.test_client(protocol="wsgi")


APP, CLIENT = _app()
ASGI = APP.test_client(protocol="asgi")


NAMES = st.sampled_from([f"a{i}" for i in range(len(INPUTS))] + ["n", "h", "x"])


@given(
    query=st.lists(st.tuples(NAMES, st.text(max_size=30)), max_size=6),
    body=st.dictionaries(NAMES, JSON, max_size=6) | JSON,
    raw=st.text(max_size=40),
    accept=st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=30),
)
@settings(max_examples=150, deadline=None)
def test_no_request_is_a_500(
    query: list[tuple[str, str]], body: Any, raw: str, accept: str
) -> None:
    url = "/echo?" + urlencode(query)
    for client in (CLIENT, ASGI):
        r = client.post(url, json=body, headers={"Accept": accept})
        assert r.status_code < 500, r.text
        r = client.post(url, data=raw.encode(), content_type="application/json")
        assert r.status_code < 500, r.text
