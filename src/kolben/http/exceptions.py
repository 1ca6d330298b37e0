"""The HTTPException tree and ``abort``: errors that become HTTP responses."""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import Any, NoReturn

from .dates import http_date
from .status import HTTP_STATUS_CODES

__all__ = [
    "Aborter",
    "BadGateway",
    "BadRequest",
    "BadRequestKeyError",
    "Conflict",
    "ExpectationFailed",
    "FailedDependency",
    "Forbidden",
    "GatewayTimeout",
    "Gone",
    "HTTPException",
    "HTTPNotImplemented",
    "HTTPVersionNotSupported",
    "ImATeapot",
    "InternalServerError",
    "LengthRequired",
    "Locked",
    "MethodNotAllowed",
    "MisdirectedRequest",
    "NotAcceptable",
    "NotFound",
    "NotImplemented",
    "PreconditionFailed",
    "PreconditionRequired",
    "RangeNotSatisfiable",
    "RequestEntityTooLarge",
    "RequestHeaderFieldsTooLarge",
    "RequestTimeout",
    "SecurityError",
    "ServiceUnavailable",
    "TooManyRequests",
    "Unauthorized",
    "UnavailableForLegalReasons",
    "UnprocessableEntity",
    "UnsupportedMediaType",
    "URITooLong",
    "abort",
    "default_exceptions",
]

_HTML_CONTENT_TYPE = ("Content-Type", "text/html; charset=utf-8")


#: Makes an error's response; :mod:`kolben.response` sets it when imported,
#: since this sans-IO module may not import the response class itself.
_response_maker: Callable[[HTTPException], Any] | None = None


class HTTPException(Exception):
    """Base class for errors that the application turns into HTTP responses.

    Raise a subclass (``raise NotFound()``) or use :func:`abort`. When
    ``response`` is set, the app layer sends that instead of the HTML body.

    :param description: Replaces the class's default description.
    :param response: An object the app layer turns into the response as is.
    """

    code: int | None = None
    description: str | None = None

    def __init__(self, description: str | None = None, response: Any = None) -> None:
        """Take a description overriding the class's, and a ready response."""
        super().__init__()
        if description is not None:
            self.description = description
        self.response = response

    @property
    def name(self) -> str:
        """The reason phrase for ``code``, e.g. ``"Not Found"``."""
        if self.code is None:
            return "Unknown Error"
        return HTTP_STATUS_CODES.get(self.code, "Unknown Error")

    def get_description(self) -> str:
        """Return the description as an HTML-escaped ``<p>`` element."""
        # SECURITY: descriptions may echo user input; escape before embedding.
        text = html.escape(self.description or "")
        return f"<p>{text.replace(chr(10), '<br>')}</p>"

    def get_body(self) -> str:
        """Return the HTML error page for this exception."""
        return (
            "<!doctype html>\n<html lang=en>\n"
            f"<title>{self.code or '???'} {self.name}</title>\n"
            f"<h1>{self.name}</h1>\n"
            f"{self.get_description()}\n"
        )

    def get_headers(self) -> list[tuple[str, str]]:
        """Return the headers for the error response."""
        return [_HTML_CONTENT_TYPE]

    def get_response(self, environ: Any = None, scope: Any = None) -> Any:
        """Return the response this error answers with, as Werkzeug's does.

        Error handlers written for Flask start from it (Flask's docs show it
        for JSON errors). In an app, the app makes it: its response class,
        and ``response`` when the error carries one.

        :param environ: Accepted for Werkzeug's signature; unused.
        :param scope: Accepted for Werkzeug's signature; unused.
        """
        if _response_maker is None:
            raise RuntimeError("Import kolben.response before calling get_response.")
        return _response_maker(self)

    def __str__(self) -> str:
        """Return the status line and description."""
        code = self.code if self.code is not None else "???"
        return f"{code} {self.name}: {self.description}"

    def __repr__(self) -> str:
        """Return a representation for debugging."""
        code = self.code if self.code is not None else "???"
        return f"<{type(self).__name__} '{code}: {self.name}'>"


class BadRequest(HTTPException):
    """400: the server cannot understand the request."""

    code = 400
    description = (
        "The browser (or proxy) sent a request that this server could not understand."
    )


