"""The incoming request: one class, fed by the WSGI or the ASGI adapter.

Nothing is parsed until it is asked for. The adapters set the handful of fields
every request needs (method, path, query string); headers, cookies, arguments,
form, files and JSON are parsed on first access and cached on the instance.
"""

from __future__ import annotations

import functools
import io
import re
import secrets
from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, BinaryIO

from . import json as _json
from ._body import iter_stream, parse_content_length, wsgi_body_stream
from ._internal import lazy
from ._request_headers import RequestHeaderAttributes
from .http.cookies import parse_cookie
from .http.exceptions import BadRequest, SecurityError
from .http.files import FileStorage
from .http.forms import parse_form_data
from .http.headers import Headers, parse_options_header
from .http.multidict import CombinedMultiDict, ImmutableMultiDict, MultiDict
from .http.urls import parse_qs, unquote_path, wsgi_decoding_dance

if TYPE_CHECKING:
    from .routing import Rule

# PERF: ``int in bytes`` is a plain byte search; ``b"%" in raw`` first tries
# to read its operand as an int, and pays for the failed attempt every time.
_PERCENT = ord("%")

#: What a request id given by a proxy may be (see :attr:`Request.id`).
_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,200}")

# SECURITY: a Host header is a name or address with an optional port; anything
# else (spaces, slashes, control characters) is refused rather than echoed into
# URLs the app builds.
_host_re = re.compile(r"^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._~!$&'()*+,;=%-]+)(?::\d*)?$")


