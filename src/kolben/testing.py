"""The test client: Flask's API, driving the app through WSGI or ASGI.

One request description (:class:`RequestSpec`) is rendered either as a WSGI
environ or as an ASGI scope with its receive/send pair, so the same test can
run through both adapters: ``app.test_client(protocol="asgi")``.
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
import io
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from types import TracebackType
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import unquote_to_bytes, urljoin, urlsplit

from ._concurrency import _worker_loop
from ._cookiejar import CookieJar
from .cli import KolbenCliRunner as KolbenCliRunner
from .globals import _cv_app
from .http.forms import encode_multipart
from .http.headers import Headers
from .http.status import status_line
from .http.urls import iri_to_uri, url_encode
from .response import Response

if TYPE_CHECKING:
    from contextvars import Token

    from .app import Kolben
    from .ctx import AppContext

Protocol = Literal["wsgi", "asgi"]
_REDIRECTS = frozenset({301, 302, 303, 305, 307, 308})


@dataclass
class RequestSpec:
    """A request to send to the app, independent of the protocol."""

    method: str = "GET"
    scheme: str = "http"
    host: str = "localhost"
    root_path: str = ""
    raw_path: str = "/"
    query_string: str = ""
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""
    remote_addr: str = "127.0.0.1"
    extra_environ: dict[str, Any] = field(default_factory=dict)

    @property
    def path_bytes(self) -> bytes:
        """The percent-decoded path as bytes."""
        return unquote_to_bytes(self.raw_path)

    def to_environ(self) -> dict[str, Any]:
        """Render the request as a WSGI environ."""
        host, _, port = self.host.partition(":")
        environ: dict[str, Any] = {
            "REQUEST_METHOD": self.method,
            "SCRIPT_NAME": self.root_path,
            "PATH_INFO": self.path_bytes.decode("latin-1"),
            "QUERY_STRING": self.query_string,
            "SERVER_NAME": host,
            "SERVER_PORT": port or ("443" if self.scheme == "https" else "80"),
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": self.remote_addr,
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": self.scheme,
            "wsgi.input": io.BytesIO(self.body),
            "wsgi.errors": io.StringIO(),
            "wsgi.multithread": False,
            "wsgi.multiprocess": False,
            "wsgi.run_once": False,
        }
        for name, value in self.headers:
            key = name.upper().replace("-", "_")
            if key not in ("CONTENT_TYPE", "CONTENT_LENGTH"):
                key = "HTTP_" + key
            environ[key] = f"{environ[key]},{value}" if key in environ else value
        environ.update(self.extra_environ)
        return environ

    def to_scope(self) -> dict[str, Any]:
        """Render the request as an ASGI HTTP scope."""
        host, _, port = self.host.partition(":")
        raw = self.raw_path.encode("ascii")
        return {
            "type": "http",
            "asgi": {"version": "3.0", "spec_version": "2.3"},
            "http_version": "1.1",
            "method": self.method,
            "scheme": self.scheme,
            "path": self.root_path + self.path_bytes.decode("utf-8", "replace"),
            "raw_path": self.root_path.encode() + raw,
            "root_path": self.root_path,
            "query_string": self.query_string.encode("latin-1"),
            "headers": [
                (k.lower().encode("latin-1"), v.encode("latin-1"))
                for k, v in self.headers
            ],
            "client": (self.remote_addr, 50000),
            "server": (
                host,
                int(port) if port else (443 if self.scheme == "https" else 80),
            ),
            **self.extra_environ,
        }


def build_spec(
    app: Kolben,
    path: str = "/",
    base_url: str | None = None,
    query_string: Mapping[str, Any] | str | None = None,
    method: str = "GET",
    headers: Mapping[str, str] | Iterable[tuple[str, str]] | Headers | None = None,
    data: Any = None,
    json: Any = None,
    content_type: str | None = None,
    environ_base: Mapping[str, Any] | None = None,
) -> RequestSpec:
    """Describe a request the way Flask's test client arguments do."""
    if base_url is None:
        server = app.config["SERVER_NAME"] or "localhost"
        root = str(app.config["APPLICATION_ROOT"]).rstrip("/")
        base_url = f"{app.config['PREFERRED_URL_SCHEME']}://{server}{root}/"
    parts = urlsplit(path)
    base = urlsplit(base_url)
    spec = RequestSpec(
        method=method.upper(),
        scheme=parts.scheme or base.scheme,
        host=parts.netloc or base.netloc,
        root_path=base.path.rstrip("/") if not parts.netloc else "",
        raw_path=iri_to_uri(parts.path or "/"),
        extra_environ=dict(environ_base or {}),
    )
    if "REMOTE_ADDR" in spec.extra_environ:
        # The client's address, under ASGI too (where it is scope["client"]).
        spec.remote_addr = spec.extra_environ.pop("REMOTE_ADDR")
    qs = parts.query
    if query_string is not None:
        qs = query_string if isinstance(query_string, str) else url_encode(query_string)
    spec.query_string = qs
    hdrs = Headers(headers)
    if json is not None:
        if data is not None:
            raise TypeError("Give either 'data' or 'json', not both.")
        data = app.json.dumps(json)
        content_type = content_type or "application/json"
    body, body_type = _encode_body(data)
    content_type = content_type or hdrs.get("Content-Type") or body_type
    if content_type:
        hdrs["Content-Type"] = content_type
    if body or spec.method in ("POST", "PUT", "PATCH"):
        hdrs.setdefault("Content-Length", str(len(body)))
    hdrs.setdefault("Host", spec.host)
    spec.headers = hdrs.to_wsgi_list()
    spec.body = body
    return spec