class BadRequestKeyError(BadRequest, KeyError):
    """400 raised when a key is missing from request data such as a form.

    It is also a ``KeyError``, so ``except KeyError`` keeps working. The
    response names the key only when :attr:`show_exception` is set, which
    the app does in debug mode.

    :param key: The missing key.
    """

    #: Add ``KeyError: 'x'`` to the description; the app sets it in debug.
    show_exception: bool = False

    def __init__(self, key: Any = None, *args: Any, **kwargs: Any) -> None:
        """Take the missing key; other arguments go to :class:`BadRequest`."""
        super().__init__(*args, **kwargs)
        self.key = key
        self.args = () if key is None else (key,)

    @property
    def description(self) -> str:
        """The description; in debug mode it names the missing key."""
        text = self._description
        if text is None:
            text = BadRequest.description or ""
        # SECURITY: outside debug mode the client learns nothing of the
        # app's field names, as in Flask.
        if self.show_exception and self.key is not None:
            return f"{text}\nKeyError: {self.key!r}"
        return text

    @description.setter
    def description(self, value: str | None) -> None:
        self._description = value

    _description: str | None = None


class SecurityError(BadRequest):
    """400 raised when a request was refused for security reasons."""


class Unauthorized(HTTPException):
    """401: the request needs credentials, or the ones given were refused.

    :param description: Replaces the default description.
    :param response: An object the app layer sends as the response.
    :param www_authenticate: One challenge or a list; each becomes a
        ``WWW-Authenticate`` header (objects with ``to_header()`` or strings).
    """

    code = 401
    description = (
        "The server could not verify that you are authorized to access the"
        " requested URL. Either the credentials you supplied are wrong or your"
        " browser does not know how to send them."
    )

    def __init__(
        self,
        description: str | None = None,
        response: Any = None,
        www_authenticate: Any = None,
    ) -> None:
        """Take the description, response and ``WWW-Authenticate`` challenges."""
        super().__init__(description, response)
        if www_authenticate is None:
            challenges: list[Any] = []
        elif isinstance(www_authenticate, (list, tuple)):
            challenges = list(www_authenticate)
        else:
            challenges = [www_authenticate]
        self.www_authenticate = challenges

    def get_headers(self) -> list[tuple[str, str]]:
        """Return the headers, with one ``WWW-Authenticate`` per challenge."""
        headers = super().get_headers()
        for challenge in self.www_authenticate:
            to_header = getattr(challenge, "to_header", None)
            value = to_header() if callable(to_header) else str(challenge)
            headers.append(("WWW-Authenticate", value))
        return headers


class Forbidden(HTTPException):
    """403: the client may not access the resource."""

    code = 403
    description = (
        "You do not have permission to access the requested resource. It is"
        " either read-protected or not readable by the server."
    )


class NotFound(HTTPException):
    """404: nothing matches the requested URL."""

    code = 404
    description = (
        "The requested URL was not found on this server. If you typed the URL"
        " by hand, please check the spelling and try again."
    )


class MethodNotAllowed(HTTPException):
    """405: the URL exists but does not accept the request's method.

    :param valid_methods: Methods the URL accepts; sent in the ``Allow`` header.
    :param description: Replaces the default description.
    :param response: An object the app layer sends as the response.
    """

    code = 405
    description = "The method is not allowed for the requested URL."

    def __init__(
        self,
        valid_methods: Iterable[str] | None = None,
        description: str | None = None,
        response: Any = None,
    ) -> None:
        """Take the methods the URL accepts, for the ``Allow`` header."""
        super().__init__(description, response)
        self.valid_methods = None if valid_methods is None else list(valid_methods)

    def get_headers(self) -> list[tuple[str, str]]:
        """Return the headers, with ``Allow`` when methods are known."""
        headers = super().get_headers()
        if self.valid_methods:
            headers.append(("Allow", ", ".join(sorted(self.valid_methods))))
        return headers


class NotAcceptable(HTTPException):
    """406: no representation matches the request's ``Accept`` headers."""

    code = 406
    description = (
        "The resource cannot produce a response in any of the formats the"
        " request's Accept headers allow."
    )


class RequestTimeout(HTTPException):
    """408: the client took too long to send the request."""

    code = 408
    description = "The server closed the connection because the request took too long."


class Conflict(HTTPException):
    """409: the request conflicts with the current state of the resource."""

    code = 409
    description = "The request conflicts with the current state of the target resource."


