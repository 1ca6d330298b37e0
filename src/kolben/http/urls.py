"""Percent-encoding, query strings and IRI conversion for URLs."""

from __future__ import annotations

import urllib.parse
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any, TypeVar, overload

from .exceptions import BadRequest, HTTPException
from .multidict import MultiDict

__all__ = [
    "iri_to_uri",
    "parse_qs",
    "quote",
    "quote_plus",
    "unquote",
    "unquote_path",
    "unquote_plus",
    "url_encode",
    "wsgi_decoding_dance",
]

_M = TypeVar("_M", bound=MultiDict[str, str])

_PATH_ERROR = "The URL path is not valid UTF-8 after percent-decoding."
_QUERY_ERROR = (
    "The query string is not valid UTF-8 after percent-decoding. Encode"
    " non-ASCII characters as UTF-8 before percent-encoding them."
)
# Characters that stay readable in encoded query strings; none of them has
# a meaning inside a query value, so parse_qs reads them back unchanged.
_QUERY_SAFE = "!$'()*,/:;?@"


def unquote_path(path: str | bytes) -> str:
    """Percent-decode a URL path into text.

    Malformed escapes (``%zz``, a lone ``%``) stay as they are, as the WHATWG
    URL standard does.

    :param path: The path; bytes and the decoded escapes must be UTF-8.
    :raises BadRequest: If the decoded bytes are not valid UTF-8.
    """
    if isinstance(path, str):
        if "%" not in path:
            # PERF: most paths have nothing to decode.
            return path
        raw = path.encode("utf-8", "surrogateescape")
    else:
        raw = path
    try:
        return urllib.parse.unquote_to_bytes(raw).decode("utf-8")
    except UnicodeDecodeError:
        raise BadRequest(_PATH_ERROR) from None


def wsgi_decoding_dance(s: str) -> str:
    """Turn a WSGI environ string (bytes read as latin-1) into real text.

    WSGI servers decode raw bytes as latin-1; this re-encodes them and
    decodes UTF-8, the encoding browsers use for paths.

    :param s: A value such as ``environ["PATH_INFO"]``.
    :raises BadRequest: If the bytes are not valid UTF-8.
    """
    if s.isascii():
        # PERF: ASCII is the same in latin-1 and UTF-8.
        return s
    try:
        return s.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        raise BadRequest(_PATH_ERROR) from None


@overload
def parse_qs(
    qs: str | bytes, *, max_fields: int | None = None, cls: None = None
) -> MultiDict[str, str]: ...
@overload
def parse_qs(
    qs: str | bytes, *, max_fields: int | None = None, cls: type[_M]
) -> _M: ...
def parse_qs(
    qs: str | bytes,
    *,
    max_fields: int | None = None,
    cls: type[MultiDict[str, str]] | None = None,
) -> MultiDict[str, str]:
    """Parse an ``application/x-www-form-urlencoded`` query string.

    Fields are separated by ``&`` only; ``+`` means a space; a field without
    ``=`` has the value ``""``; empty fields are skipped. Pass bytes for raw
    input: under WSGI that is ``environ["QUERY_STRING"].encode("latin-1")``,
    under ASGI ``scope["query_string"]``. A str is taken as text already.

    :param qs: The query string, without the leading ``?``.
    :param max_fields: Refuse more fields than this.
    :param cls: The MultiDict class to return, e.g. ``ImmutableMultiDict``.
    :raises BadRequest: On invalid UTF-8 or more than *max_fields* fields.
    """
    text = _decode_bytes(qs, _QUERY_ERROR)
    lists = _parse_fields(text, max_fields, _query_too_many, _QUERY_ERROR)
    return (cls or MultiDict)._from_lists(lists)


def _query_too_many(limit: int) -> HTTPException:
    """Build the error for a query string with too many fields."""
    return BadRequest(f"The query string has more than {limit} fields.")


def _decode_bytes(data: str | bytes, error: str) -> str:
    """Decode raw query bytes as UTF-8, raising BadRequest with *error*."""
    if isinstance(data, str):
        return data
    if data.isascii():
        # PERF: ASCII decodes without validation work.
        return data.decode("ascii")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise BadRequest(error) from None


def _parse_fields(
    text: str,
    max_fields: int | None,
    too_many: Callable[[int], HTTPException],
    error: str,
) -> dict[str, list[str]]:
    """Split urlencoded *text* into a dict of value lists."""
    lists: dict[str, list[str]] = {}
    count = 0
    for field in text.split("&"):
        if not field:
            continue
        count += 1
        if max_fields is not None and count > max_fields:
            raise too_many(max_fields)
        key, _, value = field.partition("=")
        # PERF: skip the decoding calls when there is nothing to decode.
        if "+" in key or "%" in key:
            key = _unquote_form(key, error)
        if "+" in value or "%" in value:
            value = _unquote_form(value, error)
        values = lists.get(key)
        if values is None:
            lists[key] = [value]
        else:
            values.append(value)
    return lists


