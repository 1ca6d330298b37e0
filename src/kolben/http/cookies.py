"""Parsing the ``Cookie`` request header and building ``Set-Cookie`` values."""

from __future__ import annotations

import re
import time
import urllib.parse
from datetime import date, datetime, timedelta
from typing import TypeVar, overload

from .dates import http_date
from .multidict import MultiDict

__all__ = ["CookieTooLarge", "dump_cookie", "parse_cookie"]

_M = TypeVar("_M", bound=MultiDict[str, str])

# RFC 6265 cookie-octet: printable ASCII except space, DQUOTE, comma,
# semicolon and backslash. Values made only of these are sent bare.
_COOKIE_OCTETS = frozenset(chr(c) for c in range(0x21, 0x7F) if chr(c) not in '",;\\')
# RFC 9110 token characters: what a cookie name may consist of.
_TOKEN_CHARS = frozenset(
    "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
)
_UNESCAPE_RE = re.compile(rb"\\([0-3][0-7][0-7]|.)", re.DOTALL)
_SAMESITE = {"strict": "Strict", "lax": "Lax", "none": "None"}
_PATH_SAFE = "/:@!$&'()*+,=~%"


@overload
def parse_cookie(
    header: str | bytes | None, cls: None = None
) -> MultiDict[str, str]: ...
@overload
def parse_cookie(header: str | bytes | None, cls: type[_M]) -> _M: ...
def parse_cookie(
    header: str | bytes | None, cls: type[MultiDict[str, str]] | None = None
) -> MultiDict[str, str]:
    r"""Parse a ``Cookie`` header into a MultiDict, tolerating any input.

    ``a=1; b="x y"; c`` gives ``a="1"``, ``b="x y"`` and ``c=""``. Quoted
    values are unquoted (``\"`` and octal escapes like ``\054``, decoded as
    UTF-8); pairs with an empty name or an unterminated quote are skipped.
    Never raises: a malformed cookie header must not become a 500.

    :param header: The header as raw bytes (decoded as UTF-8, invalid
        bytes replaced) or as text. Under WSGI and ASGI header strs hold the
        raw bytes as latin-1: pass ``value.encode("latin-1")`` so non-ASCII
        values decode correctly.
    :param cls: The MultiDict class to return, e.g. ``ImmutableMultiDict``.
    """
    lists: dict[str, list[str]] = {}
    if isinstance(header, bytes):
        header = header.decode("utf-8", "replace")
    if header:
        for item in header.split(";"):
            key, _, value = item.partition("=")
            key = key.strip()
            if not key:
                continue
            value = value.strip()
            if value[:1] == '"':
                unquoted = _unquote_cookie_value(value)
                if unquoted is None:
                    continue
                value = unquoted
            values = lists.get(key)
            if values is None:
                lists[key] = [value]
            else:
                values.append(value)
    return (cls or MultiDict)._from_lists(lists)


def _unquote_cookie_value(value: str) -> str | None:
    """Unquote a quoted cookie value; ``None`` if the quote is unterminated."""
    if len(value) < 2 or value[-1] != '"':
        return None
    inner = value[1:-1]
    trailing = len(inner) - len(inner.rstrip("\\"))
    if trailing % 2:
        # The closing quote is escaped, so the value never ends.
        return None
    if "\\" not in inner:
        return inner
    raw = inner.encode("utf-8", "surrogatepass")
    unescaped = _UNESCAPE_RE.sub(_unescape_match, raw)
    return unescaped.decode("utf-8", "replace")


def _unescape_match(match: re.Match[bytes]) -> bytes:
    """Replace one backslash escape with the byte it stands for."""
    escaped = match.group(1)
    if len(escaped) == 3:
        return bytes((int(escaped, 8),))
    return escaped


def _quote_cookie_value(value: str) -> str:
    r"""Return *value* bare if it is all cookie-octets, else quoted.

    Inside the quotes, ``"`` and ``\`` are backslash-escaped and every byte
    that is not printable ASCII, plus ``;`` and ``,``, is an octal escape of
    its UTF-8 encoding, so the header can never be split or extended.
    """
    if _COOKIE_OCTETS.issuperset(value):
        return value
    out = []
    for byte in value.encode("utf-8"):
        char = chr(byte)
        if char == '"' or char == "\\":
            out.append("\\" + char)
        elif 0x20 <= byte < 0x7F and char not in ";,":
            out.append(char)
        else:
            # SECURITY: CR, LF, ";" and non-ASCII never appear raw.
            out.append(f"\\{byte:03o}")
    return '"' + "".join(out) + '"'