class Gone(HTTPException):
    """410: the resource existed but has been removed for good."""

    code = 410
    description = (
        "The requested URL is no longer available on this server and there is"
        " no forwarding address."
    )


class LengthRequired(HTTPException):
    """411: the request needs a ``Content-Length`` header."""

    code = 411
    description = "A request with this method requires a valid Content-Length header."


class PreconditionFailed(HTTPException):
    """412: a conditional request header did not match."""

    code = 412
    description = "A precondition given in the request headers evaluated to false."


class RequestEntityTooLarge(HTTPException):
    """413: the request body is larger than the server accepts."""

    code = 413
    description = "The data sent with the request is larger than the limit."


class URITooLong(HTTPException):
    """414: the request URL is longer than the server accepts."""

    code = 414
    description = "The URL of the request is too long for the server to process."


class UnsupportedMediaType(HTTPException):
    """415: the server cannot process the request body's media type."""

    code = 415
    description = "The server does not support the media type of the request's body."


class RangeNotSatisfiable(HTTPException):
    """416: none of the requested ranges lies within the resource.

    :param length: The resource's length, sent as ``Content-Range: bytes */N``.
    :param units: The range unit for ``Content-Range``.
    :param description: Replaces the default description.
    :param response: An object the app layer sends as the response.
    """

    code = 416
    description = "The requested range cannot be served for this resource."

    def __init__(
        self,
        length: int | None = None,
        units: str = "bytes",
        description: str | None = None,
        response: Any = None,
    ) -> None:
        """Take the resource's length and range unit, for ``Content-Range``."""
        super().__init__(description, response)
        self.length = length
        self.units = units

    def get_headers(self) -> list[tuple[str, str]]:
        """Return the headers, with ``Content-Range`` when the length is known."""
        headers = super().get_headers()
        if self.length is not None:
            headers.append(("Content-Range", f"{self.units} */{self.length}"))
        return headers


class ExpectationFailed(HTTPException):
    """417: the server cannot meet the request's ``Expect`` header."""

    code = 417
    description = "The server cannot meet the requirements of the Expect header."


class ImATeapot(HTTPException):
    """418: the server refuses to brew coffee because it is a teapot."""

    code = 418
    description = "This server is a teapot, not a coffee machine."


class MisdirectedRequest(HTTPException):
    """421: the request reached a server that cannot answer for its origin."""

    code = 421
    description = "The server cannot produce a response for this request's origin."


class UnprocessableEntity(HTTPException):
    """422: the body is well-formed but its content is invalid."""

    code = 422
    description = "The request was well-formed but its content could not be processed."


class Locked(HTTPException):
    """423: the resource is locked."""

    code = 423
    description = "The resource that is being accessed is locked."


class FailedDependency(HTTPException):
    """424: the request depended on another request that failed."""

    code = 424
    description = (
        "The request could not be performed because it depended on another"
        " request that failed."
    )


class PreconditionRequired(HTTPException):
    """428: the server requires the request to be conditional."""

    code = 428
    description = (
        "This request must be conditional: send an If-Match or"
        " If-Unmodified-Since header."
    )


class _RetryAfterMixin(HTTPException):
    """Adds an optional ``Retry-After`` header to an exception.

    :param description: Replaces the default description.
    :param response: An object the app layer sends as the response.
    :param retry_after: Seconds to wait, or the time after which to retry.
    """

    def __init__(
        self,
        description: str | None = None,
        response: Any = None,
        retry_after: datetime | int | None = None,
    ) -> None:
        super().__init__(description, response)
        self.retry_after = retry_after

    def get_headers(self) -> list[tuple[str, str]]:
        """Return the headers, with ``Retry-After`` when it is set."""
        headers = super().get_headers()
        if isinstance(self.retry_after, datetime):
            headers.append(("Retry-After", http_date(self.retry_after)))
        elif self.retry_after is not None:
            headers.append(("Retry-After", str(int(self.retry_after))))
        return headers


class TooManyRequests(_RetryAfterMixin):
    """429: the client sent too many requests; it may retry later."""

    code = 429
    description = "This user has exceeded the allowed request rate. Try again later."


class RequestHeaderFieldsTooLarge(HTTPException):
    """431: one or all request header fields are too large."""

    code = 431
    description = "One or more of the request's header fields are too large."


class UnavailableForLegalReasons(HTTPException):
    """451: the resource is withheld for legal reasons."""

    code = 451
    description = "The resource is unavailable for legal reasons."


