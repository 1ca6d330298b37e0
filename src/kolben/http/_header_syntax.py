"""Header value syntax: quoting, lists, dicts and options (RFC 9110 5.6)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote as _url_quote
from urllib.parse import unquote as _url_unquote

from ._charset import text_codec

__all__ = [
    "dump_options_header",
    "parse_dict_header",
    "parse_list_header",
    "parse_options_header",
    "quote_header_value",
    "split_quoted",
    "unquote_header_value",
]

# RFC 9110 tchar: a value made only of these needs no quoting.
_TOKEN_CHARS = frozenset(
    "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
)
_ESCAPED_CHAR_RE = re.compile(r"\\(.)", re.DOTALL)
_CONTINUATION_RE = re.compile(r"^(.+?)\*(\d+)(\*?)$")


def quote_header_value(value: Any) -> str:
    """Quote *value* as an RFC 9110 quoted-string unless it is a token.

    :param value: The value; non-str values are converted with ``str``.
    """
    text = str(value)
    if text and _TOKEN_CHARS.issuperset(text):
        return text
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def unquote_header_value(value: str) -> str:
    """Remove the quotes and backslash escapes of a quoted-string.

    A value that is not quoted is returned unchanged.

    :param value: The value, possibly in double quotes.
    """
    if len(value) >= 2 and value[0] == value[-1] == '"':
        return _ESCAPED_CHAR_RE.sub(r"\1", value[1:-1])
    return value


def split_quoted(value: str, sep: str) -> list[str]:
    """Split *value* at *sep*, ignoring separators inside quoted-strings.

    :param value: The header value.
    :param sep: A one-character separator, e.g. ``","``.
    """
    if '"' not in value:
        # PERF: most header values contain no quotes.
        return value.split(sep)
    parts = []
    start = 0
    in_quotes = False
    index = 0
    length = len(value)
    while index < length:
        char = value[index]
        if in_quotes:
            if char == "\\":
                index += 1
            elif char == '"':
                in_quotes = False
        elif char == '"':
            in_quotes = True
        elif char == sep:
            parts.append(value[start:index])
            start = index + 1
        index += 1
    parts.append(value[start:])
    return parts


def parse_list_header(value: str) -> list[str]:
    """Parse a comma-separated list, e.g. ``token, "quoted, value"``.

    Quoted items are unquoted and empty items are dropped.

    :param value: The header value.
    """
    result = []
    for item in split_quoted(value, ","):
        item = item.strip()
        if item:
            result.append(unquote_header_value(item))
    return result


def parse_dict_header(value: str) -> dict[str, str | None]:
    """Parse ``key=value, key2="value 2", flag`` into a dict.

    A key without ``=`` maps to ``None``. An RFC 2231 ``key*=`` value is
    decoded and stored under ``key``.

    :param value: The header value.
    """
    result: dict[str, str | None] = {}
    for item in split_quoted(value, ","):
        key, eq, raw = item.partition("=")
        key = key.strip()
        if not key:
            continue
        if not eq:
            result[key] = None
            continue
        raw = raw.strip()
        if key.endswith("*") and len(key) > 1:
            result[key[:-1]] = _decode_rfc2231(raw)
        else:
            result[key] = unquote_header_value(raw)
    return result


def _decode_rfc2231(value: str) -> str:
    """Decode an RFC 2231 extended value like ``UTF-8''%e2%82%ac``.

    A charset that is unknown, not a text encoding, or that cannot decode
    the bytes leaves the value undecoded, percent-escapes and all.
    """
    value = unquote_header_value(value)
    charset, sep, rest = value.partition("'")
    if not sep:
        return _url_unquote(value, errors="replace")
    _language, sep, encoded = rest.partition("'")
    if not sep:
        encoded = rest
    codec = text_codec(charset or "utf-8")
    if codec is None:
        return encoded
    try:
        return _url_unquote(encoded, encoding=codec, errors="replace")
    except (UnicodeError, ValueError, LookupError):
        # SECURITY: idna and punycode raise for bytes they cannot take (and
        # for any error handler but "strict"); the client chose the codec.
        return encoded


def parse_options_header(value: str | None) -> tuple[str, dict[str, str]]:
    """Split a header like ``text/html; charset="utf-8"`` into value and params.

    Parameter names are lower-cased, quoted values unquoted, RFC 2231
    extended values (``filename*=UTF-8''%e2%82%ac``) and continuations
    (``name*0=``, ``name*1=``) decoded; an extended value wins over a plain
    one. Parameters without ``=`` are ignored. Never raises.

    :param value: The header value; ``None`` or empty gives ``("", {})``.
    """
    if not value:
        return "", {}
    parts = split_quoted(value, ";")
    main = parts[0].strip()
    options: dict[str, str] = {}
    extended: dict[str, str] = {}
    continued: dict[str, list[tuple[int, str, bool]]] = {}
    for part in parts[1:]:
        key, eq, raw = part.partition("=")
        key = key.strip().lower()
        if not eq or not key:
            continue
        raw = raw.strip()
        match = _CONTINUATION_RE.match(key)
        if match is not None:
            name, number, star = match.groups()
            continued.setdefault(name, []).append((int(number), raw, bool(star)))
        elif key.endswith("*") and len(key) > 1:
            extended[key[:-1]] = _decode_rfc2231(raw)
        else:
            options[key] = unquote_header_value(raw)
    for name, pieces in continued.items():
        options[name] = _join_continuation(pieces)
    options.update(extended)
    return main, options


def _join_continuation(pieces: list[tuple[int, str, bool]]) -> str:
    """Join RFC 2231 ``name*0``, ``name*1`` ... pieces into one value."""
    pieces.sort(key=lambda piece: piece[0])
    if pieces[0][2]:
        # The first piece of an encoded value carries the charset; decode the
        # percent-escapes once over the joined text.
        joined = "".join(unquote_header_value(raw) for _, raw, _ in pieces)
        return _decode_rfc2231(joined)
    return "".join(unquote_header_value(raw) for _, raw, _ in pieces)


def dump_options_header(header: str | None, options: Mapping[str, Any]) -> str:
    """Build a header value with ``; key=value`` parameters.

    Values are quoted when needed; ``None`` values are left out.
    Non-ASCII values are written RFC 2231 style as ``key*=UTF-8''...``.

    :param header: The main value, or ``None`` for parameters only.
    :param options: Parameter names and values.
    """
    segments = [] if header is None else [header]
    for key, value in options.items():
        if value is None:
            continue
        text = str(value)
        if text.isascii():
            segments.append(f"{key}={quote_header_value(text)}")
        else:
            segments.append(f"{key}*=UTF-8''{_url_quote(text, safe='')}")
    return "; ".join(segments)
