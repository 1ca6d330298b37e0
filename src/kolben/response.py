"""The outgoing response, and its streaming form.

A :class:`Response` holds a status, :class:`~kolben.http.Headers` and a body. A
buffered body is a one-item list of bytes; any other iterable (sync or async) is
streamed by the protocol adapter as it is produced.
"""

from __future__ import annotations

from collections.abc import AsyncIterable, Iterable, Iterator
from datetime import datetime, timedelta
from typing import Any

from . import json as _json
from ._response_headers import ResponseHeaderAttributes
from ._response_wsgi import ResponseWSGI
from .globals import _cv_app
from .http import exceptions as _exceptions
from .http._callback import CallbackDict
from .http.cookies import dump_cookie
from .http.dates import http_date
from .http.etag import generate_etag, is_resource_modified, quote_etag, unquote_etag
from .http.exceptions import HTTPException, RangeNotSatisfiable
from .http.headers import Headers, dump_options_header, parse_options_header
from .http.range import parse_range_header
from .http.status import _STATUS_LINES, HTTP_STATUS_CODES, status_line

#: The Content-Length fields of short bodies, made once: ``_LENGTH_FIELDS[n]``.
_SHORT = 4096
_LENGTH_FIELDS = [("Content-Length", str(n)) for n in range(_SHORT)]
_TEXT_TYPES = ("text/", "application/xml", "application/javascript")
# Statuses that never carry a body (RFC 9110).
_NO_BODY = frozenset({204, 304}) | frozenset(range(100, 200))
_content_types: dict[str, str] = {}
_BODY_TYPES = (str, bytes, bytearray, memoryview)
_new_headers = object.__new__


def _content_type(mimetype: str) -> str:
    """Return the Content-Type for ``mimetype``, with a charset for text.

    PERF: responses reuse a handful of mimetypes, so each one is worked out
    and validated once.
    """
    ct = _content_types.get(mimetype)
    if ct is None:
        ct = mimetype
        if mimetype.startswith(_TEXT_TYPES) and "charset" not in mimetype:
            ct = f"{mimetype}; charset=utf-8"
        # SECURITY: it goes into a header unchecked from now on.
        if "\r" in ct or "\n" in ct or "\0" in ct:
            raise ValueError("Header values must not contain newline characters.")
        if len(_content_types) < 256:
            _content_types[mimetype] = ct
    return ct


