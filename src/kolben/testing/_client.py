"""KolbenClient: send requests to the app through WSGI or ASGI, no server.

Each request is built by :class:`~kolben.testing.EnvironBuilder` as a WSGI
environ, with the client's cookies; an ASGI client renders it as a scope
(:class:`~kolben.testing.RequestSpec`), so a test runs the same through
both adapters: ``app.test_client(protocol="asgi")``.
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from copy import copy
from types import TracebackType
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import urlsplit

from .. import __version__
from .._concurrency import _worker_loop
from .._cookiejar import CookieJar
from .._dispatch import PROPAGATE_KEY
from ..globals import _cv_app
from ..http.headers import Headers
from ..http.status import status_line
from ..request import Request
from ..response import Response
from ._builder import EnvironBuilder, _seekable
from ._spec import RequestSpec
from ._websocket import TestWebSocket

if TYPE_CHECKING:
    from contextvars import Token

    from ..app import Kolben
    from ..ctx import AppContext
    from ..sessions import SessionMixin

Protocol = Literal["wsgi", "asgi"]
_REDIRECTS = frozenset({301, 302, 303, 305, 307, 308})
_NO_COOKIES = "Cookies are disabled. Create a client with 'use_cookies=True'."


class ClientRedirectError(RuntimeError):
    """Following redirects came back to a redirect already followed."""


class TestResponse(Response):
    """A response the test client received, with the request that made it."""

    __test__ = False  # not a pytest test class
    #: The request as the client built it (its body already read by the app).
    request: Request
    #: The responses of the redirects followed before this one.
    history: tuple[TestResponse, ...] = ()
    #: Where the request body started in its stream, to send it again.
    _input_start = 0

    @property
    def request_spec(self) -> RequestSpec:
        """The request, described independently of the protocol."""
        return RequestSpec.from_environ(self.request.environ)


def _wrapper_class(response_wrapper: type[Response] | None) -> type[TestResponse]:
    """Return the client's response class: the app's, with TestResponse's API."""
    if response_wrapper is None or response_wrapper is Response:
        return TestResponse
    if issubclass(response_wrapper, TestResponse):
        return response_wrapper
    return type("WrapperTestResponse", (TestResponse, response_wrapper), {})


