"""The tagged-JSON session serializer: Flask's classes and Flask's wire format."""

from __future__ import annotations

import dataclasses
import decimal
import uuid
from collections import OrderedDict
from datetime import UTC, datetime
from typing import Any

import flask
import pytest
from flask.json.tag import TaggedJSONSerializer as FlaskSerializer
from hypothesis import given, settings
from hypothesis import strategies as st
from markupsafe import Markup

from kolben import Kolben, session
from kolben.json.tag import JSONTag, PassDict, TagDict, TaggedJSONSerializer
from kolben.sessions import SecureCookieSessionInterface
from kolben.testing import KolbenClient
from tests.conftest import create_app

_TAG_KEYS = [" t", " b", " m", " u", " d", " di", " t__", " di__", " x"]
_scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | st.text()
    | st.binary()
    | st.uuids()
    | st.datetimes(timezones=st.none() | st.just(UTC))
    | st.text().map(Markup)
)
_values = st.recursive(
    _scalars,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.lists(inner, max_size=4).map(tuple)
        | st.dictionaries(st.sampled_from(_TAG_KEYS) | st.text(), inner, max_size=4)
    ),
    max_leaves=24,
)


def _shape(value: Any) -> Any:
    """Return ``value`` with the type of every part made part of equality."""
    if isinstance(value, dict):
        return ("dict", {k: _shape(v) for k, v in value.items()})
    if isinstance(value, list | tuple):
        return (type(value).__name__, [_shape(v) for v in value])
    return (type(value).__name__, value)


_flask_app = flask.Flask(__name__)
_kolben_app = Kolben(__name__)


@settings(max_examples=300, deadline=None)
@given(_values)
def test_dumps_writes_flasks_text_and_each_loads_the_others(value: Any) -> None:
    ours, theirs = TaggedJSONSerializer(), FlaskSerializer()
    # Outside an app context, and inside one (where the app's provider sorts
    # keys), as during a request that saves the session.
    assert ours.dumps(value) == theirs.dumps(value)
    with _kolben_app.app_context(), _flask_app.app_context():
        text = ours.dumps(value)
        assert text == theirs.dumps(value)
    loaded = ours.loads(text)
    assert _shape(loaded) == _shape(theirs.loads(text))
    assert _shape(ours.loads(ours.dumps(loaded))) == _shape(loaded)


@pytest.mark.parametrize(
    "value",
    [
        {" t": [1, 2]},
        {" di": {" t__": 1}},
        {"a": {" b": b"x"}, "z": (Markup("<i>"), uuid.UUID(int=7))},
        [datetime(2024, 2, 29, 12, 0, 1), datetime(1999, 1, 1, tzinfo=UTC)],
        {"price": decimal.Decimal("1.50")},  # no tag: the provider's default
    ],
)
def test_chosen_values_match_flask(value: Any) -> None:
    with _kolben_app.app_context(), _flask_app.app_context():
        assert TaggedJSONSerializer().dumps(value) == FlaskSerializer().dumps(value)


def test_the_built_in_tags_are_flasks() -> None:
    ours = [(c.__name__, c.key) for c in TaggedJSONSerializer.default_tags]
    theirs = [(c.__name__, c.key) for c in FlaskSerializer.default_tags]
    assert ours == theirs
    s = TaggedJSONSerializer()
    assert list(s.tags) == [" di", " t", " b", " m", " u", " d"]
    assert [type(t) for t in s.order] == s.default_tags


class TagOrderedDict(JSONTag):
    """Flask's documentation example: keep an OrderedDict's type."""

    __slots__ = ()
    key = " od"

    def check(self, value: Any) -> bool:
        return isinstance(value, OrderedDict)

    def to_json(self, value: Any) -> Any:
        return [[k, self.serializer.tag(v)] for k, v in value.items()]

    def to_python(self, value: Any) -> Any:
        return OrderedDict(value)


def test_register_with_index_and_force() -> None:
    s = TaggedJSONSerializer()
    s.register(TagOrderedDict, index=0)
    value = OrderedDict([("b", (1,)), ("a", b"x")])
    out = s.loads(s.dumps(value))
    assert type(out) is OrderedDict and out == value
    assert s.dumps(value) == '{" od":[["b",{" t":[1]}],["a",{" b":"eA=="}]]}'
    # A dict whose key is the new tag is wrapped like the built-in ones.
    assert s.loads(s.dumps({" od": 1})) == {" od": 1}
    with pytest.raises(KeyError, match="force=True"):
        s.register(TagOrderedDict)
    s.register(TagOrderedDict, force=True)
    assert s.tags[" od"] is s.order[-1]
    # A tag without a key only rewrites values on the way out.
    s.register(PassDict, index=0)
    assert len(s.tags) == 7