class Response(ResponseHeaderAttributes, ResponseWSGI):
    """An HTTP response.

    :param response: the body: str, bytes, or an iterable (sync or async) of
        str or bytes to stream.
    :param status: a status code (``404``) or line (``"404 NOT FOUND"``).
    :param headers: a :class:`Headers`, a dict or a list of pairs.
    :param mimetype: the media type; ``charset=utf-8`` is added for text.
    :param content_type: the full Content-Type, used as given.
    :param direct_passthrough: send the iterable as is, unbuffered.
    """

    default_status = 200
    default_mimetype: str | None = "text/html"
    # PERF: the defaults live on the class, so the common case sets nothing.
    _status_code = 200
    _status = status_line(200)
    direct_passthrough = False
    #: The largest Set-Cookie value outside an app context; see the property.
    default_max_cookie_size = 4093
    #: The body: a list of bytes when buffered, else the iterable to stream.
    response: Any
    #: Decodes :meth:`get_json`; set a module with ``loads`` to change it.
    json_module: Any = _json

    def __init__(
        self,
        response: Any = None,
        status: int | str | None = None,
        headers: Any = None,
        mimetype: str | None = None,
        content_type: str | None = None,
        direct_passthrough: bool = False,
    ) -> None:
        """Take the body, status, headers and content type."""
        if headers is not None or content_type is not None:
            self._init_with_headers(
                response, status, headers, mimetype, content_type, direct_passthrough
            )
            return
        # PERF: the common case, inlined: every field is one kolben makes, so
        # the list needs no checking.
        if not mimetype:
            mimetype = self.default_mimetype
        fields = (
            [("Content-Type", _content_types.get(mimetype) or _content_type(mimetype))]
            if mimetype
            else []
        )
        # PERF: past the property's setter; the Headers is kolben's own.
        self._headers = h = _new_headers(Headers)
        h._list = fields
        if status is not None:
            if type(status) is int and status in _STATUS_LINES:
                self._status_code = status
                self._status = _STATUS_LINES[status]
            else:
                self.status = status
        t = type(response)
        if t is str:
            body = response.encode()
        elif t is bytes:
            body = response
        else:
            body = self._other_body(response, direct_passthrough)
            if body is None:
                return
        self.response = [body]
        size = len(body)
        # PERF: most bodies are short, and their field is made once.
        fields.append(
            _LENGTH_FIELDS[size] if size < _SHORT else ("Content-Length", str(size))
        )

    def _other_body(self, response: Any, direct_passthrough: bool) -> bytes | None:
        """Return a str or bytes-like body as bytes; else keep it and return None."""
        if direct_passthrough:
            self.direct_passthrough = True
        if response is None:
            self.response = []
            return None
        if isinstance(response, str):
            return response.encode()
        if isinstance(response, (bytes, bytearray, memoryview)):
            return bytes(response)
        self.response = response
        return None

    def _init_with_headers(
        self,
        response: Any,
        status: int | str | None,
        headers: Any,
        mimetype: str | None,
        content_type: str | None,
        direct_passthrough: bool,
    ) -> None:
        self.headers = headers
        if content_type is None:
            if mimetype is None and "Content-Type" not in self.headers:
                mimetype = self.default_mimetype
            if mimetype is not None:
                self.headers["Content-Type"] = _content_type(mimetype)
        else:
            self.headers["Content-Type"] = content_type
        if status is not None:
            self.status = status
        if direct_passthrough:
            self.direct_passthrough = True
        if response is None:
            self.response = []
        elif isinstance(response, _BODY_TYPES):
            self.set_data(response)
        else:
            self.response = response

    def __init_subclass__(cls, **kwargs: Any) -> None:
        """Set the subclass's status from its ``default_status``."""
        super().__init_subclass__(**kwargs)
        cls._status_code = cls.default_status
        cls._status = status_line(cls.default_status)

    # -- status ----------------------------------------------------------------

    @property
    def status_code(self) -> int:
        """The status as an int."""
        return self._status_code

    @status_code.setter
    def status_code(self, code: int) -> None:
        self._status_code = code
        self._status = status_line(code)

    @property
    def status(self) -> str:
        """The status line, ``"200 OK"``; assign an int or a string."""
        return self._status

    @status.setter
    def status(self, value: int | str) -> None:
        if isinstance(value, int):
            self.status_code = value
            return
        value = value.strip()
        if not value:
            raise ValueError("Empty status argument")
        code, _, reason = value.partition(" ")
        if not code.isdigit():
            raise ValueError(f"The status {value!r} does not start with a code.")
        self._status_code = int(code)
        if reason:
            self._status = value
        else:
            self._status = status_line(self._status_code)

    # -- body ------------------------------------------------------------------

    @property
    def is_streamed(self) -> bool:
        """Whether the body is an iterable produced as it is sent."""
        return not isinstance(self.response, (list, tuple))

    def get_data(self, as_text: bool = False) -> Any:
        """Return the body; a streamed body is consumed and buffered.

        :param as_text: decode as UTF-8.
        """
        if self.is_streamed:
            if isinstance(self.response, AsyncIterable):
                raise RuntimeError(
                    "An async body cannot be read synchronously; use the"
                    " test client, which runs the app and collects it."
                )
            self.set_data(b"".join(_encode_iter(self.response)))
        data = b"".join(_encode_iter(self.response))
        return data.decode() if as_text else data

    def set_data(self, value: str | bytes | bytearray | memoryview) -> None:
        """Replace the body and set Content-Length.

        :param value: the new body.
        """
        if isinstance(value, str):
            value = value.encode()
        else:
            value = bytes(value)
        self.response = [value]
        if self._on_close:
            self._close_with_body()
        if self.automatically_set_content_length:
            # PERF: a name and a number need no checking for CR or LF.
            self.headers._replace(("Content-Length", str(len(value))))

    data = property(get_data, set_data, doc="The body as bytes.")

    @property
    def text(self) -> str:
        """The body decoded as UTF-8."""
        return self.get_data(as_text=True)  # type: ignore[no-any-return]

    def iter_encoded(self) -> Iterator[bytes]:
        """Iterate the body as bytes."""
        return _encode_iter(self.response)

    def get_json(self, force: bool = False, silent: bool = False) -> Any:
        """Parse the body as JSON (used by tests and API clients).

        :param force: parse even if the mimetype is not JSON.
        :param silent: return ``None`` instead of raising on failure.
        """
        from .json.provider import loads

        if not (force or self.is_json):
            if silent:
                return None
            raise ValueError(f"The response mimetype is {self.mimetype!r}, not JSON.")
        try:
            if self.json_module is not _json:
                return self.json_module.loads(self.get_data())
            return loads(self.get_data())
        except ValueError:
            if silent:
                return None
            raise

    @property
    def json(self) -> Any:
        """The body parsed as JSON."""
        return self.get_json()

    @property
    def is_json(self) -> bool:
        """Whether the mimetype is JSON."""
        mt = self.mimetype or ""
        return mt == "application/json" or (
            mt.startswith("application/") and mt.endswith("+json")
        )

    # -- common headers --------------------------------------------------------

    @property
    def mimetype(self) -> str | None:
        """The media type, lower-case, without parameters."""
        ct = self.headers.get("Content-Type")
        return ct.split(";", 1)[0].strip().lower() if ct else None

    @mimetype.setter
    def mimetype(self, value: str) -> None:
        self.headers["Content-Type"] = _content_type(value)

    @property
    def mimetype_params(self) -> dict[str, str]:
        """The Content-Type parameters; changes rewrite the header."""

        def on_update(params: dict[str, str]) -> None:
            self.headers["Content-Type"] = dump_options_header(self.mimetype, params)

        params = parse_options_header(self.headers.get("Content-Type"))[1]
        return CallbackDict(params, on_update)

    @property
    def content_type(self) -> str | None:
        """The Content-Type header; ``None`` removes it."""
        return self.headers.get("Content-Type")

    @content_type.setter
    def content_type(self, value: str | None) -> None:
        if value is None:
            self.headers.pop("Content-Type", None)
        else:
            self.headers["Content-Type"] = value

    @property
    def content_length(self) -> int | None:
        """The Content-Length header as an int; ``None`` removes it."""
        value = self.headers.get("Content-Length")
        return int(value) if value and value.isascii() and value.isdigit() else None

    @content_length.setter
    def content_length(self, value: int | None) -> None:
        if value is None:
            self.headers.pop("Content-Length", None)
        else:
            self.headers["Content-Length"] = str(value)

    # -- cookies ---------------------------------------------------------------

    @property
    def max_cookie_size(self) -> int:
        """The largest ``Set-Cookie`` value ``set_cookie`` accepts.

        The current app's ``MAX_COOKIE_SIZE`` (4093, what browsers keep);
        outside an app context, :attr:`default_max_cookie_size`. ``0``
        turns the check off, and oversized cookies are then sent as they
        are, as Flask sends them.
        """
        # Flask's Response reads the current app too; globals holds only the
        # context variable at run time, so this adds no import cycle.
        ctx = _cv_app.get(None)
        if ctx is not None:
            return int(ctx.app.config["MAX_COOKIE_SIZE"])
        return self.default_max_cookie_size

    def set_cookie(
        self,
        key: str,
        value: str = "",
        max_age: int | timedelta | None = None,
        expires: str | datetime | int | float | None = None,
        path: str | None = "/",
        domain: str | None = None,
        secure: bool = False,
        httponly: bool = False,
        samesite: str | None = None,
        partitioned: bool = False,
    ) -> None:
        """Add a Set-Cookie header.

        :param key: the cookie name.
        :param value: the cookie value.
        :param max_age: seconds (or a timedelta) until it expires.
        :param expires: when it expires; set from ``max_age`` if not given.
        :param path: limit the cookie to this path.
        :param domain: share the cookie with this domain and its subdomains.
        :param secure: send only over HTTPS.
        :param httponly: hide from JavaScript.
        :param samesite: ``"Strict"``, ``"Lax"`` or ``"None"``.
        :param partitioned: opt in to partitioned (CHIPS) storage.
        :raises CookieTooLarge: the cookie is larger than
            :attr:`max_cookie_size`; browsers would drop it, and with it
            what it holds.
        """
        self.headers.add(
            "Set-Cookie",
            dump_cookie(
                key,
                value,
                max_age=max_age,
                expires=expires,
                path=path,
                domain=domain,
                secure=secure,
                httponly=httponly,
                samesite=samesite,
                partitioned=partitioned,
                max_size=self.max_cookie_size,
            ),
        )

    def delete_cookie(
        self,
        key: str,
        path: str | None = "/",
        domain: str | None = None,
        secure: bool = False,
        httponly: bool = False,
        samesite: str | None = None,
        partitioned: bool = False,
    ) -> None:
        """Tell the client to forget a cookie (same path and domain as set).

        :param key: the cookie name.
        """
        self.set_cookie(
            key,
            expires=0,
            max_age=0,
            path=path,
            domain=domain,
            secure=secure,
            httponly=httponly,
            samesite=samesite,
            partitioned=partitioned,
        )

    # -- conditional responses -------------------------------------------------

    def add_etag(self, overwrite: bool = False, weak: bool = False) -> None:
        """Set an ETag computed from the body, unless one is set.

        :param overwrite: replace an existing ETag.
        :param weak: mark it weak.
        """
        if overwrite or "ETag" not in self.headers:
            self.set_etag(generate_etag(self.get_data()), weak)

    def set_etag(self, etag: str, weak: bool = False) -> None:
        """Set the ETag header.

        :param etag: the tag, unquoted.
        :param weak: mark it weak.
        """
        self.headers["ETag"] = quote_etag(etag, weak)

    def get_etag(self) -> tuple[str | None, bool]:
        """Return the ETag and whether it is weak."""
        return unquote_etag(self.headers.get("ETag"))

    def make_conditional(
        self,
        request_or_environ: Any,
        accept_ranges: bool = False,
        complete_length: int | None = None,
    ) -> Response:
        """Answer 304 or 206 when the request's conditions allow it.

        :param request_or_environ: the request, or a WSGI environ.
        :param accept_ranges: honour a Range header on a buffered body.
        :param complete_length: the full length when the body is already a range.
        :raises RangeNotSatisfiable: the requested range is outside the body.
        """
        request = request_or_environ
        if isinstance(request, dict):
            from .request import Request

            request = Request(request)
        if request.method not in ("GET", "HEAD"):
            return self
        if "Date" not in self.headers:
            self.headers["Date"] = http_date()
        if accept_ranges:
            self.headers["Accept-Ranges"] = "bytes"
            self._apply_range(request, complete_length)
        h = request.headers
        etag = self.headers.get("ETag")
        if not is_resource_modified(
            request.method,
            if_none_match=h.get("If-None-Match"),
            if_modified_since=h.get("If-Modified-Since"),
            etag=unquote_etag(etag)[0] if etag else None,
            last_modified=self.last_modified,
        ):
            self.status_code = 304
        return self

    def _apply_range(self, request: Any, complete_length: int | None) -> None:
        rng = parse_range_header(request.headers.get("Range"))
        if rng is None or self.is_streamed or self.status_code != 200:
            return
        data = b"".join(self.response)
        length = complete_length if complete_length is not None else len(data)
        span = rng.range_for_length(length)
        if span is None:
            raise RangeNotSatisfiable(length=length)
        start, stop = span
        self.response = [data[start:stop]]
        if self._on_close:
            self._close_with_body()
        self.headers["Content-Length"] = str(stop - start)
        self.headers["Content-Range"] = f"bytes {start}-{stop - 1}/{length}"
        self.status_code = 206

    def __repr__(self) -> str:
        """Return the status and content type for debugging."""
        body = "streamed" if self.is_streamed else f"{self.content_length} bytes"
        return f"<{type(self).__name__} {body} [{self.status}]>"


def _encode_iter(iterable: Iterable[Any]) -> Iterator[bytes]:
    for item in iterable:
        yield item.encode() if isinstance(item, str) else bytes(item)


def status_phrase(code: int) -> str:
    """Return the reason phrase for ``code`` (``"Not Found"``)."""
    return HTTP_STATUS_CODES.get(code, "Unknown")


__all__ = ["Response", "status_phrase", "_NO_BODY"]


def _error_response(error: HTTPException) -> Response:
    """Make the response of an HTTP error: the current app's, else a plain one."""
    ctx = _cv_app.get(None)
    if ctx is not None:
        return ctx.app.make_response(error)
    if error.response is not None:
        return error.response  # type: ignore[no-any-return]
    return Response(error.get_body(), error.code, error.get_headers())


_exceptions._response_maker = _error_response
