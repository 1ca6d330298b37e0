"""A response as a WSGI application, and its body's lifecycle, mixed into Response.

The adapters send a response themselves; these methods are for code that
uses a response as Werkzeug's is used: calling it as a WSGI app, wrapping
another WSGI app's answer, freezing it for a cache, or running functions
once its body has been sent (:meth:`ResponseWSGI.call_on_close`).
"""

from __future__ import annotations

from collections.abc import AsyncIterable, AsyncIterator, Callable, Iterable, Iterator
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self
from urllib.parse import urljoin

from ._internal import lazy
from .http.headers import Headers
from .http.urls import iri_to_uri

if TYPE_CHECKING:
    pass

# Fields a 304 must not repeat (RFC 9110 15.4.5); Werkzeug keeps the same two.
_ENTITY_HEADERS = frozenset(
    {
        "allow",
        "content-encoding",
        "content-language",
        "content-length",
        "content-md5",
        "content-range",
        "content-type",
        "last-modified",
    }
)


class ResponseWSGI:
    """The WSGI and body-lifecycle part of Werkzeug's Response API."""

    #: Let :meth:`get_data` and friends buffer a streamed body when needed.
    implicit_sequence_conversion = True
    #: Keep Content-Length in step with a buffered body.
    automatically_set_content_length = True
    #: Make a relative Location absolute in :meth:`get_wsgi_headers`.
    autocorrect_location_header = False
    _on_close: list[Callable[[], Any]] = []  # noqa: RUF012 - never mutated

    if TYPE_CHECKING:
        response: Any
        headers: Headers
        direct_passthrough: bool
        status: str
        status_code: int

        def iter_encoded(self) -> Iterator[bytes]: ...
        def add_etag(self, overwrite: bool = False, weak: bool = False) -> None: ...
        def set_data(self, value: str | bytes | bytearray | memoryview) -> None: ...

    # -- after the body is sent ------------------------------------------------

    def call_on_close(self, func: Callable[[], Any]) -> Callable[[], Any]:
        """Run ``func`` when the response is closed, after its body is sent.

        Usable as a decorator. The server closes the body once it has sent
        it, under WSGI and ASGI alike.

        :param func: called with no arguments.
        """
        if not self._on_close:
            self._on_close = []
        self._on_close.append(func)
        self._close_with_body()
        return func

    def _close_with_body(self) -> None:
        """Wrap the body so that closing it (the servers do) closes the response."""
        body = self.response
        if isinstance(body, (_ClosingList, _ClosingBody, _AsyncClosingBody)):
            return
        if isinstance(body, list):
            self.response = _ClosingList(body, self)
        elif isinstance(body, AsyncIterator):
            self.response = _AsyncClosingBody(body, self)
        else:
            self.response = _ClosingBody(body, self)

    def close(self) -> None:
        """Close the body, then run the :meth:`call_on_close` functions once."""
        body = self.response
        if isinstance(body, (_ClosingBody, _AsyncClosingBody)):
            body = body.inner
        close = getattr(body, "close", None)
        if close is not None and not isinstance(body, _ClosingList):
            close()
        self._run_on_close()

    def _run_on_close(self) -> None:
        funcs, self._on_close = self._on_close, []
        for func in funcs:
            func()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # -- buffering -------------------------------------------------------------

    @property
    def is_sequence(self) -> bool:
        """Whether the body is buffered (a list or tuple of chunks)."""
        return isinstance(self.response, (list, tuple))

    def make_sequence(self) -> None:
        """Buffer a streamed body; its ``close`` then runs on :meth:`close`."""
        if self.is_sequence:
            return
        if isinstance(self.response, AsyncIterable):
            raise RuntimeError(
                "An async body cannot be buffered synchronously; use the"
                " test client, which runs the app and collects it."
            )
        close = getattr(self.response, "close", None)
        self.response = list(self.iter_encoded())
        if close is not None:
            self.call_on_close(close)

    def _ensure_sequence(self) -> None:
        if self.is_sequence:
            return
        if self.direct_passthrough:
            raise RuntimeError(
                "The response is in direct passthrough mode, so its body"
                " cannot be buffered; call make_sequence() if you must."
            )
        if not self.implicit_sequence_conversion:
            raise RuntimeError(
                "The body must be buffered, but implicit_sequence_conversion"
                " is off; call make_sequence() first."
            )
        self.make_sequence()

    def calculate_content_length(self) -> int | None:
        """Return the body's length, buffering it if allowed; else ``None``."""
        try:
            self._ensure_sequence()
        except RuntimeError:
            return None
        return sum(len(chunk) for chunk in self.iter_encoded())

    def freeze(self) -> None:
        """Buffer the body and set Content-Length and an ETag, for caching."""
        self.set_data(b"".join(self.iter_encoded()))
        self.headers["Content-Length"] = str(len(self.response[0]))
        self.add_etag()

    @lazy
    def stream(self) -> ResponseStream:
        """A write-only file over the body: ``response.stream.write(b"...")``."""
        return ResponseStream(self)

    # -- as a WSGI application -------------------------------------------------

    @classmethod
    def force_type(cls, response: Any, environ: dict[str, Any] | None = None) -> Any:
        """Make ``response`` an instance of this class (in place if a Response).

        :param response: a kolben response, or a WSGI application.
        :param environ: the environ to run a WSGI application with.
        """
        if not isinstance(response, ResponseWSGI):
            if environ is None:
                raise TypeError(
                    "A WSGI application can only become a response when it is"
                    " run: pass the WSGI environ as force_type(app, environ)."
                )
            response = cls.from_app(response, environ)
        response.__class__ = cls
        return response

    @classmethod
    def from_app(
        cls,
        app: Callable[..., Iterable[bytes]],
        environ: dict[str, Any],
        buffered: bool = False,
    ) -> Any:
        """Run a WSGI application and return its answer as a response.

        :param app: the WSGI application.
        :param environ: the environ to call it with.
        :param buffered: read the whole body now (and close the app's iterable).
        """
        body, status, headers = _run_wsgi_app(app, environ, buffered)
        return cls(body, status, headers)  # type: ignore[call-arg]

    def get_wsgi_headers(self, environ: dict[str, Any]) -> Headers:
        """Return the headers to send for ``environ``, fixed up as WSGI needs.

        Location and Content-Location become URIs (absolute if
        :attr:`autocorrect_location_header`); a 1xx or 204 loses its
        Content-Length, a 304 its entity fields.

        :param environ: the WSGI environment of the request.
        """
        headers = Headers(self.headers)
        location = headers.get("Location")
        if location is not None:
            location = iri_to_uri(location)
            if self.autocorrect_location_header:
                location = urljoin(iri_to_uri(_current_url(environ)), location)
            headers["Location"] = location
        content_location = headers.get("Content-Location")
        if content_location is not None:
            headers["Content-Location"] = iri_to_uri(content_location)
        status = self.status_code
        if 100 <= status < 200 or status == 204:
            headers.pop("Content-Length", None)
        elif status == 304:
            for name in {name.lower() for name, _ in headers} & _ENTITY_HEADERS:
                headers.pop(name, None)
        if (
            self.automatically_set_content_length
            and self.is_sequence
            and "Content-Length" not in headers
            and status not in (204, 304)
            and not 100 <= status < 200
        ):
            headers["Content-Length"] = str(sum(len(c) for c in self.iter_encoded()))
        return headers

    def get_app_iter(self, environ: dict[str, Any]) -> Iterable[bytes]:
        """Return the body to send for ``environ``; closing it closes the response.

        :param environ: the WSGI environment of the request.
        """
        status = self.status_code
        if (
            environ.get("REQUEST_METHOD") == "HEAD"
            or 100 <= status < 200
            or status in (204, 304)
        ):
            return _ClosingBody((), self)
        if self.direct_passthrough:
            return self.response  # type: ignore[no-any-return]
        return _ClosingBody(self.iter_encoded(), self)

    def get_wsgi_response(
        self, environ: dict[str, Any]
    ) -> tuple[Iterable[bytes], str, list[tuple[str, str]]]:
        """Return ``(app_iter, status, headers)`` for ``environ``.

        :param environ: the WSGI environment of the request.
        """
        headers = self.get_wsgi_headers(environ)
        return self.get_app_iter(environ), self.status, headers.to_wsgi_list()

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        """Answer a WSGI request with this response."""
        app_iter, status, headers = self.get_wsgi_response(environ)
        start_response(status, headers)
        return app_iter


