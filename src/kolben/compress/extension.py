"""``Compress(app)``: Flask-Compress's extension on kolben's responses."""

from __future__ import annotations

import functools
import inspect
from collections.abc import AsyncIterable, AsyncIterator, Callable, Iterable, Iterator
from typing import Any, TypeVar

from ..ctx import after_this_request
from ..globals import current_app, request
from ..helpers import make_response
from . import _codecs

F = TypeVar("F", bound=Callable[..., Any])

DEFAULT_MIMETYPES = [
    "text/html",
    "text/css",
    "text/plain",
    "text/xml",
    "text/x-component",
    "text/javascript",
    "application/x-javascript",
    "application/javascript",
    "application/json",
    "application/manifest+json",
    "application/vnd.api+json",
    "application/xml",
    "application/xhtml+xml",
    "application/rss+xml",
    "application/atom+xml",
    "application/vnd.ms-fontobject",
    "application/x-font-ttf",
    "application/x-font-opentype",
    "application/x-font-truetype",
    "image/svg+xml",
    "image/x-icon",
    "image/vnd.microsoft.icon",
    "font/ttf",
    "font/eot",
    "font/otf",
    "font/opentype",
]
#: Flask-Compress's settings and defaults.
DEFAULTS: dict[str, Any] = {
    "COMPRESS_MIMETYPES": DEFAULT_MIMETYPES,
    "COMPRESS_LEVEL": 6,
    "COMPRESS_BR_LEVEL": 4,
    "COMPRESS_BR_MODE": 0,
    "COMPRESS_BR_WINDOW": 22,
    "COMPRESS_BR_BLOCK": 0,
    "COMPRESS_ZSTD_LEVEL": 3,
    "COMPRESS_DEFLATE_LEVEL": -1,
    "COMPRESS_MIN_SIZE": 500,
    "COMPRESS_CACHE_KEY": None,
    "COMPRESS_CACHE_BACKEND": None,
    "COMPRESS_REGISTER": True,
    "COMPRESS_STREAMS": True,
    "COMPRESS_EVALUATE_CONDITIONAL_REQUEST": True,
    "COMPRESS_STREAMING_ENDPOINT_CONDITIONAL": ["static"],
    "COMPRESS_ALGORITHM": ["zstd", "br", "gzip", "deflate"],
    "COMPRESS_ALGORITHM_STREAMING": ["zstd", "br", "deflate"],
}


def _codings(value: str | Iterable[str], explicit: bool) -> tuple[str, ...]:
    """Return the codings a setting names, those of missing libraries left out.

    :param explicit: the app set it; a coding whose library is missing is
        then an error naming the extra, rather than skipped.
    """
    names = value.split(",") if isinstance(value, str) else list(value)
    codings = []
    for name in (n.strip() for n in names):
        if explicit:
            _codecs.require(name)
        elif not _codecs.available(name):
            continue
        codings.append(name)
    return tuple(codings)


def _add_vary(headers: Any) -> None:
    vary = headers.get("Vary")
    if not vary:
        headers["Vary"] = "Accept-Encoding"
    elif "accept-encoding" not in {v.strip().lower() for v in vary.split(",")}:
        headers["Vary"] = f"{vary}, Accept-Encoding"