class KolbenClient:
    """Send requests to the app without a server.

    Use ``with client:`` to keep the last request's context open after the
    request, to inspect ``request``, ``session`` and ``g``.

    :param application: the application.
    :param response_wrapper: the response class; the responses are of a
        subclass that adds :class:`TestResponse`'s attributes.
    :param use_cookies: keep cookies between requests.
    :param allow_subdomain_redirects: let ``follow_redirects`` follow a
        redirect to a subdomain of the request's host.
    :param protocol: drive the app as a WSGI (default) or an ASGI app.
    """

    __test__ = False

    def __init__(
        self,
        application: Kolben,
        response_wrapper: type[Response] | None = None,
        use_cookies: bool = True,
        allow_subdomain_redirects: bool = False,
        *,
        protocol: Protocol = "wsgi",
    ) -> None:
        if protocol not in ("wsgi", "asgi"):
            raise ValueError(f"protocol must be 'wsgi' or 'asgi', not {protocol!r}.")
        self.application = application
        self.response_wrapper = _wrapper_class(response_wrapper)
        self.allow_subdomain_redirects = allow_subdomain_redirects
        self.protocol = protocol
        #: Environ keys every request starts from; ``environ_base=`` adds to them.
        self.environ_base: dict[str, Any] = {
            "REMOTE_ADDR": "127.0.0.1",
            "HTTP_USER_AGENT": f"Kolben/{__version__}",
        }
        #: Whether the last request's context is kept (inside ``with client:``).
        self.preserve_context = False
        self._cookies = CookieJar() if use_cookies else None
        self._preserved: AppContext | None = None
        self._preserved_token: Token[AppContext] | None = None
        self._thread: ThreadPoolExecutor | None = None

    # -- cookies -----------------------------------------------------------------

    def get_cookie(self, key: str, domain: str = "localhost", path: str = "/") -> Any:
        """Return the stored cookie ``key`` (with ``.value``) or ``None``.

        :param key: the cookie's name.
        :param domain: the domain it was set for.
        :param path: the path it was set for.
        """
        return self._jar().get(key, domain, path)

    def set_cookie(
        self, key: str, value: str = "", domain: str = "localhost", path: str = "/"
    ) -> None:
        """Store a cookie to send with later requests.

        :param key: the cookie's name.
        :param value: its value.
        :param domain: the domain whose requests carry it.
        :param path: the path (and below) whose requests carry it.
        """
        self._jar().set(key, value, domain, path)

    def delete_cookie(
        self, key: str, domain: str = "localhost", path: str = "/"
    ) -> None:
        """Forget a stored cookie.

        :param key: the cookie's name.
        :param domain: the domain it was set for.
        :param path: the path it was set for.
        """
        self._jar().delete(key, domain, path)

    def _jar(self) -> CookieJar:
        if self._cookies is None:
            raise TypeError(_NO_COOKIES)
        return self._cookies

    def _add_cookies(self, environ: dict[str, Any]) -> None:
        """Send the jar's cookies for the request's host and path."""
        if self._cookies is None:
            return
        host, path = _host_and_path(environ)
        jar = self._cookies.header_for(host, path)
        if jar:
            # Cookies given explicitly in ``headers`` are sent as well.
            given = environ.get("HTTP_COOKIE")
            environ["HTTP_COOKIE"] = f"{given}; {jar}" if given else jar

    def _keep_cookies(self, environ: dict[str, Any], headers: Headers) -> None:
        if self._cookies is not None:
            host, path = _host_and_path(environ)
            self._cookies.extract(host, path, headers)

    @contextmanager
    def session_transaction(self, *args: Any, **kwargs: Any) -> Iterator[SessionMixin]:
        """Open the session the client's cookies hold, to read or change it.

        The session is opened by ``app.session_interface`` for a request built
        from the arguments, and saved when the block ends; the cookie it sets
        is kept for the client's next requests::

            with client.session_transaction() as session:
                session["user_id"] = 1
            client.get("/profile")  # logged in

        :param args: :class:`EnvironBuilder` arguments for the request.
        :param kwargs: :class:`EnvironBuilder` arguments for the request.
        :raises TypeError: the client was made with ``use_cookies=False``.
        :raises RuntimeError: the session interface opened no session.
        """
        jar = self._jar()
        app = self.application
        interface = app.session_interface
        builder = EnvironBuilder(app, *args, **kwargs)
        try:
            environ = builder.get_environ()
        finally:
            builder.close()
        self._add_cookies(environ)
        ctx = app.request_context(environ)
        with ctx:
            sess = app.ensure_sync(interface.open_session)(app, ctx.request)
        if sess is None:
            raise RuntimeError(
                "Session backend did not open a session. Set app.secret_key"
                " (or SECRET_KEY), which the default session interface needs."
            )
        yield sess
        if interface.is_null_session(sess):
            return
        response = app.response_class()
        with ctx:
            app.ensure_sync(interface.save_session)(app, sess, response)
        request = ctx.request
        assert request is not None
        jar.extract(request.host.partition(":")[0], request.path, response.headers)

    # -- requests ------------------------------------------------------------------

    def open(
        self,
        *args: Any,
        buffered: bool = False,
        follow_redirects: bool = False,
        **kwargs: Any,
    ) -> TestResponse:
        """Send a request and return the response.

        :param args: an :class:`EnvironBuilder`, a WSGI environ, a
            :class:`~kolben.Request`, or :class:`EnvironBuilder` arguments
            (path, method, data, ...; the app comes from the client).
        :param buffered: accepted for Flask's signature; the client always
            reads the whole body before returning.
        :param follow_redirects: follow redirects and record them in
            ``response.history``.
        :param kwargs: :class:`EnvironBuilder` arguments.
        """
        response = self._send(self._environ_for(args, kwargs))
        seen: set[tuple[str, int]] = set()
        history: list[TestResponse] = []
        while follow_redirects and response.status_code in _REDIRECTS:
            entry = (response.headers.get("Location", ""), response.status_code)
            if entry in seen:
                raise ClientRedirectError(
                    f"A {entry[1]} redirect to {entry[0]} was already followed:"
                    " the redirects loop."
                )
            seen.add(entry)
            response.history = tuple(history)
            history.append(response)
            response = self._send(self._redirect_environ(response))
        response.history = tuple(history)
        return response

    def _environ_for(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        """Build the environ of a request given as :meth:`open` takes it."""
        first = args[0] if args else None
        if isinstance(first, EnvironBuilder):
            builder = copy(first)
            builder.environ_base = self._with_base(builder.environ_base)
            return builder.get_environ()
        if isinstance(first, dict):
            return EnvironBuilder.from_environ(
                first, app=self.application, environ_base=self._with_base(None)
            ).get_environ()
        if isinstance(first, Request):
            return self._with_base(first.environ)
        kwargs["environ_base"] = self._with_base(kwargs.get("environ_base"))
        builder = EnvironBuilder(self.application, *args, **kwargs)
        try:
            return builder.get_environ()
        finally:
            builder.close()

    def _with_base(self, environ: Any) -> dict[str, Any]:
        return {**self.environ_base, **(environ or {})}

    def _redirect_environ(self, response: TestResponse) -> dict[str, Any]:
        """Build the request that follows a redirect, as a browser would."""
        scheme, netloc, path, query, _ = urlsplit(response.headers["Location"])
        builder = EnvironBuilder.from_environ(
            response.request.environ,
            app=self.application,
            path=path or "/",
            query_string=query,
        )
        # The jar sends the cookies as they are after the redirect's response.
        builder.headers.pop("Cookie", None)
        to_host = netloc.partition(":")[0].split(".")
        from_host = builder.server_name.split(".")
        if to_host != [""]:
            builder.url_scheme, builder.host = scheme, netloc
        else:
            to_host = from_host
        if to_host != from_host:
            if to_host[-len(from_host) :] != from_host:
                raise RuntimeError("Following external redirects is not supported.")
            if not self.allow_subdomain_redirects:
                raise RuntimeError(
                    "Following subdomain redirects is not enabled. Create the"
                    " client with allow_subdomain_redirects=True."
                )
        root = builder.script_root
        if path.split("/")[: len(root.split("/"))] == root.split("/"):
            builder.path = path[len(root) :] or "/"
        else:
            builder.path, builder.script_root = path, ""
        if response.status_code in (307, 308):
            # The same request again, body included.
            stream = builder.input_stream
            if _seekable(stream):
                stream.seek(response._input_start)
        else:
            if builder.method != "HEAD":
                builder.method = "GET"
            builder.input_stream = None
            builder.content_type = builder.content_length = None
            builder.headers.pop("Transfer-Encoding", None)
        builder.environ_base = self._with_base(None)
        return builder.get_environ()

    def _send(self, environ: dict[str, Any]) -> TestResponse:
        self._pop_preserved()
        self._add_cookies(environ)
        stream = environ.get("wsgi.input")
        start = stream.tell() if _seekable(stream) else 0
        preserved: list[AppContext] = []
        # As with Flask's client, an error the app does not handle reaches the
        # test, in debug mode too, instead of becoming the debug page.
        environ[PROPAGATE_KEY] = True
        if self.preserve_context:
            environ["kolben.preserve_context"] = preserved.append
            if self.protocol == "asgi":
                environ["kolben.sync_executor"] = self._kept_thread()
        try:
            if self.protocol == "wsgi":
                status, headers, body = self._send_wsgi(environ)
            else:
                status, headers, body = self._send_asgi(
                    RequestSpec.from_environ(environ)
                )
        finally:
            environ.pop("kolben.preserve_context", None)
            environ.pop("kolben.sync_executor", None)
            environ.pop(PROPAGATE_KEY, None)
        if preserved:
            self._preserved = preserved[-1]
            self._preserved_token = _cv_app.set(self._preserved)
        response = self.response_wrapper(None, status, Headers(headers))
        response.response = [body]
        response.request = self.application.request_class(environ, app=self.application)
        response._input_start = start
        self._keep_cookies(environ, response.headers)
        return response

    def _send_wsgi(
        self, environ: dict[str, Any]
    ) -> tuple[str, list[tuple[str, str]], bytes]:
        started: list[Any] = []

        def start_response(
            status: str, headers: list[tuple[str, str]], exc_info: Any = None
        ) -> Any:
            started[:] = [status, headers]
            return lambda data: None

        iterable = self.application(environ, start_response)
        try:
            body = b"".join(iterable)
        finally:
            close = getattr(iterable, "close", None)
            if close is not None:
                close()
        return started[0], started[1], body

    def _send_asgi(self, spec: RequestSpec) -> tuple[str, list[tuple[str, str]], bytes]:
        messages: list[dict[str, Any]] = []
        body_sent = False

        async def receive() -> dict[str, Any]:
            nonlocal body_sent
            if not body_sent:
                body_sent = True
                return {"type": "http.request", "body": spec.body, "more_body": False}
            await asyncio.Event().wait()  # pragma: no cover - a disconnect never comes
            return {"type": "http.disconnect"}

        async def send(message: dict[str, Any]) -> None:
            messages.append(message)

        async def serve() -> None:
            # Through app.asgi_app, so ASGI middleware wrapped around it runs.
            await self.application.asgi_app(spec.to_scope(), receive, send)

        asyncio.run_coroutine_threadsafe(serve(), _worker_loop.get()).result()
        start = next(m for m in messages if m["type"] == "http.response.start")
        body = b"".join(
            m.get("body", b"") for m in messages if m["type"] == "http.response.body"
        )
        headers = [
            (k.decode("latin-1"), v.decode("latin-1")) for k, v in start["headers"]
        ]
        return status_line(start["status"]), headers, body

    def get(self, *args: Any, **kw: Any) -> TestResponse:
        """Send a GET request; see :meth:`open`."""
        return self.open(*args, method="GET", **kw)

    def post(self, *args: Any, **kw: Any) -> TestResponse:
        """Send a POST request; see :meth:`open`."""
        return self.open(*args, method="POST", **kw)

    def put(self, *args: Any, **kw: Any) -> TestResponse:
        """Send a PUT request; see :meth:`open`."""
        return self.open(*args, method="PUT", **kw)

    def patch(self, *args: Any, **kw: Any) -> TestResponse:
        """Send a PATCH request; see :meth:`open`."""
        return self.open(*args, method="PATCH", **kw)

    def delete(self, *args: Any, **kw: Any) -> TestResponse:
        """Send a DELETE request; see :meth:`open`."""
        return self.open(*args, method="DELETE", **kw)

    def head(self, *args: Any, **kw: Any) -> TestResponse:
        """Send a HEAD request; see :meth:`open`."""
        return self.open(*args, method="HEAD", **kw)

    def options(self, *args: Any, **kw: Any) -> TestResponse:
        """Send an OPTIONS request; see :meth:`open`."""
        return self.open(*args, method="OPTIONS", **kw)

    def trace(self, *args: Any, **kw: Any) -> TestResponse:
        """Send a TRACE request; see :meth:`open`."""
        return self.open(*args, method="TRACE", **kw)

    def websocket(
        self,
        path: str,
        *,
        subprotocols: list[str] | None = None,
        headers: dict[str, str] | None = None,
        **kwargs: Any,
    ) -> TestWebSocket:
        """Open a WebSocket to the app's ASGI side, for a ``with`` block.

        Example::

            with client.websocket("/echo") as ws:
                ws.send("hi")
                assert ws.receive() == "hi"

        The client's cookies go with the handshake. A refused handshake
        raises :class:`~kolben.testing.WebSocketDenied` with its response.

        :param path: the path and query string.
        :param subprotocols: the subprotocols to offer.
        :param headers: handshake headers (``Origin``, say).
        :param kwargs: further :class:`EnvironBuilder` arguments.
        """
        environ = self._environ_for((path,), {"headers": headers, **kwargs})
        self._add_cookies(environ)
        environ[PROPAGATE_KEY] = True
        scope = RequestSpec.from_environ(environ).to_scope()
        scope.pop("method", None)
        scope["type"] = "websocket"
        scope["scheme"] = "wss" if scope["scheme"] == "https" else "ws"
        scope["subprotocols"] = list(subprotocols or ())
        scope["extensions"] = {"websocket.http.response": {}}

        def refusal(status: str, fields: list[tuple[str, str]], body: bytes) -> Any:
            response = self.response_wrapper(None, status, Headers(fields))
            response.response = [body]
            return response

        return TestWebSocket(self.application, scope, refusal)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.application!r} {self.protocol}>"

    # -- keeping the context ---------------------------------------------------

    def _kept_thread(self) -> ThreadPoolExecutor:
        """Return the one thread that runs sync requests while a context is kept."""
        if self._thread is None:
            self._thread = ThreadPoolExecutor(1, thread_name_prefix="kolben-test")
        return self._thread

    def _pop_preserved(self) -> None:
        ctx, token = self._preserved, self._preserved_token
        self._preserved = self._preserved_token = None
        if ctx is not None and token is not None:
            try:
                teardown = functools.partial(self.application._teardown, ctx, None)
                if self._thread is not None:
                    # Where the request ran, so thread-bound resources on g
                    # (a sqlite3 connection) can be closed.
                    run = contextvars.copy_context().run
                    self._thread.submit(run, teardown).result()
                else:
                    teardown()
            finally:
                _cv_app.reset(token)

    def __enter__(self) -> KolbenClient:
        if self.preserve_context:
            raise RuntimeError("Cannot nest client invocations")
        self.preserve_context = True
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.preserve_context = False
        try:
            self._pop_preserved()
        finally:
            if self._thread is not None:
                self._thread.shutdown(wait=True)
                self._thread = None


def _host_and_path(environ: dict[str, Any]) -> tuple[str, str]:
    """Return the host name and full path a request's cookies match against."""
    host = environ.get("HTTP_HOST") or environ.get("SERVER_NAME") or "localhost"
    path = environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "")
    return host.partition(":")[0], path.encode("latin-1").decode("utf-8", "replace")
