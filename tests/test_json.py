"""The JSON provider and the session serializer."""

from __future__ import annotations

import dataclasses
import decimal
import json
import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
from markupsafe import Markup

from kolben import Kolben, jsonify
from kolben.json.tag import TaggedJSONSerializer
from kolben.testing import KolbenClient


@dataclasses.dataclass
class Point:
    x: int
    y: int


def test_jsonify_types(app: Kolben, client: KolbenClient) -> None:
    app.add_url_rule(
        "/",
        "i",
        lambda: jsonify(
            when=datetime(2024, 5, 6, 7, 8, 9, tzinfo=UTC),
            price=decimal.Decimal("9.99"),
            id=uuid.UUID("12345678123456781234567812345678"),
            point=Point(1, 2),
            html=Markup("<b>x</b>"),
            text="é",
        ),
    )
    r = client.get("/")
    assert r.json == {
        "when": "Mon, 06 May 2024 07:08:09 GMT",
        "price": "9.99",
        "id": "12345678-1234-5678-1234-567812345678",
        "point": {"x": 1, "y": 2},
        "html": "<b>x</b>",
        "text": "é",
    }
    # Compact, sorted, ASCII-only: the same output as Flask's default provider.
    assert r.data.startswith(b'{"html":"<b>x</b>","id":')
    assert b"\\u00e9" in r.data


def test_jsonify_arguments(app: Kolben) -> None:
    with app.test_request_context():
        assert jsonify().json is None
        assert jsonify(1, 2).json == [1, 2]
        assert jsonify([1]).json == [1]
        with pytest.raises(TypeError, match="not both"):
            jsonify(1, a=2)


def test_debug_output_is_indented(app: Kolben) -> None:
    app.debug = True
    with app.test_request_context():
        assert jsonify(a=1).data == b'{\n  "a": 1\n}\n'


def test_provider_settings_take_effect(app: Kolben) -> None:
    with app.test_request_context():
        app.json.sort_keys = False  # type: ignore[attr-defined]
        app.json.ensure_ascii = False  # type: ignore[attr-defined]
        assert jsonify({"b": 1, "a": "é"}).data == '{"b":1,"a":"é"}\n'.encode()


def test_unserializable_and_circular_values(app: Kolben) -> None:
    circular: list[Any] = []
    circular.append(circular)
    with app.test_request_context():
        with pytest.raises(TypeError, match="not JSON serializable"):
            jsonify(object())
        with pytest.raises(ValueError, match="Circular reference"):
            jsonify(circular)
    assert app.json.dumps({"a": [1.5, None, True]}) == json.dumps(
        {"a": [1.5, None, True]}, sort_keys=True
    )


@pytest.mark.parametrize(
    "value",
    [
        b"\x00\xff bytes",
        ("a", 1, ("nested",)),
        datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC),
        uuid.uuid4(),
        Markup("<em>safe</em>"),
        {" t": "a dict that looks like a tag"},
        {" di": "another"},
        {"k": [b"x", (1, 2)], "n": None},
    ],
)
def test_tagged_serializer_round_trips(value: Any) -> None:
    s = TaggedJSONSerializer()
    out = s.loads(s.dumps(value))
    assert out == value
    assert type(out) is type(value)


def test_module_functions_in_and_out_of_an_app(app: Kolben) -> None:
    from kolben import json as kjson

    value = {"b": datetime(2024, 1, 1, tzinfo=UTC), "a": uuid.UUID(int=1)}
    outside = kjson.dumps(value)
    assert kjson.loads(outside) == {
        "b": "Mon, 01 Jan 2024 00:00:00 GMT",
        "a": "00000000-0000-0000-0000-000000000001",
    }
    with app.app_context():
        # Inside an app, the app's provider: sorted keys.
        assert kjson.dumps(value).startswith('{"a"')
        assert kjson.loads(b"[1, 2]") == [1, 2]


@pytest.mark.parametrize(
    "text",
    [
        '{" d": {" t__": [1, 2]}}',  # found by fuzzing: AttributeError
        '{" u": [1]}',  # found by fuzzing: AttributeError
        '{" b": 5}',
        '{" t": 5}',
        '{" di": 1}',
        '{" di": {}}',
        '{" di": {"a": 1, "b": 2}}',
        '{" di": {"no suffix": 1}}',
        '{" b": "not base64!"}',
        '{" d": "not a date"}',
        "[" * 100_000,
    ],
)
def test_tagged_serializer_refuses_malformed_tags_with_value_error(text: str) -> None:
    # Sessions stored in Redis are read with `except ValueError`; anything
    # else would reach the view as a 500.
    with pytest.raises(ValueError):
        TaggedJSONSerializer().loads(text)


def test_dump_and_load_files_as_flask_does(app: Kolben) -> None:
    import io
    from contextlib import AbstractContextManager, nullcontext

    import flask

    from kolben import json as kjson

    value = {"b": datetime(2024, 1, 1, tzinfo=UTC), "a": (1, decimal.Decimal("2"))}
    fapp = flask.Flask(__name__)
    pairs: list[tuple[AbstractContextManager[Any], AbstractContextManager[Any]]] = [
        (nullcontext(), nullcontext()),  # the module defaults: keys unsorted
        (app.app_context(), fapp.app_context()),  # the app's provider: sorted
    ]
    for ours_ctx, flask_ctx in pairs:
        ours, theirs = io.StringIO(), io.StringIO()
        with ours_ctx:
            kjson.dump(value, ours)
        with flask_ctx:
            flask.json.dump(value, theirs)
        assert ours.getvalue() == theirs.getvalue()
    assert kjson.load(io.BytesIO(b'{"a": [1]}')) == {"a": [1]}
    with app.app_context():
        assert kjson.load(io.StringIO("[true]")) == [True]