def test_a_registration_belongs_to_one_serializer() -> None:
    s = TaggedJSONSerializer()
    s.register(TagOrderedDict)
    assert " od" not in TaggedJSONSerializer().tags
    assert isinstance(s.tags[" di"], TagDict) and s.tags[" di"].serializer is s


class TagDecimal(JSONTag):
    """An app's own tag, as in the issue: Decimal keeps its type."""

    __slots__ = ()
    key = " dec"

    def check(self, value: Any) -> bool:
        return isinstance(value, decimal.Decimal)

    def to_json(self, value: Any) -> Any:
        return str(value)

    def to_python(self, value: Any) -> Any:
        return decimal.Decimal(value)


@dataclasses.dataclass(frozen=True)
class Money:
    amount: decimal.Decimal
    currency: str


class TagMoney(JSONTag):
    """A dataclass in the session, its field tagged in turn."""

    __slots__ = ()
    key = " money"

    def check(self, value: Any) -> bool:
        return isinstance(value, Money)

    def to_json(self, value: Any) -> Any:
        return [self.serializer.tag(value.amount), value.currency]

    def to_python(self, value: Any) -> Any:
        amount, currency = value
        return Money(amount, currency)


@pytest.mark.parametrize("text", ['{" dec": {}}', '{" dec": "x"}', '{" money": 5}'])
def test_an_apps_tag_that_trips_on_bad_data_raises_value_error(text: str) -> None:
    s = TaggedJSONSerializer()
    s.register(TagDecimal)
    s.register(TagMoney)
    with pytest.raises(ValueError, match="cannot be loaded"):
        s.loads(text)


def test_an_apps_tags_round_trip_through_the_session_cookie(
    app: Kolben, client: KolbenClient
) -> None:
    class Interface(SecureCookieSessionInterface):
        # Its own serializer: registering on the shared one would change
        # every app in the process.
        serializer = TaggedJSONSerializer()

    Interface.serializer.register(TagDecimal)
    Interface.serializer.register(TagMoney)
    app.session_interface = Interface()
    price = Money(decimal.Decimal("19.90"), "EUR")

    @app.route("/set")
    def set_price() -> str:
        session["price"] = price
        session["rate"] = decimal.Decimal("0.07")
        return ""

    @app.route("/get")
    def get_price() -> str:
        same = session["price"] == price and session["rate"] == decimal.Decimal("0.07")
        return "same" if same else repr(dict(session))

    client.get("/set")
    assert client.get("/get").text == "same"


_SAMPLE: dict[str, Any] = {
    "raw": b"\x00\xff",
    "pair": (1, ("nested", None)),
    "id": uuid.UUID(int=42),
    "when": datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC),
    "html": Markup("<b>x</b>"),
    " t": "looks like a tag",
    "deep": {" di": [{" b": "y"}]},
    "text": "é\u2603",
}


def _flask_pair() -> tuple[flask.Flask, Any]:
    fapp = flask.Flask(__name__)
    fapp.secret_key = "test secret"

    @fapp.route("/set")
    def set_sample() -> str:
        flask.session.update(_SAMPLE)
        return ""

    @fapp.route("/get")
    def get_sample() -> str:
        same = _shape(dict(flask.session)) == _shape(_SAMPLE)
        return "same" if same else repr(dict(flask.session))

    return fapp, fapp.test_client()


def _kolben_sample_app() -> Kolben:
    app = create_app()

    @app.route("/set")
    def set_sample() -> str:
        session.update(_SAMPLE)
        return ""

    @app.route("/get")
    def get_sample() -> str:
        same = _shape(dict(session)) == _shape(_SAMPLE)
        return "same" if same else repr(dict(session))

    return app


def test_a_cookie_flask_signed_loads_in_kolben(protocol: str) -> None:
    _, fclient = _flask_pair()
    fclient.get("/set")
    cookie = fclient.get_cookie("session")
    assert cookie is not None
    client = _kolben_sample_app().test_client(protocol=protocol)
    client.set_cookie("session", cookie.value)
    assert client.get("/get").text == "same"


def test_a_cookie_kolben_signed_loads_in_flask(protocol: str) -> None:
    client = _kolben_sample_app().test_client(protocol=protocol)
    client.get("/set")
    cookie = client.get_cookie("session")
    assert cookie is not None
    _, fclient = _flask_pair()
    fclient.set_cookie("session", cookie.value)
    assert fclient.get("/get").text == "same"
