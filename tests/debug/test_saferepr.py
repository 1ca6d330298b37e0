"""Redaction of secrets inside the text the debug page shows."""

from __future__ import annotations

import types
from dataclasses import dataclass

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from kolben.debug._saferepr import REDACTED, safe_repr, safe_str, scrub

SECRET = "s3cr3tvalue"


@dataclass
class Account:
    name: str
    password: str


@pytest.mark.parametrize(
    "value",
    [
        Account("bob", SECRET),
        types.SimpleNamespace(user="bob", api_token=SECRET),
        [{"user": {"api_key": SECRET}}],
        ({"nested": {"session_id": SECRET}},),
        f"postgresql://bob:{SECRET}@db.internal:5432/app",
        f"https://example.com/cb?code=1&access_token={SECRET}&x=2",
        f'{{"user": "bob", "credentials": {{"pin": "{SECRET}"}}}}',
        f'[{{"password": "{SECRET}"}}]'.encode(),
        RuntimeError(f"login failed: password='{SECRET}'"),
        RuntimeError(f"namespace(user='bob', api_token='{SECRET}')"),
        f"token: {SECRET}",
        f"secret=({SECRET}, 1)",
    ],
    ids=lambda v: type(v).__name__,
)
def test_secrets_inside_values_are_redacted(value: object) -> None:
    shown = safe_repr(value)
    assert SECRET not in shown, shown
    assert REDACTED in shown


def test_exception_messages_are_scrubbed() -> None:
    error = ValueError(f"cannot connect to postgresql://app:{SECRET}@db/app")
    assert SECRET not in safe_str(error)


def test_what_is_not_secret_stays_readable() -> None:
    assert safe_repr({"user": "bob", "count": 3}) == "{'user': 'bob', 'count': 3}"
    assert scrub("https://example.com/?page=2&q=kolben") == (
        "https://example.com/?page=2&q=kolben"
    )
    assert scrub("postgresql://db.internal/app") == "postgresql://db.internal/app"
    assert safe_repr('{"a": 1') == "'{\"a\": 1'"


_names = st.sampled_from(["password", "api_token", "SECRET_KEY", "sessionid"])
_secrets = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789", min_size=12)
_shapes = st.sampled_from(
    ["{n}={s}", "{n}='{s}'", '"{n}": "{s}"', "'{n}': '{s}'", "?{n}={s}", "&{n}={s}"]
)


@given(st.text(max_size=40), _names, _secrets, _shapes, st.text(max_size=40))
def test_an_assigned_secret_never_survives(before, name, secret, shape, after):
    assume(secret not in before + after)
    text = before + " " + shape.format(n=name, s=secret) + " " + after
    assert secret not in scrub(text)


@given(st.text())
def test_scrub_never_raises(text: str) -> None:
    assert isinstance(scrub(text), str)
