"""Safe, bounded and redacting text for arbitrary objects on the debug page."""

from __future__ import annotations

import reprlib
from itertools import islice
from typing import Any

#: What a secret-looking value is shown as.
REDACTED = "[redacted]"

#: Longest text shown for one value (a local variable, header or argument).
MAX_VALUE_CHARS = 500

# SECURITY: a name containing one of these words marks its value as secret.
# Matching on substrings over-redacts ("monkey"), which is the safe direction.
_SECRET_WORDS = (
    "password",
    "passwd",
    "secret",
    "token",
    "key",
    "authorization",
    "cookie",
    "session",
    "credential",
)


def is_secret_name(name: str) -> bool:
    """Return whether a variable, header or field name looks like a secret.

    :param name: The name to check, in any case.
    """
    lowered = name.lower()
    return any(word in lowered for word in _SECRET_WORDS)


def truncate(text: str, limit: int = MAX_VALUE_CHARS) -> str:
    """Return ``text`` cut to ``limit`` characters, marking the cut.

    :param text: The text to shorten.
    :param limit: The most characters to keep, including the marker.
    """
    if len(text) <= limit:
        return text
    return text[: limit - 1] + "\u2026"


def plain(text: str) -> str:
    """Return ``text`` as an exact ``str``, dropping any subclass.

    A ``str`` subclass such as ``markupsafe.Markup`` claims to be safe HTML;
    turning it into a plain string makes the page escape it like any text.

    :param text: A string, possibly of a subclass.
    """
    return str.__str__(text)


def safe_str(obj: object, limit: int = MAX_VALUE_CHARS) -> str:
    """Return ``str(obj)``, or a placeholder when that raises.

    :param obj: Any object, typically an exception.
    :param limit: The most characters to keep.
    """
    try:
        text = plain(str(obj))
    except Exception as e:
        return _failed(obj, "str", e)
    return truncate(text, limit)


def safe_repr(obj: object) -> str:
    """Return a bounded ``repr`` of ``obj`` that never raises.

    Containers are shortened (``reprlib``), dict values under secret-looking
    keys are redacted, and a ``__repr__`` that raises shows a placeholder.

    :param obj: Any object.
    """
    try:
        text = _REPR.repr(obj)
    except Exception as e:
        text = _failed(obj, "repr", e)
    return truncate(plain(text))


def _failed(obj: object, what: str, error: Exception) -> str:
    """Describe an object whose ``str`` or ``repr`` raised."""
    try:
        kind = type(obj).__qualname__
    except Exception:
        kind = "object"
    return f"<{kind} object; {what}() raised {type(error).__name__}>"


class _SafeRepr(reprlib.Repr):
    """A ``reprlib.Repr`` with page-friendly limits and secret redaction."""

    def __init__(self) -> None:
        super().__init__()
        self.maxlevel = 3
        self.maxdict = 20
        self.maxlist = 20
        self.maxtuple = 20
        self.maxset = 20
        self.maxfrozenset = 20
        self.maxdeque = 20
        self.maxarray = 20
        self.maxstring = 300
        self.maxlong = 100
        self.maxother = MAX_VALUE_CHARS

    def repr1(self, x: Any, level: int) -> str:
        """Return the repr of ``x``, routing every dict through redaction.

        :param x: The object.
        :param level: How many nesting levels may still be expanded.
        """
        # SECURITY: dict subclasses (a Config holding SECRET_KEY, say) would
        # otherwise use their own repr and show every value unredacted.
        if isinstance(x, dict):
            text = self.repr_dict(x, level)
            if type(x) is dict:
                return text
            return f"{type(x).__qualname__}({text})"
        return plain(super().repr1(x, level))

    def repr_dict(self, x: dict[Any, Any], level: int) -> str:
        """Return a dict's repr with values under secret keys redacted.

        :param x: The dict.
        :param level: How many nesting levels may still be expanded.
        """
        if not x:
            return "{}"
        if level <= 0:
            return "{...}"
        parts = []
        for key, value in islice(dict.items(x), self.maxdict):
            shown = self.repr1(key, level - 1)
            if isinstance(key, str) and is_secret_name(key):
                parts.append(f"{shown}: {REDACTED}")
            else:
                parts.append(f"{shown}: {self.repr1(value, level - 1)}")
        if len(x) > self.maxdict:
            parts.append("...")
        return "{" + ", ".join(parts) + "}"

    def repr_instance(self, x: Any, level: int) -> str:
        """Return ``repr(x)`` shortened, or a placeholder if it raises.

        :param x: The object.
        :param level: Unused; instances are not expanded.
        """
        try:
            text = plain(repr(x))
        except Exception as e:
            return _failed(x, "repr", e)
        return truncate(text, self.maxother)


_REPR = _SafeRepr()
