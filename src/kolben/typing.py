"""Type aliases for the functions and values a kolben app is made of.

Flask's ``flask.typing`` under kolben's name: annotate views, hooks and error
handlers with these, and kolben's own decorators keep the type of what they
decorate (they are generic over these callables).

Example::

    from kolben.typing import ResponseReturnValue

    @app.get("/")
    def index() -> ResponseReturnValue:
        return {"ok": True}, 200
"""

from __future__ import annotations

from collections.abc import (
    AsyncIterable,
    Awaitable,
    Callable,
    Iterable,
    Iterator,
    Mapping,
    Sequence,
)
from typing import TYPE_CHECKING, Any, Union

if TYPE_CHECKING:  # pragma: no cover - type checkers only
    from _typeshed.wsgi import WSGIApplication

    from .http.headers import Headers
    from .response import Response

__all__ = [
    "AfterRequestCallable",
    "AppOrBlueprintKey",
    "BeforeFirstRequestCallable",
    "BeforeRequestCallable",
    "ErrorHandlerCallable",
    "HeaderValue",
    "HeadersValue",
    "ResponseClass",
    "ResponseReturnValue",
    "ResponseValue",
    "RouteCallable",
    "ShellContextProcessorCallable",
    "StatusCode",
    "TeardownCallable",
    "TemplateContextProcessorCallable",
    "TemplateFilterCallable",
    "TemplateGlobalCallable",
    "TemplateTestCallable",
    "URLDefaultCallable",
    "URLValuePreprocessorCallable",
]

#: What a view may return as a body: a response, text, bytes, JSON data or
#: an iterable (streamed; async iterables under either protocol).
ResponseValue = Union[  # noqa: UP007 - a string forward reference needs Union
    "Response",
    str,
    bytes,
    list[Any],
    Mapping[str, Any],
    Iterator[str],
    Iterator[bytes],
    Iterable[str],
    Iterable[bytes],
    AsyncIterable[str],
    AsyncIterable[bytes],
]

#: One header value: a string, or a list of strings for a repeated header.
HeaderValue = str | list[str] | tuple[str, ...]

#: The headers a view may return beside its body.
HeadersValue = Union[  # noqa: UP007 - a string forward reference needs Union
    "Headers",
    Mapping[str, HeaderValue],
    Sequence[tuple[str, HeaderValue]],
]

#: A status: a number, or a full status line such as ``"404 NOT FOUND"``.
StatusCode = int | str

#: Everything a view, error handler or ``make_response`` accepts: a body,
#: optionally with a status, headers, or both, or a WSGI application.
ResponseReturnValue = Union[  # noqa: UP007 - a string forward reference
    ResponseValue,
    tuple[ResponseValue, HeadersValue],
    tuple[ResponseValue, StatusCode],
    tuple[ResponseValue, StatusCode, HeadersValue],
    "WSGIApplication",
]

#: The response class of an app or blueprint.
ResponseClass = type["Response"]

#: ``None`` for the app itself, else a blueprint's dotted name.
AppOrBlueprintKey = str | None

AfterRequestCallable = Callable[[Any], Any] | Callable[[Any], Awaitable[Any]]
BeforeFirstRequestCallable = Callable[[], None] | Callable[[], Awaitable[None]]
BeforeRequestCallable = (
    Callable[[], ResponseReturnValue | None]
    | Callable[[], Awaitable[ResponseReturnValue | None]]
)
ShellContextProcessorCallable = Callable[[], dict[str, Any]]
TeardownCallable = (
    Callable[[BaseException | None], None]
    | Callable[[BaseException | None], Awaitable[None]]
)
TemplateContextProcessorCallable = (
    Callable[[], dict[str, Any]] | Callable[[], Awaitable[dict[str, Any]]]
)
TemplateFilterCallable = Callable[..., Any]
TemplateGlobalCallable = Callable[..., Any]
TemplateTestCallable = Callable[..., bool]
URLDefaultCallable = Callable[[str, dict[str, Any]], None]
URLValuePreprocessorCallable = Callable[[str | None, dict[str, Any] | None], None]
#: An error handler takes the exception; the parameter is ``Any`` so that a
#: handler annotated with a narrower exception type is accepted too.
ErrorHandlerCallable = (
    Callable[[Any], ResponseReturnValue]
    | Callable[[Any], Awaitable[ResponseReturnValue]]
)
RouteCallable = (
    Callable[..., ResponseReturnValue] | Callable[..., Awaitable[ResponseReturnValue]]
)
