"""A summary of the request for the debug page that never raises."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeVar
from urllib.parse import unquote_plus

from ._saferepr import REDACTED, is_secret_name, safe_str, scrub, truncate

if TYPE_CHECKING:
    from ..request import Request

_T = TypeVar("_T")

# SECURITY: these headers carry credentials whatever their value looks like.
_SECRET_HEADERS = frozenset(
    {"cookie", "set-cookie", "authorization", "proxy-authorization"}
)

# Longest header or query value shown; the page is for reading, not replay.
_MAX_FIELD_CHARS = 1000


@dataclass(frozen=True, slots=True)
class RequestSummary:
    """What the debug page shows about the request that failed.

    Form values are never kept, only their keys; credentials are redacted.
    A part that could not be read (a malformed body, say) is empty and its
    reason is in ``unavailable``.

    :param method: The HTTP method.
    :param url: The full URL, secret-looking query values redacted.
    :param remote_addr: The client's address.
    :param headers: ``(name, value)`` pairs, credentials redacted.
    :param args: Query ``(name, value)`` pairs, secret-looking ones redacted.
    :param form_keys: The names of the form fields, without their values.
    :param files: ``(field name, file name)`` pairs of uploaded files.
    :param cookie_names: The names of the cookies, without their values.
    :param unavailable: Part name to the reason it could not be read.
    """

    method: str
    url: str
    remote_addr: str
    headers: tuple[tuple[str, str], ...] = ()
    args: tuple[tuple[str, str], ...] = ()
    form_keys: tuple[str, ...] = ()
    files: tuple[tuple[str, str], ...] = ()
    cookie_names: tuple[str, ...] = ()
    unavailable: dict[str, str] = field(default_factory=dict)


def summarize_request(request: Request) -> RequestSummary:
    """Read what the page shows from ``request``, catching every failure.

    :param request: The request being answered.
    """
    unavailable: dict[str, str] = {}

    def attempt(part: str, read: Callable[[], _T], default: _T) -> _T:
        try:
            return read()
        except Exception as e:
            unavailable[part] = _reason(e)
            return default

    return RequestSummary(
        method=attempt("method", lambda: safe_str(request.method), ""),
        url=attempt("url", lambda: _redacted_url(request), ""),
        remote_addr=attempt("remote_addr", lambda: str(request.remote_addr), ""),
        headers=attempt("headers", lambda: _headers(request), ()),
        args=attempt("args", lambda: _args(request), ()),
        form_keys=attempt("form", lambda: _form_keys(request), ()),
        files=attempt("files", lambda: _files(request), ()),
        cookie_names=attempt("cookies", lambda: _cookie_names(request), ()),
        unavailable=unavailable,
    )


def unavailable_text(reason: str) -> str:
    """Return how a part that could not be read is shown.

    :param reason: Why it could not be read.
    """
    return f"(unavailable: {reason})"


def _reason(error: Exception) -> str:
    """Describe why reading a part of the request failed."""
    return truncate(f"{type(error).__name__}: {safe_str(error)}", 300)


def _headers(request: Request) -> tuple[tuple[str, str], ...]:
    return tuple(
        (name, _field_value(name, value, name.lower() in _SECRET_HEADERS))
        for name, value in request.headers.items()
    )


def _args(request: Request) -> tuple[tuple[str, str], ...]:
    return tuple(
        (name, _field_value(name, value)) for name, value in request.args.items(True)
    )


def _form_keys(request: Request) -> tuple[str, ...]:
    # SECURITY: form values are never read into the report, only the keys.
    return tuple(dict.fromkeys(request.form.keys()))


def _files(request: Request) -> tuple[tuple[str, str], ...]:
    return tuple(
        (name, storage.filename or "") for name, storage in request.files.items(True)
    )


def _cookie_names(request: Request) -> tuple[str, ...]:
    return tuple(dict.fromkeys(request.cookies.keys()))


def _field_value(name: str, value: str, secret: bool = False) -> str:
    """Return a header or query value as shown, redacted if it is secret."""
    if secret or is_secret_name(name):
        return REDACTED
    # A Referer or Location may hold a URL with a token in its query.
    return truncate(scrub(value), _MAX_FIELD_CHARS)


def _redacted_url(request: Request) -> str:
    """Return the request URL with secret-looking query values redacted."""
    base, _, query = request.url.partition("?")
    if not query:
        return truncate(base, 2000)
    pieces = []
    for piece in query.split("&"):
        name = piece.partition("=")[0]
        secret = is_secret_name(unquote_plus(name))
        pieces.append(f"{name}={REDACTED}" if secret else piece)
    return truncate(f"{base}?{'&'.join(pieces)}", 2000)
