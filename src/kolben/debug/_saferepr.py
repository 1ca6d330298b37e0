"""Safe, bounded and redacting text for arbitrary objects on the debug page."""

from __future__ import annotations

import json
import re
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


# SECURITY: secrets inside text the page shows (a repr, a message, a URL).
# Every pattern starts only where a run of its characters starts and never
# backtracks into a run (possessive quantifiers), so scrubbing is linear in
# the text's length: the text can be anything a client or an app made.
#
# The password of a URL such as postgresql://user:pw@host ...
_URL_PASSWORD_RE = re.compile(
    r"(?i)(?<![a-z0-9+.-])([a-z][a-z0-9+.-]*+://[^\s/@:'\"]*+:)[^\s/@'\"]++@"
)
# ... a query parameter (?token=...), whose name is checked afterwards ...
_QUERY_PARAM_RE = re.compile(r"([?&;])([^=&#;?\s'\"]*+)=([^&#;?\s'\"]*+)")
# ... and a name given a value: password='x' (a dataclass's repr), "token":
# "x" (JSON), 'api_key': 'x' (a dict's repr), key=x; the name is checked,
# then the value found with _VALUE_RE.
_ASSIGNMENT_RE = re.compile(
    r"(?<![A-Za-z0-9_.-])([\"']?)([A-Za-z0-9_.-]++)\1\s*+[:=]\s*+"
)
_VALUE_RE = re.compile(
    # Quoted; quoted inside a quoted repr (\'x\'); bare; an unclosed quote.
    r"\"(?:[^\"\\]|\\.)*+\"|'(?:[^'\\]|\\.)*+'"
    r"|\\'(?:[^\\]|\\[^'])*+\\'|\\\"(?:[^\\]|\\[^\"])*+\\\""
    r"|[^\s,;&)}\]'\"\\]++|['\"][^'\"]*+"
)


def scrub(text: str) -> str:
    """Return ``text`` with the secrets it visibly holds redacted.

    URL passwords, secret-looking query parameters and values given to
    secret-looking names (``password='x'``, ``"token": "x"``) are replaced
    by :data:`REDACTED`; over-redacting is the safe direction. Scrub before
    cutting text short: a value cut in half no longer looks like one.

    :param text: A repr, message or URL the page is about to show.
    """
    text = _URL_PASSWORD_RE.sub(rf"\1{REDACTED}@", text)
    text = _QUERY_PARAM_RE.sub(_redact_query_param, text)
    return _redact_assignments(text)


def _redact_query_param(match: re.Match[str]) -> str:
    if not is_secret_name(match.group(2)):
        return match.group(0)
    return f"{match.group(1)}{match.group(2)}={REDACTED}"


def _redact_assignments(text: str) -> str:
    pieces: list[str] = []
    done = 0
    for match in _ASSIGNMENT_RE.finditer(text):
        start = match.end()
        if match.start() < done or not is_secret_name(match.group(2)):
            continue
        if text.startswith(REDACTED, start):
            continue
        end = _value_end(text, start)
        if end is None:
            continue
        pieces += (text[done:start], REDACTED)
        done = end
    if not pieces:
        return text
    pieces.append(text[done:])
    return "".join(pieces)


def _value_end(text: str, start: int) -> int | None:
    """Return where the value starting at ``start`` ends, if one does."""
    if text[start : start + 1] in ("{", "[", "("):
        # A nested value: all of it is the secret's, up to the bracket that
        # closes it (or the end of the text, when it was cut short).
        depth = 0
        for index in range(start, len(text)):
            char = text[index]
            if char in "{[(":
                depth += 1
            elif char in "}])":
                depth -= 1
                if depth == 0:
                    return index + 1
        return len(text)
    value = _VALUE_RE.match(text, start)
    return value.end() if value is not None else None


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
    return truncate(scrub(text), limit)


def safe_repr(obj: object) -> str:
    """Return a bounded ``repr`` of ``obj`` that never raises.

    Containers are shortened (``reprlib``), dict values under secret-looking
    keys are redacted at any depth, JSON text is parsed and redacted the
    same way, whatever else shows a secret is scrubbed (:func:`scrub`), and
    a ``__repr__`` that raises shows a placeholder.

    :param obj: Any object.
    """
    try:
        text = _REPR.repr(obj)
    except Exception as e:
        text = _failed(obj, "repr", e)
    return truncate(scrub(plain(text)))


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
        if isinstance(x, (str, bytes, bytearray)):
            redacted = _redacted_json(x)
            if redacted is not None:
                return plain(super().repr1(redacted, level))
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
        return truncate(scrub(text), self.maxother)


def _redacted_json(text: str | bytes | bytearray) -> Any:
    """Return JSON text with secret values redacted; ``None`` if not JSON.

    A request body held in a local (``data = request.get_data()``) is JSON
    text, not a dict: parse it and redact it as a dict would be.
    """
    stripped = text.strip()
    if not stripped or stripped[:1] not in ("{", "[", b"{", b"[", 123, 91):
        return None
    if len(stripped) > _MAX_JSON_CHARS:
        return None
    try:
        data = json.loads(stripped)
    except ValueError:
        return None
    redacted = json.dumps(_redact(data), ensure_ascii=False)
    return redacted.encode() if isinstance(text, (bytes, bytearray)) else redacted


#: The largest JSON text parsed for redaction; the page shows far less.
_MAX_JSON_CHARS = 64 * 1024


def _redact(data: Any) -> Any:
    """Replace values under secret-looking keys in parsed JSON."""
    if isinstance(data, dict):
        return {
            key: REDACTED if is_secret_name(str(key)) else _redact(value)
            for key, value in data.items()
        }
    if isinstance(data, list):
        return [_redact(item) for item in data]
    return data


_REPR = _SafeRepr()
