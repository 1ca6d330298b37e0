"""The response attributes that read and write its headers, mixed into Response.

Each is a plain property over :attr:`Response.headers`: reading parses the
header, assigning writes it, and ``None`` or ``del`` removes it. Nothing
here runs unless the app uses the attribute.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

from ._header_property import header_property
from ._internal import lazy
from .http.auth import WWWAuthenticate
from .http.cache_control import ResponseCacheControl, parse_cache_control_header
from .http.dates import dump_age, http_date, parse_age, parse_date
from .http.header_set import HeaderSet, dump_header, parse_set_header
from .http.headers import Headers
from .http.policy import COEP, COOP, ContentSecurityPolicy, parse_csp_header
from .http.range import ContentRange, parse_content_range_header


def _set_property(name: str, doc: str) -> Any:
    """Return a property reading header ``name`` as a live HeaderSet."""

    def fget(self: ResponseHeaderAttributes) -> HeaderSet:
        def on_update(header_set: HeaderSet) -> None:
            if header_set:
                self.headers[name] = header_set.to_header()
            else:
                self.headers.pop(name, None)

        return parse_set_header(self.headers.get(name), on_update)

    def fset(self: ResponseHeaderAttributes, value: str | Iterable[str] | None) -> None:
        if not value:
            self.headers.pop(name, None)
        elif isinstance(value, str):
            self.headers[name] = value
        else:
            self.headers[name] = dump_header(value)

    def fdel(self: ResponseHeaderAttributes) -> None:
        self.headers.pop(name, None)

    return property(fget, fset, fdel, doc)


def _csp_property(name: str, doc: str) -> Any:
    """Return a property reading header ``name`` as a live policy."""

    def fget(self: ResponseHeaderAttributes) -> ContentSecurityPolicy:
        def on_update(csp: ContentSecurityPolicy) -> None:
            if csp:
                self.headers[name] = csp.to_header()
            else:
                self.headers.pop(name, None)

        return parse_csp_header(self.headers.get(name), on_update)

    def fset(
        self: ResponseHeaderAttributes, value: ContentSecurityPolicy | str | None
    ) -> None:
        if not value:
            self.headers.pop(name, None)
        else:
            self.headers[name] = value if isinstance(value, str) else value.to_header()

    def fdel(self: ResponseHeaderAttributes) -> None:
        self.headers.pop(name, None)

    return property(fget, fset, fdel, doc)


def _parse_header_set(value: str) -> HeaderSet:
    return parse_set_header(value)


class ResponseHeaderAttributes:
    """The response headers Flask presents as typed, writable attributes."""

    #: The fields themselves, behind :attr:`headers`. PERF: the adapters and
    #: the constructor use it directly, past the property.
    _headers: Headers

    @property
    def headers(self) -> Headers:
        """The response's header fields.

        An extension may assign a dict, a list of pairs or another library's
        headers or multidict (Flask-CORS does); it is converted to
        :class:`Headers`, repeated names included, so the response still
        sends.
        """
        return self._headers

    @headers.setter
    def headers(self, value: Any) -> None:
        self._headers = value if isinstance(value, Headers) else Headers(value)

    location = header_property[str | None](
        "Location", doc="The Location header: where a redirect sends the client."
    )
    age = header_property[timedelta | None](
        "Age",
        load_func=parse_age,
        dump_func=dump_age,
        doc="The Age header: how long a cache has held the response.",
    )
    content_location = header_property[str | None](
        "Content-Location", doc="The Content-Location header."
    )
    content_encoding = header_property[str | None](
        "Content-Encoding",
        doc="The Content-Encoding header: the codings applied to the body.",
    )
    content_md5 = header_property[str | None](
        "Content-MD5", doc="The Content-MD5 header (RFC 1864)."
    )
    date = header_property[datetime | None](
        "Date",
        load_func=parse_date,
        dump_func=http_date,
        doc="The Date header as an aware datetime.",
    )
    expires = header_property[datetime | None](
        "Expires",
        load_func=parse_date,
        dump_func=http_date,
        doc="The Expires header: when the response becomes stale.",
    )
    accept_ranges = header_property[str | None](
        "Accept-Ranges",
        doc='The Accept-Ranges header: one token, ``"bytes"`` or ``"none"``.',
    )
    vary = _set_property("Vary", "The Vary header's field names, as a HeaderSet.")
    content_language = _set_property(
        "Content-Language", "The Content-Language header's tags, as a HeaderSet."
    )
    allow = _set_property(
        "Allow", "The Allow header's methods, as a HeaderSet (a 405 needs one)."
    )
    content_security_policy = _csp_property(
        "Content-Security-Policy",
        "The Content-Security-Policy header; changes rewrite the header.",
    )
    content_security_policy_report_only = _csp_property(
        "Content-Security-Policy-Report-Only",
        "The Content-Security-Policy-Report-Only header, like the policy.",
    )
    access_control_allow_headers = header_property[HeaderSet | None](
        "Access-Control-Allow-Headers",
        load_func=_parse_header_set,
        dump_func=dump_header,
        doc="The headers a cross-origin request may send.",
    )
    access_control_allow_methods = header_property[HeaderSet | None](
        "Access-Control-Allow-Methods",
        load_func=_parse_header_set,
        dump_func=dump_header,
        doc="The methods a cross-origin request may use.",
    )
    access_control_allow_origin = header_property[str | None](
        "Access-Control-Allow-Origin",
        doc='The origin (or ``"*"``) that may read the response.',
    )
    access_control_expose_headers = header_property[HeaderSet | None](
        "Access-Control-Expose-Headers",
        load_func=_parse_header_set,
        dump_func=dump_header,
        doc="The headers the browser may show to cross-origin scripts.",
    )
    access_control_max_age = header_property[int | None](
        "Access-Control-Max-Age",
        load_func=int,
        dump_func=str,
        doc="How many seconds a preflight's answer may be cached.",
    )
    cross_origin_opener_policy = header_property[COOP](
        "Cross-Origin-Opener-Policy",
        default=COOP.UNSAFE_NONE,
        load_func=COOP,
        dump_func=lambda value: value.value,
        doc="The Cross-Origin-Opener-Policy header, a :class:`COOP`.",
    )
    cross_origin_embedder_policy = header_property[COEP](
        "Cross-Origin-Embedder-Policy",
        default=COEP.UNSAFE_NONE,
        load_func=COEP,
        dump_func=lambda value: value.value,
        doc="The Cross-Origin-Embedder-Policy header, a :class:`COEP`.",
    )

    @property
    def access_control_allow_credentials(self) -> bool:
        """Whether a cross-origin request may include credentials."""
        return "Access-Control-Allow-Credentials" in self.headers

    @access_control_allow_credentials.setter
    def access_control_allow_credentials(self, value: bool | None) -> None:
        if value is True:
            self.headers["Access-Control-Allow-Credentials"] = "true"
        else:
            self.headers.pop("Access-Control-Allow-Credentials", None)

    @property
    def last_modified(self) -> datetime | None:
        """The Last-Modified header as an aware datetime; assign one or a timestamp."""
        return parse_date(self.headers.get("Last-Modified"))

    @last_modified.setter
    def last_modified(self, value: datetime | int | float | None) -> None:
        if value is None:
            self.headers.pop("Last-Modified", None)
        else:
            self.headers["Last-Modified"] = http_date(value)

    @last_modified.deleter
    def last_modified(self) -> None:
        self.headers.pop("Last-Modified", None)

    @property
    def retry_after(self) -> datetime | None:
        """The Retry-After header as a datetime; assign a datetime or seconds."""
        value = self.headers.get("Retry-After")
        if value is None:
            return None
        try:
            seconds = int(value)
        except ValueError:
            return parse_date(value)
        return datetime.now(UTC) + timedelta(seconds=seconds)

    @retry_after.setter
    def retry_after(self, value: datetime | int | str | None) -> None:
        if value is None:
            self.headers.pop("Retry-After", None)
        elif isinstance(value, datetime):
            self.headers["Retry-After"] = http_date(value)
        else:
            self.headers["Retry-After"] = str(value)

    @retry_after.deleter
    def retry_after(self) -> None:
        self.headers.pop("Retry-After", None)

    @property
    def content_range(self) -> ContentRange:
        """The Content-Range header; an unset ContentRange when there is none.

        Changing the object rewrites the header; ``unset()`` removes it.
        """

        def on_update(rng: ContentRange) -> None:
            if rng:
                self.headers["Content-Range"] = rng.to_header()
            else:
                self.headers.pop("Content-Range", None)

        rv = parse_content_range_header(self.headers.get("Content-Range"), on_update)
        if rv is None:
            rv = ContentRange(None, None, None, on_update=on_update)
        return rv

    @content_range.setter
    def content_range(self, value: ContentRange | str | None) -> None:
        if not value:
            self.headers.pop("Content-Range", None)
        else:
            self.headers["Content-Range"] = (
                value if isinstance(value, str) else value.to_header()
            )

    @content_range.deleter
    def content_range(self) -> None:
        self.headers.pop("Content-Range", None)

    @property
    def www_authenticate(self) -> WWWAuthenticate:
        """The (first) WWW-Authenticate challenge; changes rewrite the header.

        Without the header this is an empty ``basic`` challenge, which is
        written once it is changed. Assign a list to send several.
        """
        value = WWWAuthenticate.from_header(self.headers.get("WWW-Authenticate"))
        if value is None:
            value = WWWAuthenticate("basic")
        value._on_update = self._set_www_authenticate
        return value

    @www_authenticate.setter
    def www_authenticate(
        self, value: WWWAuthenticate | list[WWWAuthenticate] | None
    ) -> None:
        if not value:
            self.headers.pop("WWW-Authenticate", None)
        elif isinstance(value, list):
            self.headers.setlist(
                "WWW-Authenticate", [item.to_header() for item in value]
            )
        else:
            self._set_www_authenticate(value)
            value._on_update = self._set_www_authenticate

    @www_authenticate.deleter
    def www_authenticate(self) -> None:
        self.headers.pop("WWW-Authenticate", None)

    def _set_www_authenticate(self, value: WWWAuthenticate) -> None:
        self.headers["WWW-Authenticate"] = value.to_header()

    @lazy
    def cache_control(self) -> ResponseCacheControl:
        """The Cache-Control header; changes are written back to the header."""

        def on_update(cc: ResponseCacheControl) -> None:
            value = cc.to_header()
            if value:
                self.headers["Cache-Control"] = value
            else:
                self.headers.pop("Cache-Control", None)

        return parse_cache_control_header(
            self.headers.get("Cache-Control"),
            on_update=on_update,
            cls=ResponseCacheControl,
        )


__all__ = ["ResponseHeaderAttributes"]