class Request(RequestHeaderAttributes):
    """An HTTP request, as Flask's ``request`` object presents it.

    :param environ: the WSGI environment. Under ASGI use :meth:`from_scope`.
    :param app: the application, whose config supplies the body limits and whose
        JSON provider decodes JSON bodies.
    """

    #: Set by the app after matching; ``None`` when no rule matched.
    url_rule: Rule | None = None
    view_args: dict[str, Any] | None = None
    routing_exception: Exception | None = None
    #: The adapter from ``app.create_url_adapter`` once one was made; the
    #: request context's ``url_adapter`` (kolben matches without one).
    url_adapter: Any = None
    #: Class-wide defaults used when no app is attached.
    default_max_content_length: int | None = None
    default_max_form_memory_size: int | None = 500_000
    default_max_form_parts: int | None = 1000
    default_max_json_depth: int = 100
    #: The classes that hold parsed query strings, forms and cookies, and
    #: lists such as :attr:`access_route`; subclasses may change them.
    parameter_storage_class: type[ImmutableMultiDict[Any, Any]] = ImmutableMultiDict
    dict_storage_class: type[ImmutableMultiDict[Any, Any]] = ImmutableMultiDict
    list_storage_class: type[list[Any]] = list
    #: Decodes JSON bodies when no app is attached; the app's JSON provider
    #: does otherwise.
    json_module: Any = _json
    # Per-request limits set on the request; ``None`` means "from config".
    _max_content_length: int | None = None
    _max_form_memory_size: int | None = None
    _max_form_parts: int | None = None

    #: The ASGI scope; ``None`` under WSGI.
    scope: dict[str, Any] | None = None
    #: The body the ASGI adapter received; ``None`` under WSGI.
    _body: BinaryIO | None = None
    #: Set by ``Request(environ, shallow=True)``: reading the body raises.
    shallow = False
    #: The application whose config and JSON provider the request uses.
    app: Any = None
    #: Whether :meth:`close` has anything to release: a received body,
    #: uploaded files, or a subclass's own ``close``.
    _holds_resources = False

    def __init_subclass__(cls, **kwargs: Any) -> None:
        """Note whether the subclass holds resources that ``close`` frees."""
        super().__init_subclass__(**kwargs)
        if "close" in cls.__dict__:
            cls._holds_resources = True

    def __init__(
        self,
        environ: dict[str, Any],
        populate_request: bool = True,
        shallow: bool = False,
        *,
        app: Any = None,
    ) -> None:
        # populate_request is accepted for Werkzeug's signature; kolben never
        # stores the request in the environ (a cycle that outlives requests).
        """Take a WSGI environ (or build a request for ``app`` without one)."""
        self.environ = environ
        if app is not None:
            self.app = app
        if shallow:
            self.shallow = True
        method: str = environ.get("REQUEST_METHOD", "GET")
        # PERF: servers send it upper-case already; only fix what needs it.
        self.method = method if method.isupper() else method.upper()
        path: str = environ.get("PATH_INFO", "")
        # PERF: an ASCII path needs no decoding, and most paths are ASCII.
        if not path.isascii():
            try:
                path = wsgi_decoding_dance(path)
            except BadRequest as e:
                # Answered as a 400 by dispatch, like a routing error.
                self.routing_exception = e
                path = "/"
        self.path: str = path if path[:1] == "/" else "/" + path

    @classmethod
    def from_scope(
        cls, scope: dict[str, Any], body: BinaryIO | None, app: Any = None
    ) -> Request:
        """Build a request from an ASGI HTTP scope and its received body.

        :param scope: the ASGI connection scope.
        :param body: the request body, already received by the adapter.
        :param app: see the class.
        """
        self = cls.__new__(cls)
        self.scope = scope
        self.app = app
        self.method = scope["method"]
        raw = scope.get("raw_path")
        if raw is not None and _PERCENT in raw:
            # The server decoded escapes leniently (bad UTF-8 becomes U+FFFD);
            # decode the raw bytes strictly so bad input answers 400.
            try:
                path = unquote_path(raw)
            except BadRequest as e:
                self.routing_exception = e
                path = "/"
        else:
            path = scope["path"]
        root = scope.get("root_path")
        if root and path.startswith(root):
            path = path[len(root) :] or "/"
        self.path = path
        if body is not None:
            self._body = body
            self._holds_resources = True
            # PERF: what the ``stream`` property would work out on first use.
            self.__dict__["stream"] = body
        return self

    @classmethod
    def application(cls, f: Callable[..., Any]) -> Callable[..., Any]:
        """Turn ``f(request)``, returning a response, into a WSGI application.

        Werkzeug's decorator, for small WSGI apps and middleware::

            @Request.application
            def hello(request):
                return Response(f"Hello {request.args.get('name', 'you')}")

        Arguments before ``environ, start_response`` (a method's ``self``)
        are passed on before the request. The request is closed afterwards.

        :param f: The function; an HTTP error it raises is its answer.
        """
        from .http.exceptions import HTTPException
        from .response import Response

        def application(*args: Any) -> Any:
            request = cls(args[-2])
            try:
                try:
                    response = f(*args[:-2], request)
                except HTTPException as e:
                    response = e.response or Response(
                        e.get_body(), e.code, e.get_headers()
                    )
                return response(args[-2], args[-1])
            finally:
                request.close()

        return functools.update_wrapper(application, f)

    @classmethod
    def from_values(cls, *args: Any, **kwargs: Any) -> Request:
        """Build a request from test client arguments.

        This is for tests of code that takes a request.

        The arguments are :class:`~kolben.testing.EnvironBuilder`'s without the
        app (``path, base_url, query_string, method, ...``); pass ``app=`` to
        bind one::

            request = Request.from_values("/?q=1", method="POST", data={"a": "b"})

        :param args: the builder's arguments, in their order.
        :param kwargs: the builder's arguments.
        """
        from .testing import EnvironBuilder

        builder = EnvironBuilder._from_plain_args(args, kwargs)
        try:
            return builder.get_request(cls)
        finally:
            builder.close()

    # -- the request line --------------------------------------------------

    @lazy
    def environ(self) -> dict[str, Any]:
        """The WSGI environment; under ASGI one is built from the scope."""
        from ._environ import environ_from_scope

        assert self.scope is not None
        return environ_from_scope(self.scope, self.stream)

    @lazy
    def root_path(self) -> str:
        """The prefix the app is mounted at (``SCRIPT_NAME``), no trailing slash."""
        if self.scope is not None:
            return str(self.scope.get("root_path", "")).rstrip("/")
        return wsgi_decoding_dance(self.environ.get("SCRIPT_NAME", "")).rstrip("/")

    @lazy
    def _query(self) -> str:
        if self.scope is not None:
            return bytes(self.scope.get("query_string", b"")).decode("latin-1")
        return str(self.environ.get("QUERY_STRING", ""))

    @property
    def query_string(self) -> bytes:
        """The raw query string, without the ``?``."""
        return self._query.encode("latin-1")

    @lazy
    def args(self) -> ImmutableMultiDict[str, str]:
        """The parsed query string."""
        # The raw bytes, so UTF-8 is decoded (and checked) by the parser.
        return parse_qs(self.query_string, cls=self.parameter_storage_class)

    @property
    def full_path(self) -> str:
        """The path and query string: ``/a/b?x=1``."""
        return f"{self.path}?{self._query}"

    @lazy
    def scheme(self) -> str:
        """The URL scheme: ``http``, ``https``, ``ws`` or ``wss``."""
        if self.scope is not None:
            return str(self.scope.get("scheme", "http"))
        return str(self.environ.get("wsgi.url_scheme", "http"))

    @property
    def is_secure(self) -> bool:
        """Whether the request came over TLS."""
        return self.scheme in ("https", "wss")

    @lazy
    def host(self) -> str:
        """The host and port the client asked for, validated.

        A missing Host falls back to the server's address; one with characters
        a host cannot have answers 400.
        """
        host = self.headers.get("Host")
        if not host:
            host = self._server_host()
        # SECURITY: reject values that would inject into URLs or headers.
        if not _host_re.match(host):
            raise BadRequest(f"The Host header {host!r} is not a valid host.")
        scheme_port = {"http": ":80", "https": ":443", "ws": ":80", "wss": ":443"}
        default = scheme_port.get(self.scheme)
        if default and host.endswith(default):
            host = host[: -len(default)]
        return host

    def _server_host(self) -> str:
        if self.scope is not None:
            server = self.scope.get("server")
            if not server:
                return "localhost"
            host, port = server
            return f"{host}:{port}" if port is not None else str(host)
        env = self.environ
        return f"{env.get('SERVER_NAME', 'localhost')}:{env.get('SERVER_PORT', '80')}"

    def check_trusted_host(self, trusted: list[str]) -> None:
        """Answer 400 unless the host matches one of ``trusted``.

        An entry starting with a dot also matches its subdomains.
        """
        hostname = self.host.rsplit(":", 1)[0] if "]" not in self.host else self.host
        hostname = hostname.lower()
        for entry in trusted:
            entry = entry.lower()
            if hostname == entry.lstrip(".") or (
                entry.startswith(".") and hostname.endswith(entry)
            ):
                return
        raise SecurityError(f"Host {self.host!r} is not in TRUSTED_HOSTS.")

    @property
    def url_root(self) -> str:
        """The scheme, host and root path, with a trailing slash."""
        return f"{self.scheme}://{self.host}{self.root_path}/"

    @property
    def host_url(self) -> str:
        """The scheme and host, with a trailing slash."""
        return f"{self.scheme}://{self.host}/"

    @property
    def base_url(self) -> str:
        """The full URL without the query string."""
        from .http.urls import quote

        return f"{self.scheme}://{self.host}{quote(self.root_path + self.path)}"

    @property
    def url(self) -> str:
        """The full URL the client asked for, with the query string."""
        if self._query:
            return f"{self.base_url}?{self._query}"
        return self.base_url

    @lazy
    def remote_addr(self) -> str | None:
        """The address of the client (or of the last proxy)."""
        if self.scope is not None:
            client = self.scope.get("client")
            return str(client[0]) if client else None
        addr = self.environ.get("REMOTE_ADDR")
        return str(addr) if addr is not None else None

    @lazy
    def id(self) -> str:
        """This request's id, for its log records and the response.

        A proxy's id from the ``REQUEST_ID_HEADER`` header when
        ``REQUEST_ID_TRUST_HEADER`` says a trusted proxy sets it (and it is
        1 to 200 letters, digits or ``.-_:``), else a new random one. Made on
        first use: a request nobody asks about costs nothing.
        """
        config = self.app.config if self.app is not None else {}
        if config.get("REQUEST_ID_TRUST_HEADER"):
            given = self.headers.get(config.get("REQUEST_ID_HEADER") or "X-Request-ID")
            # SECURITY: only a plain token reaches the logs, never a client's
            # line breaks or markup.
            if given and _REQUEST_ID.fullmatch(given):
                return given
        return secrets.token_hex(16)

    @property
    def access_route(self) -> list[str]:
        """The client and proxies from X-Forwarded-For, then the peer."""
        forwarded = self.headers.get("X-Forwarded-For")
        if forwarded:
            return self.list_storage_class(
                [x.strip() for x in forwarded.split(",") if x.strip()]
            )
        return self.list_storage_class([self.remote_addr] if self.remote_addr else [])

    @property
    def script_root(self) -> str:
        """The prefix the app is mounted at; the same as :attr:`root_path`."""
        return self.root_path

    @property
    def root_url(self) -> str:
        """The scheme, host and root path, with a trailing slash."""
        return self.url_root

    @lazy
    def trusted_hosts(self) -> list[str] | None:
        """The hosts the app answers for: ``TRUSTED_HOSTS``, or ``None`` for any.

        The app checks the Host against its config before routing; set a
        list on a subclass to use the same value outside an app.
        """
        if self.app is None:
            return None
        hosts = self.app.config.get("TRUSTED_HOSTS")
        return list(hosts) if hosts is not None else None

    @property
    def remote_user(self) -> str | None:
        """The user the server authenticated (``REMOTE_USER``), if any."""
        if self.scope is not None and "environ" not in self.__dict__:
            # ASGI has no such field; only middleware writing the environ sets it.
            return None
        user = self.environ.get("REMOTE_USER")
        return str(user) if user is not None else None

    @property
    def is_multithread(self) -> bool:
        """Whether other threads may handle requests in this process."""
        if self.scope is not None:
            # Sync views run in a thread pool under ASGI.
            return True
        return bool(self.environ.get("wsgi.multithread", False))

    @property
    def is_multiprocess(self) -> bool:
        """Whether other processes may handle requests for this app."""
        if self.scope is not None:
            # An ASGI server may run workers; the built environ says the same.
            return True
        return bool(self.environ.get("wsgi.multiprocess", False))

    @property
    def is_run_once(self) -> bool:
        """Whether the process handles only this request (CGI)."""
        if self.scope is not None:
            return False
        return bool(self.environ.get("wsgi.run_once", False))

    # -- headers and what is parsed from them --------------------------------

    @lazy
    def headers(self) -> Headers:
        """The request headers, case-insensitive."""
        # PERF: the server parsed these; a field cannot hold CR or LF.
        if self.scope is not None:
            return Headers._trusted(
                [
                    (k.decode("latin-1"), v.decode("latin-1"))
                    for k, v in self.scope.get("headers", ())
                ]
            )
        return Headers._trusted(list(_environ_headers(self.environ)))

    @lazy
    def cookies(self) -> ImmutableMultiDict[str, str]:
        """The cookies the client sent. A malformed header gives what parses."""
        # Header values are latin-1 text of the raw bytes; the parser decodes.
        raw = self.headers.get("Cookie", "").encode("latin-1")
        return parse_cookie(raw, cls=self.dict_storage_class)

    def _body_field(self, name: str, cgi_name: str) -> str | None:
        """Return the ``Content-Type`` or ``Content-Length`` field as sent.

        PERF: under WSGI these two are environ keys of their own, read
        without building :attr:`headers`. Under ASGI the adapter keeps what
        it read while framing the body (see ``kolben.asgi``), so a request
        with a body seldom gets here.
        """
        if self.scope is not None:
            return self.headers.get(name)
        return self.environ.get(cgi_name) or None

    @lazy
    def _content_type(self) -> tuple[str, dict[str, str]]:
        return parse_options_header(self.content_type)

    @lazy
    def content_type(self) -> str | None:
        """The Content-Type header as sent."""
        return self._body_field("Content-Type", "CONTENT_TYPE")

    @property
    def mimetype(self) -> str:
        """The media type of the body, lower-case, without parameters."""
        return self._content_type[0].lower()

    @property
    def mimetype_params(self) -> dict[str, str]:
        """The parameters of the Content-Type header."""
        return self._content_type[1]

    @lazy
    def content_length(self) -> int | None:
        """The Content-Length header as an int; 400 if it is not one."""
        value = self._body_field("Content-Length", "CONTENT_LENGTH")
        if value is None:
            return None
        return parse_content_length(value.strip())

    @property
    def is_json(self) -> bool:
        """Whether the body is JSON (``application/json`` or ``+json``)."""
        mt = self.mimetype
        return mt == "application/json" or (
            mt.startswith("application/") and mt.endswith("+json")
        )

    # -- routing ---------------------------------------------------------------

    @property
    def endpoint(self) -> str | None:
        """The endpoint of the matched rule."""
        return self.url_rule.endpoint if self.url_rule is not None else None

    @property
    def blueprint(self) -> str | None:
        """The name of the blueprint the matched endpoint belongs to."""
        endpoint = self.endpoint
        if endpoint is not None and "." in endpoint:
            return endpoint.rpartition(".")[0]
        return None

    @property
    def blueprints(self) -> list[str]:
        """The matched blueprint and its parents, innermost first."""
        name = self.blueprint
        if name is None:
            return []
        parts = name.split(".")
        return [".".join(parts[:i]) for i in range(len(parts), 0, -1)]

    # -- the body --------------------------------------------------------------

    def _limit(self, key: str, default: Any) -> Any:
        if self.app is None:
            return default
        return self.app.config.get(key, default)

    @property
    def max_content_length(self) -> int | None:
        """The largest body accepted; 413 past it.

        The app's ``MAX_CONTENT_LENGTH`` unless set on this request, which
        a view does before reading the body to change the limit for itself.
        """
        if self._max_content_length is not None:
            return self._max_content_length
        # PERF: _limit inlined; every request with a body asks for this.
        app = self.app
        limit = self.default_max_content_length
        if app is not None:
            limit = app.config.get("MAX_CONTENT_LENGTH", limit)
        return int(limit) if limit is not None else None

    @max_content_length.setter
    def max_content_length(self, value: int | None) -> None:
        self._max_content_length = value

    @property
    def max_form_memory_size(self) -> int | None:
        """The largest non-file field of a multipart form; 413 past it.

        The app's ``MAX_FORM_MEMORY_SIZE`` unless set on this request.
        """
        if self._max_form_memory_size is not None:
            return self._max_form_memory_size
        limit = self._limit("MAX_FORM_MEMORY_SIZE", self.default_max_form_memory_size)
        return int(limit) if limit is not None else None

    @max_form_memory_size.setter
    def max_form_memory_size(self, value: int | None) -> None:
        self._max_form_memory_size = value

    @property
    def max_form_parts(self) -> int | None:
        """The most fields a multipart form may have; 413 past it.

        The app's ``MAX_FORM_PARTS`` unless set on this request.
        """
        if self._max_form_parts is not None:
            return self._max_form_parts
        limit = self._limit("MAX_FORM_PARTS", self.default_max_form_parts)
        return int(limit) if limit is not None else None

    @max_form_parts.setter
    def max_form_parts(self, value: int | None) -> None:
        self._max_form_parts = value

    @property
    def want_form_data_parsed(self) -> bool:
        """Whether the request carries a body to parse (it has a Content-Type)."""
        return "Content-Type" in self.headers

    @property
    def input_stream(self) -> BinaryIO:
        """The body as the server gave it, without the content limits.

        Under WSGI this is ``wsgi.input``; under ASGI the received body.
        Prefer :attr:`stream`, which stops at the declared length.
        """
        if self.scope is not None:
            return self.stream
        return self.environ["wsgi.input"]  # type: ignore[no-any-return]

    @lazy
    def stream(self) -> BinaryIO:
        """The body as a file-like object, bounded by the content limits."""
        if self.scope is not None:
            return self._body if self._body is not None else io.BytesIO()
        if self.shallow:
            raise RuntimeError(
                "A shallow request (Request(environ, shallow=True)) may not"
                " read its body; make the request without shallow=True."
            )
        return wsgi_body_stream(self)

    def get_data(
        self, cache: bool = True, as_text: bool = False, parse_form_data: bool = False
    ) -> Any:
        """Return the raw body as bytes, or text with ``as_text``.

        :param cache: keep the bytes so later calls return them again.
        :param as_text: decode the body as UTF-8 (invalid bytes are replaced).
        :param parse_form_data: parse a form body first, so ``form`` stays usable.
        """
        if parse_form_data:
            self._load_form_data()
        data = self.__dict__.get("_cached_data")
        if data is None:
            data = self.stream.read()
            if cache:
                self.__dict__["_cached_data"] = data
        return data.decode("utf-8", "replace") if as_text else data

    @property
    def data(self) -> bytes:
        """The raw body, for any content type that is not a form."""
        return self.get_data(parse_form_data=True)  # type: ignore[no-any-return]

    def _load_form_data(self) -> None:
        if "form" in self.__dict__:
            return
        mt = self.mimetype
        if self.method in ("GET", "HEAD") or mt not in (
            "application/x-www-form-urlencoded",
            "multipart/form-data",
        ):
            form: MultiDict[str, str] = MultiDict()
            files: MultiDict[str, FileStorage] = MultiDict()
        else:
            form, files = parse_form_data(
                self.content_type,
                iter_stream(self.stream),
                max_form_memory_size=self.max_form_memory_size,
                max_form_parts=self.max_form_parts,
            )
        self.__dict__["form"] = ImmutableMultiDict(form)
        self.__dict__["files"] = ImmutableMultiDict(files)
        if files:
            self._holds_resources = True
        elif mt != "multipart/form-data" and self.app is not None and self.app.debug:
            # In debug mode, a file field of a form sent without
            # enctype="multipart/form-data" gets an error that says so.
            from .debughelpers import attach_enctype_error_multidict

            attach_enctype_error_multidict(self)

    @lazy
    def form(self) -> ImmutableMultiDict[str, str]:
        """Fields of a urlencoded or multipart body."""
        self._load_form_data()
        return self.__dict__["form"]  # type: ignore[no-any-return]

    @lazy
    def files(self) -> ImmutableMultiDict[str, FileStorage]:
        """Uploaded files of a multipart body."""
        self._load_form_data()
        return self.__dict__["files"]  # type: ignore[no-any-return]

    @lazy
    def values(self) -> CombinedMultiDict[str, str]:
        """``args`` and ``form`` together (form only for non-GET requests)."""
        if self.method == "GET":
            return CombinedMultiDict([self.args])
        return CombinedMultiDict([self.args, self.form])

    @property
    def json(self) -> Any:
        """The parsed JSON body; 415 unless the body is JSON. See ``get_json``."""
        return self.get_json()

    def get_json(
        self, force: bool = False, silent: bool = False, cache: bool = True
    ) -> Any:
        """Parse the body as JSON.

        :param force: parse even if the Content-Type is not JSON.
        :param silent: return ``None`` instead of failing on a bad body.
        :param cache: keep the result for later calls.
        :raises BadRequest: the body is not valid JSON or nested too deeply.
        :raises UnsupportedMediaType: the Content-Type is not JSON.
        """
        cached = self.__dict__.get("_cached_json", _missing)
        if cached is not _missing and cache:
            return cached
        if not (force or self.is_json):
            if silent:
                return None
            return self.on_json_loading_failed(None)
        data = self.get_data(cache=cache)
        try:
            rv = self._json_loads(data)
        except ValueError as e:
            if silent:
                return None
            return self.on_json_loading_failed(e)
        if cache:
            self.__dict__["_cached_json"] = rv
        return rv

    def _json_loads(self, data: bytes) -> Any:
        from .json.provider import check_depth, loads

        depth = self._limit("MAX_JSON_DEPTH", self.default_max_json_depth)
        check_depth(data, depth)
        if self.json_module is not _json:
            # A subclass chose its own decoder, as Flask allows.
            return self.json_module.loads(data)
        if self.app is not None:
            return self.app.json.loads(data)
        return loads(data)

    def on_json_loading_failed(self, e: ValueError | None) -> Any:
        """Answer a body that could not be parsed as JSON; override to customize.

        Outside debug mode the 400 says only that the request was bad; in
        debug mode it also gives the parser's message, as in Flask.

        :param e: the parse error, or ``None`` if the body was not JSON at all.
        """
        from .http.exceptions import UnsupportedMediaType

        if e is None:
            raise UnsupportedMediaType(
                "Did not attempt to load JSON data because the request"
                " Content-Type was not 'application/json'."
            )
        app = self.app
        if app is None:
            from .globals import _cv_app

            ctx = _cv_app.get(None)
            app = ctx.app if ctx is not None else None
        if app is not None and app.debug:
            raise BadRequest(f"Failed to decode JSON object: {e}")
        # SECURITY: the parser's message quotes the body back; the chained
        # error keeps it for the log.
        raise BadRequest() from e

    def close(self) -> None:
        """Close uploaded files and the spooled body."""
        files = self.__dict__.get("files")
        if files:
            # Every upload, also the second and later ones under one name.
            for _, f in files.items(multi=True):
                f.close()
        if self._body is not None:
            self._body.close()

    def __repr__(self) -> str:
        """Return the method and URL for debugging."""
        return f"<{type(self).__name__} {self.method} {self.path!r}>"


_missing: Any = object()


def _environ_headers(environ: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    for key, value in environ.items():
        if key.startswith("HTTP_"):
            if key in ("HTTP_CONTENT_TYPE", "HTTP_CONTENT_LENGTH"):
                continue
            yield key[5:].replace("_", "-").title(), value
        elif key in ("CONTENT_TYPE", "CONTENT_LENGTH") and value:
            yield key.replace("_", "-").title(), value