class ResponseStream:
    """A write-only file that appends to a response's body.

    :param response: the response to write to.
    """

    mode = "wb+"
    encoding = "utf-8"

    def __init__(self, response: ResponseWSGI) -> None:
        self.response = response
        self.closed = False

    def _check_open(self) -> None:
        if self.closed:
            raise ValueError("I/O operation on closed file.")

    def write(self, value: bytes) -> int:
        """Append ``value`` to the body and return its length.

        :param value: the bytes to add.
        """
        self._check_open()
        response = self.response
        response._ensure_sequence()
        if not isinstance(response.response, list):
            response.response = list(response.response)
        response.response.append(value)
        response.headers["Content-Length"] = str(
            sum(len(chunk) for chunk in response.iter_encoded())
        )
        return len(value)

    def writelines(self, seq: Iterable[bytes]) -> None:
        """Write each item of ``seq``.

        :param seq: the chunks.
        """
        for item in seq:
            self.write(item)

    def tell(self) -> int:
        """Return the body's length so far."""
        self.response._ensure_sequence()
        return sum(len(chunk) for chunk in self.response.iter_encoded())

    def flush(self) -> None:
        """Do nothing; the body is in memory."""
        self._check_open()

    def isatty(self) -> bool:
        """Return False: a response is not a terminal."""
        self._check_open()
        return False

    def close(self) -> None:
        """Stop further writes."""
        self.closed = True