def _unquote_form(text: str, error: str) -> str:
    """Decode ``+`` and percent-escapes, raising BadRequest on bad UTF-8."""
    try:
        return urllib.parse.unquote(text.replace("+", " "), errors="strict")
    except UnicodeDecodeError:
        raise BadRequest(error) from None


def _iter_pairs(obj: Any) -> Iterator[tuple[Any, Any]]:
    """Yield ``(key, value)`` pairs from a MultiDict, mapping or pairs."""
    if isinstance(obj, MultiDict):
        yield from obj.items(multi=True)
    elif isinstance(obj, Mapping):
        for key, value in obj.items():
            if isinstance(value, (list, tuple)):
                for item in value:
                    yield key, item
            else:
                yield key, value
    else:
        yield from obj


def url_encode(
    obj: Mapping[Any, Any] | MultiDict[Any, Any] | Iterable[tuple[Any, Any]],
    *,
    sort: bool = False,
) -> str:
    """Encode data as a query string, e.g. ``a=1&b=x+y``.

    ``None`` values are skipped; list and tuple values repeat the key.

    :param obj: A MultiDict (all values), a mapping or ``(key, value)`` pairs.
    :param sort: Sort the fields by key (stable for repeated keys).
    """
    pairs = [(key, value) for key, value in _iter_pairs(obj) if value is not None]
    if sort:
        pairs.sort(key=lambda pair: str(pair[0]))
    return "&".join(
        f"{_quote_field(key)}={_quote_field(value)}" for key, value in pairs
    )


def _quote_field(value: Any) -> str:
    """Encode one query key or value with plus-encoding for spaces."""
    if not isinstance(value, (str, bytes)):
        value = str(value)
    return urllib.parse.quote_plus(value, safe=_QUERY_SAFE)


def quote(s: str | bytes, safe: str = "/:") -> str:
    """Percent-encode *s* as UTF-8, leaving ASCII letters, digits and *safe*.

    :param s: The text or bytes to encode.
    :param safe: Characters not to encode.
    """
    return urllib.parse.quote(s, safe=safe)


def quote_plus(s: str | bytes, safe: str = "") -> str:
    """Percent-encode *s* for a form or query value, spaces becoming ``+``.

    :param s: The text or bytes to encode.
    :param safe: Characters not to encode.
    """
    return urllib.parse.quote_plus(s, safe=safe)


def unquote(s: str) -> str:
    """Decode percent-escapes in *s*; invalid UTF-8 becomes U+FFFD.

    Use :func:`unquote_path` where invalid input must be a 400 error.

    :param s: The text to decode.
    """
    return urllib.parse.unquote(s)


def unquote_plus(s: str) -> str:
    """Decode a form or query value: ``+`` is a space, then percent-escapes.

    :param s: The text to decode.
    """
    return urllib.parse.unquote_plus(s)


# Characters left as they are in each part of a URI: the delimiters RFC 3986
# allows there, plus "%" so existing escapes are not encoded twice.
_PATH_SAFE = "/:@!$&'()*+,;=~%"
_QUERY_PART_SAFE = "/:@!$&'()*+,;=~%?[]"
_FRAGMENT_SAFE = _QUERY_PART_SAFE + "#"
_USERINFO_SAFE = "!$&'()*+,;=~%:"


def iri_to_uri(iri: str) -> str:
    """Convert an IRI (URL with non-ASCII text) to an ASCII URI.

    The host is IDNA-encoded and the other parts are percent-encoded as
    UTF-8; existing escapes and URL delimiters are kept. A URL that does not
    split into parts (an unclosed ``[`` of an IPv6 host) is percent-encoded
    as a whole. Used for ``Location`` headers, which must be ASCII. Never
    raises.

    :param iri: The IRI, e.g. ``http://ä.example/ü?q=ö``.
    """
    try:
        parts = urllib.parse.urlsplit(iri)
    except ValueError:
        # redirect() passes user-influenced URLs here: a 500 would be worse
        # than a Location the client cannot follow.
        return urllib.parse.quote(iri, safe=_FRAGMENT_SAFE + "[]")
    netloc = _encode_netloc(parts.netloc)
    path = urllib.parse.quote(parts.path, safe=_PATH_SAFE)
    query = urllib.parse.quote(parts.query, safe=_QUERY_PART_SAFE)
    fragment = urllib.parse.quote(parts.fragment, safe=_FRAGMENT_SAFE)
    return urllib.parse.urlunsplit((parts.scheme, netloc, path, query, fragment))


def _encode_netloc(netloc: str) -> str:
    """Encode the user info and host of a URL authority for ASCII."""
    if netloc.isascii():
        return netloc
    userinfo, at, hostport = netloc.rpartition("@")
    if at:
        userinfo = urllib.parse.quote(userinfo, safe=_USERINFO_SAFE) + "@"
    host, colon, port = hostport, "", ""
    if not hostport.endswith("]"):
        host, colon, port = hostport.rpartition(":")
        if not colon or not port.isdigit():
            host, colon, port = hostport, "", ""
    if not host.isascii():
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError:
            # Not a valid IDN: percent-encoding still gives an ASCII URI.
            host = urllib.parse.quote(host, safe="[]:")
    return f"{userinfo}{host}{colon}{port}"