def dump_cookie(
    key: str,
    value: str = "",
    max_age: int | timedelta | None = None,
    expires: str | datetime | date | int | float | None = None,
    path: str | None = "/",
    domain: str | None = None,
    secure: bool = False,
    httponly: bool = False,
    samesite: str | None = None,
    partitioned: bool = False,
    max_size: int = 4093,
) -> str:
    """Build a ``Set-Cookie`` header value.

    The value is quoted when it has characters outside the RFC 6265
    cookie-octets (see :func:`parse_cookie`, which reverses this).

    :param key: The cookie name; must be a non-empty RFC 9110 token.
    :param value: The cookie value; any text.
    :param max_age: Lifetime in seconds; also sets ``Expires`` if not given.
    :param expires: An expiry time, or a preformatted date string.
    :param path: Limit the cookie to this path; ``None`` for no attribute.
    :param domain: Send the cookie to this domain and its subdomains.
    :param secure: Send the cookie over HTTPS only.
    :param httponly: Hide the cookie from JavaScript.
    :param samesite: ``"Strict"``, ``"Lax"`` or ``"None"``, any case.
    :param partitioned: Use CHIPS partitioned storage; implies ``secure``.
    :param max_size: Refuse a header value longer than this many bytes;
        ``0`` disables the check.
    :raises ValueError: For an invalid name, attribute or samesite value.
    :raises CookieTooLarge: For a cookie over ``max_size`` bytes.
    """
    _check_key(key)
    parts = [f"{key}={_quote_cookie_value(value)}"]
    if domain:
        parts.append(f"Domain={_clean_domain(domain)}")
    parts.extend(_expiry_attributes(max_age, expires))
    if secure or partitioned:
        parts.append("Secure")
    if httponly:
        parts.append("HttpOnly")
    if path is not None:
        _refuse_separators("path", path)
        parts.append(f"Path={urllib.parse.quote(path, safe=_PATH_SAFE)}")
    if samesite is not None:
        parts.append(f"SameSite={_check_samesite(samesite)}")
    if partitioned:
        parts.append("Partitioned")
    header = "; ".join(parts)
    _check_size(key, header, max_size)
    return header


def _check_key(key: str) -> None:
    """Raise ValueError unless *key* is a valid cookie name."""
    # SECURITY: a name outside the token alphabet could end the pair early.
    if not key or not _TOKEN_CHARS.issuperset(key):
        raise ValueError(
            f"Invalid cookie name {key!r}: use letters, digits and"
            " !#$%&'*+-.^_`|~ only."
        )


class CookieTooLarge(ValueError):
    """A ``Set-Cookie`` value is larger than browsers keep.

    Browsers silently drop such a cookie, and with it whatever the app
    stored there, so building one is an error rather than a warning.

    :param key: The cookie's name.
    :param size: The header value's size in bytes.
    :param max_size: The limit it exceeded.
    """

    def __init__(self, key: str, size: int, max_size: int) -> None:
        """Take the cookie's name, its size and the size browsers keep."""
        self.key = key
        self.size = size
        self.max_size = max_size
        super().__init__(
            f"The cookie {key!r} is {size} bytes, over the limit of {max_size}"
            " bytes (MAX_COOKIE_SIZE); browsers would drop it. Store less data"
            " in the cookie."
        )


def _check_size(key: str, header: str, max_size: int) -> None:
    """Raise CookieTooLarge if a Set-Cookie value is over *max_size* bytes."""
    size = len(header.encode("utf-8"))
    if max_size and size > max_size:
        raise CookieTooLarge(key, size, max_size)


def _expiry_attributes(
    max_age: int | timedelta | None,
    expires: str | datetime | date | int | float | None,
) -> list[str]:
    """Return the ``Expires`` and ``Max-Age`` attributes for a cookie."""
    attributes = []
    if isinstance(max_age, timedelta):
        max_age = int(max_age.total_seconds())
    if expires is None and max_age is not None:
        # Max-Age alone is ignored by some old clients; Expires backs it up.
        expires = time.time() + max_age
    if isinstance(expires, str):
        _refuse_separators("expires", expires)
        attributes.append(f"Expires={expires}")
    elif expires is not None:
        attributes.append(f"Expires={http_date(expires)}")
    if max_age is not None:
        attributes.append(f"Max-Age={int(max_age)}")
    return attributes


def _refuse_separators(name: str, value: str) -> None:
    """Raise ValueError if an attribute value could inject attributes."""
    # SECURITY: ";" would start a new attribute, CR/LF a new header.
    if ";" in value or "\r" in value or "\n" in value or "\0" in value:
        raise ValueError(
            f"The cookie {name} must not contain ';', CR, LF or NUL: {value!r}."
        )


def _clean_domain(domain: str) -> str:
    """Validate a cookie domain and return it ASCII, without a leading dot."""
    _refuse_separators("domain", domain)
    if any(char.isspace() or char in ',"\\' for char in domain):
        raise ValueError(f"Invalid cookie domain {domain!r}.")
    domain = domain.lstrip(".")
    if not domain.isascii():
        try:
            domain = domain.encode("idna").decode("ascii")
        except UnicodeError:
            raise ValueError(f"Invalid cookie domain {domain!r}.") from None
    return domain


def _check_samesite(samesite: str) -> str:
    """Return the canonical SameSite value, or raise ValueError."""
    canonical = _SAMESITE.get(samesite.lower())
    if canonical is None:
        raise ValueError(
            f"Invalid samesite value {samesite!r}: use 'Strict', 'Lax' or 'None'."
        )
    return canonical