class _ClosingList(list[bytes]):
    """A buffered body whose ``close`` (the servers call it) closes the response.

    PERF: a list subclass, so only responses with close callbacks leave the
    adapters' fast path (which takes exactly ``list``).
    """

    def __init__(self, chunks: Iterable[bytes], owner: ResponseWSGI) -> None:
        super().__init__(chunks)
        self.owner = owner

    def close(self) -> None:
        self.owner.close()


class _ClosingBody:
    """A streamed body whose ``close`` closes it and then the response."""

    def __init__(self, inner: Iterable[Any], owner: ResponseWSGI) -> None:
        self.inner = inner
        self.owner = owner

    def __iter__(self) -> Iterator[Any]:
        return iter(self.inner)

    def close(self) -> None:
        self.owner.close()


class _AsyncClosingBody:
    """An async body whose ``aclose`` closes it and then the response."""

    def __init__(self, inner: AsyncIterator[Any], owner: ResponseWSGI) -> None:
        self.inner = inner
        self.owner = owner

    def __aiter__(self) -> _AsyncClosingBody:
        return self

    async def __anext__(self) -> Any:
        return await self.inner.__anext__()

    async def aclose(self) -> None:
        aclose = getattr(self.inner, "aclose", None)
        if aclose is not None:
            await aclose()
        self.owner._run_on_close()

    def close(self) -> None:
        self.owner._run_on_close()


AsyncIterator.register(_AsyncClosingBody)


def _current_url(environ: dict[str, Any]) -> str:
    """Return the request URL, without the query string, from ``environ``."""
    host = environ.get("HTTP_HOST")
    if not host:
        name = environ.get("SERVER_NAME", "localhost")
        host = f"{name}:{environ.get('SERVER_PORT', '80')}"
    scheme = environ.get("wsgi.url_scheme", "http")
    path = environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "")
    path = path.encode("latin-1").decode("utf-8", "replace")
    return f"{scheme}://{host}{path}"


def _run_wsgi_app(
    app: Callable[..., Iterable[bytes]], environ: dict[str, Any], buffered: bool
) -> tuple[Any, str, list[tuple[str, str]]]:
    """Call a WSGI app and return its body, status and headers."""
    started: list[Any] = []
    written: list[bytes] = []

    def start_response(
        status: str, headers: list[tuple[str, str]], exc_info: Any = None
    ) -> Callable[[bytes], None]:
        started[:] = [status, headers]
        return written.append

    app_iter = app(environ, start_response)
    iterator = iter(app_iter)
    # An app may call start_response when its first chunk is asked for.
    while not started:
        try:
            written.append(next(iterator))
        except StopIteration:
            break
    if not started:
        raise RuntimeError("The WSGI application never called start_response().")
    if buffered:
        try:
            written.extend(iterator)
        finally:
            close = getattr(app_iter, "close", None)
            if close is not None:
                close()
        return written, started[0], started[1]
    return _Chained(written, iterator, app_iter), started[0], started[1]


class _Chained:
    """The chunks already produced, then the rest; closing closes the app's."""

    def __init__(self, head: list[bytes], rest: Iterator[bytes], app_iter: Any) -> None:
        self._head = head
        self._rest = rest
        self._app_iter = app_iter

    def __iter__(self) -> Iterator[bytes]:
        yield from self._head
        yield from self._rest

    def close(self) -> None:
        close = getattr(self._app_iter, "close", None)
        if close is not None:
            close()


__all__ = ["ResponseStream", "ResponseWSGI"]