def _encode_body(data: Any) -> tuple[bytes, str | None]:
    if data is None:
        return b"", None
    if isinstance(data, str):
        return data.encode(), None
    if isinstance(data, (bytes, bytearray)):
        return bytes(data), None
    if hasattr(data, "read"):
        return data.read(), None
    items = list(
        data.items(multi=True)
        if hasattr(data, "items") and _is_multidict(data)
        else (data.items() if hasattr(data, "items") else data)
    )
    flat = [(k, x) for k, v in items for x in (v if isinstance(v, list) else [v])]
    if any(not isinstance(v, (str, int, float)) for _, v in flat):
        body, ctype = encode_multipart(flat)
        return body, ctype
    return url_encode(flat).encode(), "application/x-www-form-urlencoded"


def _is_multidict(data: Any) -> bool:
    return hasattr(data, "getlist")


def build_environ(app: Kolben, *args: Any, **kwargs: Any) -> dict[str, Any]:
    """Return a WSGI environ for the given test client arguments."""
    return build_spec(app, *args, **kwargs).to_environ()


class TestResponse(Response):
    """A response the test client received, with the request that made it."""

    __test__ = False  # not a pytest test class
    request_spec: RequestSpec
    #: The responses of the redirects followed before this one.
    history: tuple[TestResponse, ...] = ()