class InternalServerError(HTTPException):
    """500: the server failed while handling the request.

    :param description: Replaces the default description.
    :param response: An object the app layer sends as the response.
    :param original_exception: The unhandled exception that caused this one.
    """

    code = 500
    description = (
        "The server encountered an internal error and was unable to complete"
        " your request. Either the server is overloaded or there is an error in"
        " the application."
    )

    def __init__(
        self,
        description: str | None = None,
        response: Any = None,
        original_exception: BaseException | None = None,
    ) -> None:
        """Take the description, response and the exception that caused it."""
        super().__init__(description, response)
        self.original_exception = original_exception


class NotImplemented(HTTPException):  # Shadows the builtin, as in Werkzeug.
    """501: the server does not support the requested functionality."""

    code = 501
    description = "The server does not support the action requested by the browser."


HTTPNotImplemented = NotImplemented


class BadGateway(HTTPException):
    """502: an upstream server sent an invalid response."""

    code = 502
    description = (
        "The proxy server received an invalid response from an upstream server."
    )


class ServiceUnavailable(_RetryAfterMixin):
    """503: the server is temporarily unable to handle the request."""

    code = 503
    description = (
        "The server is temporarily unable to service your request, due to"
        " maintenance downtime or capacity problems. Please try again later."
    )


class GatewayTimeout(HTTPException):
    """504: an upstream server did not answer in time."""

    code = 504
    description = "The connection to an upstream server timed out."


class HTTPVersionNotSupported(HTTPException):
    """505: the server does not support the request's HTTP version."""

    code = 505
    description = "The server does not support the HTTP version of the request."


default_exceptions: dict[int, type[HTTPException]] = {
    cls.code: cls
    for cls in (
        BadRequest,
        Unauthorized,
        Forbidden,
        NotFound,
        MethodNotAllowed,
        NotAcceptable,
        RequestTimeout,
        Conflict,
        Gone,
        LengthRequired,
        PreconditionFailed,
        RequestEntityTooLarge,
        URITooLong,
        UnsupportedMediaType,
        RangeNotSatisfiable,
        ExpectationFailed,
        ImATeapot,
        MisdirectedRequest,
        UnprocessableEntity,
        Locked,
        FailedDependency,
        PreconditionRequired,
        TooManyRequests,
        RequestHeaderFieldsTooLarge,
        UnavailableForLegalReasons,
        InternalServerError,
        NotImplemented,
        BadGateway,
        ServiceUnavailable,
        GatewayTimeout,
        HTTPVersionNotSupported,
    )
    if cls.code is not None
}


class Aborter:
    """Raise the HTTPException registered for a status code.

    :param mapping: Code to exception class; defaults to
        ``default_exceptions``.
    :param extra: More codes, added to (or overriding) ``mapping``.
    """

    def __init__(
        self,
        mapping: Mapping[int, type[HTTPException]] | None = None,
        extra: Mapping[int, type[HTTPException]] | None = None,
    ) -> None:
        """Take a status-to-exception mapping and extra codes to add to it."""
        self.mapping: dict[int, type[HTTPException]] = dict(
            default_exceptions if mapping is None else mapping
        )
        if extra is not None:
            self.mapping.update(extra)

    def __call__(self, code: int | Any, *args: Any, **kwargs: Any) -> NoReturn:
        """Raise the exception for *code*, or wrap a response object.

        :param code: A status code, or a response object to send as is.
        :param args: Passed to the exception class.
        :param kwargs: Passed to the exception class.
        :raises LookupError: If no exception is registered for the code.
        """
        if not args and not kwargs and not isinstance(code, int):
            raise HTTPException(response=code)
        try:
            cls = self.mapping[code]
        except (KeyError, TypeError):
            raise LookupError(f"no exception for {code!r}") from None
        raise cls(*args, **kwargs)


_aborter = Aborter()


def abort(status: int | Any, *args: Any, **kwargs: Any) -> NoReturn:
    """Raise the HTTPException for a status code, or for a response object.

    ``abort(404)`` raises :class:`NotFound`; ``abort(response)`` raises an
    HTTPException carrying ``response`` for the app layer to send.

    :param status: A status code or a response object.
    :param args: Passed to the exception class.
    :param kwargs: Passed to the exception class.
    :raises LookupError: If no exception is registered for the code.
    """
    _aborter(status, *args, **kwargs)