class Compress:
    """Compress responses by the client's ``Accept-Encoding``: Flask-Compress.

    Example::

        compress = Compress(app)

    or, with ``COMPRESS_REGISTER = False``, only some views::

        @app.get("/report")
        @compress.compressed()
        def report():
            ...

    gzip and deflate need nothing more; br needs ``pip install
    kolben[brotli]`` and zstd ``pip install kolben[zstd]``.

    :param app: the app, or ``None`` to call :meth:`init_app` later.
    """

    def __init__(self, app: Any = None) -> None:
        """Take the app, or call :meth:`init_app` later."""
        self.app = app
        if app is not None:
            self.init_app(app)

    def init_app(self, app: Any) -> None:
        """Read the ``COMPRESS_*`` settings and register the hook on ``app``.

        :raises ImportError: ``COMPRESS_ALGORITHM`` names br or zstd and
            its library is not installed.
        """
        config = app.config
        explicit = {key for key in DEFAULTS if key in config}
        for key, value in DEFAULTS.items():
            config.setdefault(key, value)
        backend = config["COMPRESS_CACHE_BACKEND"]
        self.cache = backend() if backend else None
        self.cache_key = config["COMPRESS_CACHE_KEY"]
        self.compress_mimetypes_set = set(config["COMPRESS_MIMETYPES"])
        self.enabled_algorithms = _codings(
            config["COMPRESS_ALGORITHM"], "COMPRESS_ALGORITHM" in explicit
        )
        self.streaming_algorithms = _codings(
            config["COMPRESS_ALGORITHM_STREAMING"],
            "COMPRESS_ALGORITHM_STREAMING" in explicit,
        )
        self.streaming_endpoint_with_conditional = set(
            config["COMPRESS_STREAMING_ENDPOINT_CONDITIONAL"]
        )
        app.extensions["compress"] = self
        if config["COMPRESS_REGISTER"] and config["COMPRESS_MIMETYPES"]:
            # PERF: deliberately not nonblocking. Compressing a 100 kB body
            # takes about a millisecond of CPU (bench/compress.py), twenty
            # times a thread-pool hop; zlib, brotli and zstandard release the
            # GIL while they work. In the pool, the event loop goes on
            # serving other requests meanwhile; on the loop it would stall
            # them all. A sync view's request runs in the pool anyway, in one
            # hop, so only async views pay the hop.
            app.after_request(self.after_request)

    def _skip(self, response: Any) -> bool:
        """Return whether ``response`` must go out as it is."""
        status = response.status_code
        headers = response.headers
        return (
            request.method == "HEAD"
            or not 200 <= status < 300
            or status in (204, 206)
            or "Content-Encoding" in headers
            or "Content-Range" in headers
            or "Range" in request.headers
            or response.mimetype not in self.compress_mimetypes_set
            or "no-transform" in headers.get("Cache-Control", "").lower()
        )

    def after_request(self, response: Any) -> Any:
        """Compress ``response`` if the client, its type and its size allow."""
        if response is None:
            return make_response("", 204)
        config = current_app.config
        _add_vary(response.headers)
        if self._skip(response):
            return response
        streamed = response.is_streamed
        if streamed and not config["COMPRESS_STREAMS"]:
            return response
        if (
            not streamed
            and len(b"".join(response.response)) < config["COMPRESS_MIN_SIZE"]
        ):
            return response
        codings = self.streaming_algorithms if streamed else self.enabled_algorithms
        coding = _codecs.choose(codings, request.headers.get("Accept-Encoding", ""))
        if coding is None:
            return response
        response.direct_passthrough = False
        response.headers["Content-Encoding"] = coding
        if streamed:
            response.response = _compressed_body(response.response, config, coding)
            response.headers.pop("Content-Length", None)
        else:
            response.set_data(self._compressed(config, response, coding))
        etag, weak = response.get_etag()
        if etag and not weak:
            # Another coding of the same content: equal, but not byte for byte.
            response.set_etag(etag, weak=True)
        if (
            config["COMPRESS_EVALUATE_CONDITIONAL_REQUEST"]
            and request.method in ("GET", "HEAD")
            and (
                not streamed
                or request.endpoint in self.streaming_endpoint_with_conditional
            )
        ):
            response.make_conditional(request)
        return response

    def _compressed(self, config: Any, response: Any, coding: str) -> bytes:
        data = b"".join(response.response)
        if self.cache is None or self.cache_key is None:
            return _codecs.compress(config, data, coding)
        key = f"{coding};{self.cache_key(request)}"
        found = self.cache.get(key)
        if found is None:
            found = _codecs.compress(config, data, coding)
            self.cache.set(key, found)
        return bytes(found)

    def compressed(self) -> Callable[[F], F]:
        """Compress one view's responses, for apps with ``COMPRESS_REGISTER = False``.

        Example::

            @app.get("/export")
            @compress.compressed()
            def export():
                ...
        """

        def decorator(f: F) -> F:
            if inspect.iscoroutinefunction(f):

                @functools.wraps(f)
                async def async_wrapper(*args: Any, **kwargs: Any) -> Any:
                    after_this_request(self.after_request)
                    return await f(*args, **kwargs)

                return async_wrapper  # type: ignore[return-value]

            @functools.wraps(f)
            def wrapper(*args: Any, **kwargs: Any) -> Any:
                after_this_request(self.after_request)
                return f(*args, **kwargs)

            return wrapper  # type: ignore[return-value]

        return decorator


def _compressed_body(body: Any, config: Any, coding: str) -> Any:
    """Return ``body`` (a sync or async iterable) compressed as it streams."""
    compressor = _codecs.compressor(config, coding)
    if isinstance(body, AsyncIterable):
        return _compress_async(body, compressor)
    return _compress_sync(body, compressor)


def _encoded(chunk: Any) -> bytes:
    return chunk.encode() if isinstance(chunk, str) else bytes(chunk)


def _compress_sync(
    body: Iterable[Any], compressor: _codecs.Compressor
) -> Iterator[bytes]:
    try:
        for chunk in body:
            data = _encoded(chunk)
            if data:
                yield compressor.compress(data)
        yield compressor.finish()
    finally:
        close = getattr(body, "close", None)
        if close is not None:
            close()


async def _compress_async(
    body: AsyncIterable[Any], compressor: _codecs.Compressor
) -> AsyncIterator[bytes]:
    try:
        async for chunk in body:
            data = _encoded(chunk)
            if data:
                yield compressor.compress(data)
        yield compressor.finish()
    finally:
        aclose = getattr(body, "aclose", None)
        if aclose is not None:
            await aclose()
