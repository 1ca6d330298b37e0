"""A JSON serializer that round-trips the Python types sessions hold.

Plain JSON loses types: bytes, tuples, datetimes, UUIDs and ``Markup`` come
back as something else. Each such value is written as a one-key object whose
key is a tag (``{" b": "<base64>"}``); the tag starts with a space, which no
ordinary key a developer writes does, and a dict whose only key looks like a
tag is itself wrapped so it cannot be mistaken for one.
"""

from __future__ import annotations

import json
from base64 import b64decode, b64encode
from collections.abc import Callable
from datetime import datetime
from typing import Any
from uuid import UUID

from markupsafe import Markup

from ..http.dates import http_date, parse_date


def _dump_datetime(value: datetime) -> str:
    return http_date(value)


def _load_datetime(value: str) -> datetime:
    parsed = parse_date(value)
    if parsed is None:
        raise ValueError(f"Not an HTTP date: {value!r}")
    return parsed


# tag -> (type test, to JSON, from JSON), tried in order.
# The JSON type each tag's loader takes is in _LOAD_TYPES.
_TAGS: list[
    tuple[str, Callable[[Any], bool], Callable[[Any], Any], Callable[[Any], Any]]
]
_TAGS = [
    (" t", lambda v: isinstance(v, tuple), lambda v: [_tag(x) for x in v], tuple),
    (" b", lambda v: isinstance(v, bytes), lambda v: b64encode(v).decode(), b64decode),
    (
        " m",
        lambda v: callable(getattr(v, "__html__", None)),
        lambda v: str(v.__html__()),
        Markup,
    ),
    (" u", lambda v: isinstance(v, UUID), lambda v: v.hex, UUID),
    (" d", lambda v: isinstance(v, datetime), _dump_datetime, _load_datetime),
]
_LOADERS = {tag: load for tag, _, _, load in _TAGS}
_LOAD_TYPES: dict[str, type] = {" t": list, " b": str, " m": str, " u": str, " d": str}


def _tag(value: Any) -> Any:
    if isinstance(value, dict):
        tagged = {k: _tag(v) for k, v in value.items()}
        if len(tagged) == 1:
            key = next(iter(tagged))
            if key in _LOADERS or key == " di":
                # Rename the key so the parser does not take it for a tag.
                return {" di": {key + "__": tagged[key]}}
        return tagged
    if isinstance(value, list):
        return [_tag(x) for x in value]
    # Exact types: Markup is a str subclass and must be tagged.
    if value is None or type(value) in (str, int, float, bool):
        return value
    for tag, test, dump, _ in _TAGS:
        if test(value):
            return {tag: dump(value)}
    return value


def _untag(obj: dict[str, Any]) -> Any:
    if len(obj) == 1:
        key = next(iter(obj))
        if key == " di":
            return _unwrap_dict(obj[key])
        load = _LOADERS.get(key)
        if load is not None:
            # SECURITY: the text may come from a client or a shared store; a
            # wrong type would raise TypeError or AttributeError in the loader.
            if not isinstance(obj[key], _LOAD_TYPES[key]):
                raise ValueError(f"The tagged value {obj!r} has the wrong type.")
            return load(obj[key])
    return obj


def _unwrap_dict(inner: Any) -> dict[str, Any]:
    """Undo the renaming ``_tag`` does to a one-key dict that looks tagged."""
    if not isinstance(inner, dict) or len(inner) != 1:
        raise ValueError(f"The tagged dict {inner!r} must have exactly one key.")
    ((inner_key, inner_value),) = inner.items()
    if not inner_key.endswith("__"):
        raise ValueError(f"The tagged dict key {inner_key!r} must end with '__'.")
    return {inner_key[:-2]: inner_value}


class TaggedJSONSerializer:
    """Serialize to compact JSON, keeping bytes, tuples, datetimes, UUIDs, Markup."""

    def dumps(self, value: Any) -> str:
        """Serialize ``value`` to a compact JSON string."""
        return json.dumps(_tag(value), separators=(",", ":"))

    def loads(self, value: str | bytes) -> Any:
        """Parse a string written by :meth:`dumps`.

        :raises ValueError: If *value* is not JSON, nests too deeply, or holds
            a malformed tag.
        """
        try:
            return json.loads(value, object_hook=_untag)
        except RecursionError:
            raise ValueError("The tagged JSON is nested too deeply.") from None
