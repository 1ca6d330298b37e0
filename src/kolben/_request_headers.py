"""The request attributes parsed from its headers, mixed into Request.

Each one is parsed on first access and kept, as Werkzeug's are; none is
touched on the request path unless the app asks for it.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from ._header_property import header_property
from ._internal import lazy
from .http.accept import (
    Accept,
    CharsetAccept,
    LanguageAccept,
    MIMEAccept,
    parse_accept_header,
)
from .http.auth import Authorization
from .http.cache_control import RequestCacheControl, parse_cache_control_header
from .http.dates import parse_date
from .http.etag import ETags, parse_etags
from .http.header_set import HeaderSet, parse_set_header
from .http.range import IfRange, Range, parse_if_range_header, parse_range_header
from .http.useragent import UserAgent

if TYPE_CHECKING:
    from .http.headers import Headers


class RequestHeaderAttributes:
    """The request headers Flask presents as parsed attributes."""

    #: The class of :attr:`user_agent`; set a subclass to parse it further.
    user_agent_class: type[UserAgent] = UserAgent

    if TYPE_CHECKING:

        @property
        def headers(self) -> Headers:
            """The request headers; Request provides them."""

    @lazy
    def authorization(self) -> Authorization | None:
        """The parsed Authorization header (Basic, Bearer or other)."""
        return Authorization.from_header(self.headers.get("Authorization"))

    @lazy
    def accept_mimetypes(self) -> MIMEAccept:
        """The parsed Accept header."""
        return parse_accept_header(self.headers.get("Accept"), MIMEAccept)

    @lazy
    def accept_languages(self) -> LanguageAccept:
        """The parsed Accept-Language header."""
        return parse_accept_header(self.headers.get("Accept-Language"), LanguageAccept)

    @lazy
    def accept_charsets(self) -> CharsetAccept:
        """The parsed Accept-Charset header."""
        return parse_accept_header(self.headers.get("Accept-Charset"), CharsetAccept)

    @lazy
    def accept_encodings(self) -> Accept:
        """The parsed Accept-Encoding header (``gzip``, ``br``, ...)."""
        return parse_accept_header(self.headers.get("Accept-Encoding"))

    @lazy
    def cache_control(self) -> RequestCacheControl:
        """The parsed Cache-Control header."""
        return parse_cache_control_header(
            self.headers.get("Cache-Control"), cls=RequestCacheControl
        )

    @lazy
    def pragma(self) -> HeaderSet:
        """The Pragma header's directives (``no-cache``, for HTTP/1.0 caches)."""
        return parse_set_header(self.headers.get("Pragma", ""))

    @lazy
    def range(self) -> Range | None:
        """The parsed Range header."""
        return parse_range_header(self.headers.get("Range"))

    @lazy
    def if_range(self) -> IfRange:
        """The parsed If-Range header: an entity tag, a date, or neither."""
        return parse_if_range_header(self.headers.get("If-Range"))

    @lazy
    def if_match(self) -> ETags:
        """The entity tags of the If-Match header."""
        return parse_etags(self.headers.get("If-Match"))

    @lazy
    def if_none_match(self) -> ETags:
        """The entity tags of the If-None-Match header."""
        return parse_etags(self.headers.get("If-None-Match"))

    @lazy
    def if_modified_since(self) -> datetime | None:
        """The If-Modified-Since header as an aware datetime."""
        return parse_date(self.headers.get("If-Modified-Since"))

    @lazy
    def if_unmodified_since(self) -> datetime | None:
        """The If-Unmodified-Since header as an aware datetime."""
        return parse_date(self.headers.get("If-Unmodified-Since"))

    @lazy
    def user_agent(self) -> UserAgent:
        """The User-Agent header, as :attr:`user_agent_class`."""
        return self.user_agent_class(self.headers.get("User-Agent", ""))

    date = header_property[datetime | None](
        "Date",
        load_func=parse_date,
        read_only=True,
        doc="The Date header, when the client sent the request.",
    )
    max_forwards = header_property[int | None](
        "Max-Forwards",
        load_func=int,
        read_only=True,
        doc="The Max-Forwards header as an int (for TRACE and OPTIONS).",
    )
    referrer = header_property[str | None](
        "Referer", read_only=True, doc="The Referer header."
    )
    origin = header_property[str | None](
        "Origin", read_only=True, doc="The Origin header."
    )
    content_encoding = header_property[str | None](
        "Content-Encoding",
        read_only=True,
        doc="The Content-Encoding header: the codings applied to the body.",
    )
    content_md5 = header_property[str | None](
        "Content-MD5", read_only=True, doc="The Content-MD5 header (RFC 1864)."
    )
    access_control_request_headers = header_property[HeaderSet | None](
        "Access-Control-Request-Headers",
        load_func=parse_set_header,
        read_only=True,
        doc="The headers a CORS preflight asks to send.",
    )
    access_control_request_method = header_property[str | None](
        "Access-Control-Request-Method",
        read_only=True,
        doc="The method a CORS preflight asks to use.",
    )


__all__ = ["RequestHeaderAttributes"]
