"""The orjson provider writes what the default provider writes."""

from __future__ import annotations

import dataclasses
import decimal
import uuid
from datetime import UTC, date, datetime
from typing import Any

import pytest
from markupsafe import Markup

from kolben import Kolben, jsonify, request
from kolben.json.fast import OrjsonProvider
from kolben.json.provider import DefaultJSONProvider
from kolben.testing import KolbenClient


@dataclasses.dataclass
class Item:
    name: str
    when: datetime


VALUES: list[Any] = [
    {"b": 1, "a": [1, 2.5, None, True, False]},
    {"text": "plain", "unicode": "héllo ✓", "emoji": "😀"},
    {"when": datetime(2024, 5, 6, 7, 8, 9, tzinfo=UTC), "day": date(2024, 1, 2)},
    {"id": uuid.UUID(int=12345), "price": decimal.Decimal("9.99")},
    {"item": Item("x", datetime(2024, 1, 1, tzinfo=UTC)), "html": Markup("<b>")},
    {"big": 2**70, "small": 1e-7, "large": 1e16, "neg": -0.0},
    [{"nested": {"z": 1, "y": [{"x": "deep"}]}}],
    "just a string",
    42,
]


@pytest.mark.parametrize("value", VALUES)
@pytest.mark.parametrize("ensure_ascii", [True, False])
@pytest.mark.parametrize("debug", [False, True])
def test_same_output_as_the_default_provider(
    app: Kolben, value: Any, ensure_ascii: bool, debug: bool
) -> None:
    app.debug = debug
    default, fast = DefaultJSONProvider(app), OrjsonProvider(app)
    default.ensure_ascii = fast.ensure_ascii = ensure_ascii
    with app.test_request_context():
        assert fast.response(value).data == default.response(value).data


def test_loads_matches_and_errors_the_same_way(app: Kolben) -> None:
    fast = OrjsonProvider(app)
    assert fast.loads(b'{"a": [1, 2.5]}') == {"a": [1, 2.5]}
    assert fast.loads(str(2**70)) == 2**70
    with pytest.raises(ValueError):
        fast.loads(b"{not json")


def test_app_uses_it(app: Kolben, client: KolbenClient) -> None:
    app.json = OrjsonProvider(app)
    app.add_url_rule(
        "/",
        "i",
        lambda: jsonify(got=request.get_json(), when=date(2024, 1, 2)),
        methods=["POST"],
    )
    r = client.post("/", json={"x": "é"})
    assert r.data == b'{"got":{"x":"\\u00e9"},"when":"Tue, 02 Jan 2024 00:00:00 GMT"}\n'