class KolbenClient:
    """Send requests to the app without a server.

    Use ``with client:`` to keep the last request's context open after the
    request, to inspect ``request``, ``session`` and ``g``.

    :param app: the application.
    :param use_cookies: keep cookies between requests.
    :param protocol: drive the app as a WSGI (default) or an ASGI app.
    """

    __test__ = False

    def __init__(
        self, app: Kolben, use_cookies: bool = True, protocol: Protocol = "wsgi"
    ) -> None:
        if protocol not in ("wsgi", "asgi"):
            raise ValueError(f"protocol must be 'wsgi' or 'asgi', not {protocol!r}.")
        self.application = app
        self.protocol = protocol
        self._cookies = CookieJar() if use_cookies else None
        self._preserve = False
        self._preserved: AppContext | None = None
        self._preserved_token: Token[AppContext] | None = None
        self._thread: ThreadPoolExecutor | None = None

    # -- cookies -----------------------------------------------------------------

    def get_cookie(self, key: str, domain: str = "localhost", path: str = "/") -> Any:
        """Return the stored cookie ``key`` (with ``.value``) or ``None``."""
        return self._jar().get(key, domain, path)

    def set_cookie(
        self, key: str, value: str = "", domain: str = "localhost", path: str = "/"
    ) -> None:
        """Store a cookie to send with later requests."""
        self._jar().set(key, value, domain, path)

    def delete_cookie(
        self, key: str, domain: str = "localhost", path: str = "/"
    ) -> None:
        """Forget a stored cookie."""
        self._jar().delete(key, domain, path)

    def _jar(self) -> CookieJar:
        if self._cookies is None:
            raise TypeError(
                "Cookies are disabled. Create a client with use_cookies=True."
            )
        return self._cookies

    # -- requests ------------------------------------------------------------------

    def open(
        self, path: str = "/", *args: Any, follow_redirects: bool = False, **kwargs: Any
    ) -> TestResponse:
        """Send a request and return the response.

        :param path: the path, with an optional query string or full URL.
        :param follow_redirects: follow redirects and record them in
            ``response.history``.
        :param kwargs: ``method``, ``query_string``, ``headers``, ``data``,
            ``json``, ``content_type``, ``base_url``, ``environ_base``.
        """
        spec = build_spec(self.application, path, *args, **kwargs)
        response = self._send(spec)
        history: list[TestResponse] = []
        while follow_redirects and response.status_code in _REDIRECTS:
            if len(history) > 30:
                raise RuntimeError("The redirects loop; stopped after 30.")
            history.append(response)
            spec = self._redirect_spec(spec, response)
            response = self._send(spec)
        response.history = tuple(history)
        return response

    def _redirect_spec(self, spec: RequestSpec, response: TestResponse) -> RequestSpec:
        current = f"{spec.scheme}://{spec.host}{spec.root_path}{spec.raw_path}"
        target = urlsplit(urljoin(current, response.headers["Location"]))
        keep_body = response.status_code in (307, 308)
        return RequestSpec(
            method=spec.method
            if keep_body
            else ("HEAD" if spec.method == "HEAD" else "GET"),
            scheme=target.scheme,
            host=target.netloc,
            root_path="",
            raw_path=target.path or "/",
            query_string=target.query,
            # Not Cookie: the jar sends the cookies as they are now, after the
            # redirect's response; a copy would be the stale ones.
            headers=[
                (k, v)
                for k, v in spec.headers
                if k.lower() != "cookie"
                and (keep_body or k.lower() not in ("content-type", "content-length"))
            ],
            body=spec.body if keep_body else b"",
            remote_addr=spec.remote_addr,
            extra_environ=spec.extra_environ,
        )

    def _send(self, spec: RequestSpec) -> TestResponse:
        self._pop_preserved()
        if self._cookies is not None:
            jar = self._cookies.header_for(spec.host, spec.root_path + spec.raw_path)
            if jar:
                # Cookies given explicitly in ``headers`` are sent as well.
                given = [v for k, v in spec.headers if k.lower() == "cookie"]
                spec.headers = [
                    (k, v) for k, v in spec.headers if k.lower() != "cookie"
                ]
                spec.headers.append(("Cookie", "; ".join([*given, jar])))
        preserved: list[AppContext] = []
        if self._preserve:
            spec.extra_environ["kolben.preserve_context"] = preserved.append
            if self.protocol == "asgi":
                spec.extra_environ["kolben.sync_executor"] = self._kept_thread()
        if self.protocol == "wsgi":
            status, headers, body = self._send_wsgi(spec)
        else:
            status, headers, body = self._send_asgi(spec)
        spec.extra_environ.pop("kolben.preserve_context", None)
        spec.extra_environ.pop("kolben.sync_executor", None)
        if preserved:
            self._preserved = preserved[-1]
            self._preserved_token = _cv_app.set(self._preserved)
        response = TestResponse(None, status, Headers(headers))
        response.response = [body]
        response.request_spec = spec
        if self._cookies is not None:
            self._cookies.extract(spec.host, spec.raw_path, response.headers)
        return response

    def _send_wsgi(self, spec: RequestSpec) -> tuple[str, list[tuple[str, str]], bytes]:
        started: list[Any] = []

        def start_response(
            status: str, headers: list[tuple[str, str]], exc_info: Any = None
        ) -> Any:
            started[:] = [status, headers]
            return lambda data: None

        iterable = self.application(spec.to_environ(), start_response)
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

    # -- keeping the context ---------------------------------------------------

    def _kept_thread(self) -> ThreadPoolExecutor:
        """The one thread that runs sync requests while a context is kept."""
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
        if self._preserve:
            raise RuntimeError("Cannot nest client invocations")
        self._preserve = True
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._preserve = False
        try:
            self._pop_preserved()
        finally:
            if self._thread is not None:
                self._thread.shutdown(wait=True)
                self._thread = None
