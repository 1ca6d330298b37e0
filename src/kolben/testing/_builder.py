"""EnvironBuilder: a WSGI environ from the arguments tests pass.

The one place a test request is described. The test client, the
``test_request_context`` and ``Request.from_values`` all build through it;
the client renders the environ as an ASGI scope when it drives the app
through ASGI (see :mod:`kolben.testing._spec`).
"""

from __future__ import annotations

import io
import json as _json
import sys
from collections.abc import Iterable, Iterator, Mapping
from typing import IO, TYPE_CHECKING, Any, TypeGuard, TypeVar, overload
from urllib.parse import unquote_to_bytes, urlsplit

from ..http.auth import Authorization
from ..http.files import FileStorage
from ..http.forms import encode_multipart
from ..http.headers import Headers, parse_options_header
from ..http.multidict import MultiDict
from ..http.urls import iri_to_uri, url_encode, wsgi_decoding_dance
from ..request import Request

if TYPE_CHECKING:
    from ..app import Kolben

R = TypeVar("R", bound=Request)

# Werkzeug's EnvironBuilder takes these positionally, in this order; used to
# read ``Request.from_values`` arguments, which follow that order.
_PLAIN_ORDER = (
    "path",
    "base_url",
    "query_string",
    "method",
    "input_stream",
    "content_type",
    "content_length",
    "errors_stream",
    "multithread",
    "multiprocess",
    "run_once",
    "headers",
    "data",
    "environ_base",
    "environ_overrides",
    "mimetype",
    "json",
    "auth",
)

# Types that are text without being text/*: ``mimetype=`` adds a charset.
_TEXT_TYPES = frozenset(
    {
        "application/ecmascript",
        "application/javascript",
        "application/sql",
        "application/xml",
        "application/xml-dtd",
        "application/xml-external-parsed-entity",
    }
)


def _app_base_url(
    app: Kolben | None, path: str, subdomain: str | None, url_scheme: str | None
) -> tuple[str, str]:
    """Return ``(base_url, path)`` from the app's URL config, as Flask does."""
    config: Mapping[str, Any] = app.config if app is not None else {}
    host = config.get("SERVER_NAME") or "localhost"
    if subdomain:
        host = f"{subdomain}.{host}"
    if url_scheme is None:
        url_scheme = config.get("PREFERRED_URL_SCHEME") or "http"
    root = str(config.get("APPLICATION_ROOT") or "/")
    url = urlsplit(path)
    # A full URL as the path picks the scheme and host, as in a browser.
    base_url = f"{url.scheme or url_scheme}://{url.netloc or host}/{root.lstrip('/')}"
    path = f"{url.path}?{url.query}" if url.query else url.path
    return base_url, path


class EnvironBuilder:
    """Build a WSGI environ, or a request, from test client arguments.

    The signature is Flask's: the app first, which supplies the host
    (``SERVER_NAME``), the root (``APPLICATION_ROOT``), the scheme
    (``PREFERRED_URL_SCHEME``) and the JSON provider; then Werkzeug's
    arguments. ``data`` is bytes or text (the body), a file object (read as
    the body), or a mapping of form fields whose values may be files or
    ``(file, filename[, content_type])`` tuples (a multipart body)::

        builder = EnvironBuilder(app, "/upload", method="POST", data={"a": "1"})
        request = builder.get_request()

    :param app: the application; ``None`` builds for ``http://localhost/``.
    :param path: the path, optionally with a query string, or a full URL.
    :param base_url: the scheme, host and root the path is under; by default
        built from the app's config, ``subdomain`` and ``url_scheme``.
    :param subdomain: prefixed to ``SERVER_NAME``; not with ``base_url``.
    :param url_scheme: instead of ``PREFERRED_URL_SCHEME``; not with ``base_url``.
    :param query_string: a query string, or a mapping of arguments.
    :param method: the HTTP method.
    :param input_stream: the body as a stream; not with ``data``.
    :param content_type: the Content-Type; derived from ``data`` if not given.
    :param content_length: the Content-Length; derived from the body if not given.
    :param errors_stream: ``wsgi.errors``, where the app logs; ``sys.stderr``.
    :param multithread: ``wsgi.multithread``.
    :param multiprocess: ``wsgi.multiprocess``.
    :param run_once: ``wsgi.run_once``.
    :param headers: request headers, as :class:`Headers` or pairs.
    :param data: the body or form fields, see above.
    :param environ_base: environ keys the built ones override.
    :param environ_overrides: environ keys that override the built ones.
    :param mimetype: the Content-Type without parameters (``charset`` added).
    :param json: an object sent as a JSON body, with ``application/json``.
    :param auth: an :class:`Authorization`, or ``(username, password)`` for
        Basic authorization.
    """

    #: ``SERVER_PROTOCOL`` of the built environ.
    server_protocol = "HTTP/1.1"
    #: ``wsgi.version`` of the built environ.
    wsgi_version = (1, 0)
    #: The class :meth:`get_request` makes when not given one.
    request_class: type[Request] = Request

    def __init__(
        self,
        app: Kolben | None = None,
        path: str = "/",
        base_url: str | None = None,
        subdomain: str | None = None,
        url_scheme: str | None = None,
        query_string: Mapping[str, Any] | str | None = None,
        method: str = "GET",
        input_stream: IO[bytes] | None = None,
        content_type: str | None = None,
        content_length: int | None = None,
        errors_stream: IO[str] | None = None,
        multithread: bool = False,
        multiprocess: bool = False,
        run_once: bool = False,
        headers: Headers | Iterable[tuple[str, str]] | Mapping[str, str] | None = None,
        data: IO[bytes] | str | bytes | Mapping[str, Any] | None = None,
        environ_base: Mapping[str, Any] | None = None,
        environ_overrides: Mapping[str, Any] | None = None,
        mimetype: str | None = None,
        json: Any = None,
        auth: Authorization | tuple[str, str] | None = None,
    ) -> None:
        if base_url is not None and (subdomain or url_scheme):
            raise ValueError(
                "Give either 'base_url' or 'subdomain'/'url_scheme', not both:"
                " put the subdomain and scheme in the base URL."
            )
        self.app = app
        if base_url is None and (app is not None or subdomain or url_scheme):
            base_url, path = _app_base_url(app, path, subdomain, url_scheme)
        self._set_target(path, base_url, query_string)
        self.method = method
        self.headers = headers if isinstance(headers, Headers) else Headers(headers)
        if content_type is not None:
            self.content_type = content_type
        self.errors_stream: IO[str] = (
            sys.stderr if errors_stream is None else errors_stream
        )
        self.multithread = multithread
        self.multiprocess = multiprocess
        self.run_once = run_once
        self.environ_base = environ_base
        self.environ_overrides = environ_overrides
        self.input_stream = input_stream
        if content_length is not None:
            # Unlike Werkzeug, a Content-Length in ``headers`` is kept when this
            # is not given: a test can send a length that does not match.
            self.content_length = content_length
        self.closed = False
        if auth is not None:
            self.headers.set("Authorization", _auth_header(auth))
        if json is not None:
            if data is not None:
                raise TypeError("Give either 'data' or 'json', not both.")
            data = self.json_dumps(json)
            if self.content_type is None:
                self.content_type = "application/json"
        if data:
            self._set_data(data, input_stream)
        if mimetype is not None:
            self.mimetype = mimetype

    def _set_target(
        self,
        path: str,
        base_url: str | None,
        query_string: Mapping[str, Any] | str | None,
    ) -> None:
        if query_string is not None and "?" in path:
            raise ValueError(
                "The query string is given in the path and as 'query_string';"
                " give it in one place."
            )
        target = urlsplit(path)
        #: The path as given, with its query string: ``REQUEST_URI``.
        self.request_uri = path
        self.path = iri_to_uri(target.path)
        self.base_url = base_url
        self._args: MultiDict[str, Any] | None = None
        self._query_string: str | None = None
        if query_string is None and "?" in path:
            query_string = target.query
        if isinstance(query_string, str):
            self._query_string = query_string
        elif query_string is not None:
            self._args = (
                query_string
                if isinstance(query_string, MultiDict)
                else MultiDict(query_string)
            )

    def _set_data(self, data: Any, input_stream: IO[bytes] | None) -> None:
        if input_stream is not None:
            raise TypeError("Give either 'data' or 'input_stream', not both.")
        if hasattr(data, "read"):
            data = data.read()
        if isinstance(data, str):
            data = data.encode()
        if isinstance(data, (bytes, bytearray)):
            self.input_stream = io.BytesIO(bytes(data))
            if "Content-Length" not in self.headers:
                self.content_length = len(data)
            return
        for key, value in _iter_fields(data):
            if isinstance(value, (tuple, FileStorage)) or hasattr(value, "read"):
                self.files.add(key, _file_storage(key, value))
            else:
                self.form.add(key, value)

    @classmethod
    def from_environ(cls, environ: Mapping[str, Any], **kwargs: Any) -> EnvironBuilder:
        """Return a builder for the request an environ describes.

        :param environ: a WSGI environ.
        :param kwargs: arguments that replace those read from the environ.
        """
        headers = Headers(
            (key[5:].replace("_", "-").title(), str(value))
            for key, value in environ.items()
            if key.startswith("HTTP_")
        )
        host = headers.pop("Host", None) or environ.get("SERVER_NAME", "localhost")
        root = wsgi_decoding_dance(environ.get("SCRIPT_NAME", ""))
        values: dict[str, Any] = {
            "path": wsgi_decoding_dance(environ.get("PATH_INFO", "")) or "/",
            "base_url": f"{environ['wsgi.url_scheme']}://{host}{root.rstrip('/')}/",
            "query_string": wsgi_decoding_dance(environ.get("QUERY_STRING", "")),
            "method": environ.get("REQUEST_METHOD", "GET"),
            "input_stream": environ.get("wsgi.input"),
            "content_type": environ.get("CONTENT_TYPE") or None,
            "content_length": environ.get("CONTENT_LENGTH") or None,
            "errors_stream": environ.get("wsgi.errors"),
            "multithread": environ.get("wsgi.multithread", False),
            "multiprocess": environ.get("wsgi.multiprocess", False),
            "run_once": environ.get("wsgi.run_once", False),
            "headers": headers,
        }
        values.update(kwargs)
        return cls(**values)

    @classmethod
    def _from_plain_args(
        cls, args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> EnvironBuilder:
        """Build from Werkzeug's positional order, which has no app first."""
        if len(args) > len(_PLAIN_ORDER):
            raise TypeError(
                f"Expected at most {len(_PLAIN_ORDER)} positional arguments."
            )
        named = dict(zip(_PLAIN_ORDER, args, strict=False))
        both = named.keys() & kwargs.keys()
        if both:
            raise TypeError(f"Got multiple values for {', '.join(sorted(both))}.")
        return cls(**named, **kwargs)

    # -- the URL -----------------------------------------------------------------

    @property
    def base_url(self) -> str:
        """The scheme, host and root path, ending in ``/``."""
        return f"{self.url_scheme}://{self.host}{self.script_root}/"

    @base_url.setter
    def base_url(self, value: str | None) -> None:
        if value is None:
            scheme, host, root = "http", "localhost", ""
        else:
            parts = urlsplit(iri_to_uri(value))
            if parts.query or parts.fragment:
                raise ValueError(
                    "The base URL must not have a query string or fragment;"
                    " pass the query string as 'query_string'."
                )
            scheme, host, root = parts.scheme, parts.netloc, parts.path
        #: ``SCRIPT_NAME``: where the app is mounted, without a trailing ``/``.
        self.script_root = root.rstrip("/")
        #: The host with an optional port: ``HTTP_HOST``.
        self.host = host
        #: ``wsgi.url_scheme``.
        self.url_scheme = scheme

    @property
    def server_name(self) -> str:
        """The host name without the port; set :attr:`host` to change it."""
        return self.host.partition(":")[0]

    @property
    def server_port(self) -> int:
        """The port, from :attr:`host` or the scheme's default."""
        _, colon, port = self.host.partition(":")
        if colon and port.isdigit():
            return int(port)
        return 443 if self.url_scheme == "https" else 80

    @property
    def query_string(self) -> str:
        """The query string; setting it replaces :attr:`args`."""
        if self._query_string is not None:
            return self._query_string
        return url_encode(self._args) if self._args is not None else ""

    @query_string.setter
    def query_string(self, value: str | None) -> None:
        self._query_string = value
        self._args = None

    @property
    def args(self) -> MultiDict[str, Any]:
        """The URL arguments; not available once a query string is set."""
        if self._query_string is not None:
            raise AttributeError(
                "The query string was given as a string; set 'query_string'"
                " to None to build it from 'args'."
            )
        if self._args is None:
            self._args = MultiDict()
        return self._args

    @args.setter
    def args(self, value: MultiDict[str, Any] | None) -> None:
        self._query_string = None
        self._args = value

    # -- the body ----------------------------------------------------------------

    @property
    def input_stream(self) -> IO[bytes] | None:
        """The body as a stream; setting it clears :attr:`form` and :attr:`files`."""
        return self._input_stream

    @input_stream.setter
    def input_stream(self, value: IO[bytes] | None) -> None:
        self._input_stream = value
        self._form: MultiDict[str, Any] | None = None
        self._files: MultiDict[str, FileStorage] | None = None

    @property
    def form(self) -> MultiDict[str, Any]:
        """The form fields of the body."""
        if self._input_stream is not None:
            raise AttributeError("The body is an input stream; it has no form fields.")
        if self._form is None:
            self._form = MultiDict()
        return self._form

    @form.setter
    def form(self, value: MultiDict[str, Any]) -> None:
        self._input_stream = None
        self._form = value

    @property
    def files(self) -> MultiDict[str, FileStorage]:
        """The uploaded files of the body, as :class:`FileStorage` objects."""
        if self._input_stream is not None:
            raise AttributeError("The body is an input stream; it has no files.")
        if self._files is None:
            self._files = MultiDict()
        return self._files

    @files.setter
    def files(self, value: MultiDict[str, FileStorage]) -> None:
        self._input_stream = None
        self._files = value

    @property
    def content_type(self) -> str | None:
        """The Content-Type header, or the one the form fields need."""
        value = self.headers.get("Content-Type")
        if value is None and self._input_stream is None:
            if self._files:
                return "multipart/form-data"
            if self._form:
                return "application/x-www-form-urlencoded"
        return value

    @content_type.setter
    def content_type(self, value: str | None) -> None:
        if value is None:
            self.headers.pop("Content-Type", None)
        else:
            self.headers["Content-Type"] = value

    @property
    def mimetype(self) -> str | None:
        """The Content-Type without its parameters."""
        value = self.content_type
        return value.partition(";")[0].strip() if value else None

    @mimetype.setter
    def mimetype(self, value: str) -> None:
        if value.startswith("text/") or value in _TEXT_TYPES or value.endswith("+xml"):
            value = f"{value}; charset=utf-8"
        self.content_type = value

    @property
    def mimetype_params(self) -> dict[str, str]:
        """The Content-Type parameters; assign to :attr:`content_type` to change."""
        return parse_options_header(self.headers.get("Content-Type"))[1]

    @property
    def content_length(self) -> int | None:
        """The Content-Length header as an int."""
        return self.headers.get("Content-Length", None, int)

    @content_length.setter
    def content_length(self, value: int | None) -> None:
        if value is None:
            self.headers.pop("Content-Length", None)
        else:
            self.headers["Content-Length"] = str(value)

    def json_dumps(self, obj: Any, **kwargs: Any) -> str:
        """Serialize ``json=`` with the app's JSON provider (or the stdlib's).

        :param obj: the object to serialize.
        :param kwargs: passed to the provider's ``dumps``.
        """
        if self.app is not None:
            return self.app.json.dumps(obj, **kwargs)
        return _json.dumps(obj, **kwargs)

    def _body(self) -> tuple[IO[bytes], int | str | None, str | None]:
        """Return the body stream, its length and its content type."""
        stream, given = self._input_stream, self.headers.get("Content-Length")
        content_type, mimetype = self.content_type, self.mimetype
        if stream is not None:
            if given is not None or not _seekable(stream):
                return stream, given, content_type
            start = stream.tell()
            stream.seek(0, io.SEEK_END)
            length = stream.tell() - start
            stream.seek(start)
            return stream, length, content_type
        if mimetype == "multipart/form-data":
            fields: list[tuple[str, Any]] = [
                *self.form.items(multi=True),
                *self.files.items(multi=True),
            ]
            body, content_type = encode_multipart(fields)
            return io.BytesIO(body), len(body), content_type
        if mimetype == "application/x-www-form-urlencoded":
            body = url_encode(self.form).encode("ascii")
            return io.BytesIO(body), len(body), content_type
        return io.BytesIO(), given, content_type

    # -- the results -------------------------------------------------------------

    def get_environ(self) -> dict[str, Any]:
        """Return the WSGI environ for the request."""
        stream, length, content_type = self._body()
        environ: dict[str, Any] = dict(self.environ_base or {})
        raw_uri = _latin1(self.request_uri)
        environ.update(
            {
                "REQUEST_METHOD": self.method,
                "SCRIPT_NAME": _path_info(self.script_root),
                "PATH_INFO": _path_info(self.path),
                "QUERY_STRING": _latin1(self.query_string),
                "REQUEST_URI": raw_uri,
                "RAW_URI": raw_uri,
                "SERVER_NAME": self.server_name,
                "SERVER_PORT": str(self.server_port),
                "HTTP_HOST": self.host,
                "SERVER_PROTOCOL": self.server_protocol,
                "wsgi.version": self.wsgi_version,
                "wsgi.url_scheme": self.url_scheme,
                "wsgi.input": stream,
                "wsgi.errors": self.errors_stream,
                "wsgi.multithread": self.multithread,
                "wsgi.multiprocess": self.multiprocess,
                "wsgi.run_once": self.run_once,
            }
        )
        if content_type is not None:
            environ["CONTENT_TYPE"] = content_type
        if length is not None:
            environ["CONTENT_LENGTH"] = str(length)
        combined: dict[str, list[str]] = {}
        for name, value in self.headers.items():
            if name.lower() not in ("content-type", "content-length"):
                key = "HTTP_" + name.upper().replace("-", "_")
                combined.setdefault(key, []).append(value)
        for key, values in combined.items():
            environ[key] = ", ".join(values)
        environ.update(self.environ_overrides or {})
        return environ

    @overload
    def get_request(self, cls: None = None) -> Request: ...
    @overload
    def get_request(self, cls: type[R]) -> R: ...
    def get_request(self, cls: type[Request] | None = None) -> Request:
        """Return a request for the built environ, bound to the app.

        :param cls: the request class; :attr:`request_class` by default.
        """
        if cls is None:
            cls = self.request_class
        return cls(self.get_environ(), app=self.app)

    def close(self) -> None:
        """Close the files given in ``data``."""
        if self.closed:
            return
        for f in (self._files or MultiDict()).values():
            try:
                f.close()
            except Exception:  # closing is best effort: a file may be closed
                pass
        self.closed = True

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:  # nothing to report to during collection
            pass


def _auth_header(auth: Authorization | tuple[str, str]) -> str:
    """Build the Authorization header; a ``(username, password)`` is Basic."""
    if isinstance(auth, tuple):
        auth = Authorization("basic", {"username": auth[0], "password": auth[1]})
    return auth.to_header()


def _seekable(stream: Any) -> TypeGuard[IO[bytes]]:
    """Whether a body stream can be measured and rewound."""
    seekable = getattr(stream, "seekable", None)
    return seekable is not None and bool(seekable())


def _latin1(text: str) -> str:
    """Text as a WSGI environ holds it: UTF-8 bytes read as latin-1."""
    return text if text.isascii() else text.encode().decode("latin-1")


def _path_info(path: str) -> str:
    # Byte-exact: ``%FF`` stays the byte 0xFF, so the app's strict decoding
    # answers it with a 400 as it would from a real server.
    return unquote_to_bytes(path).decode("latin-1")


def _iter_fields(data: Any) -> Iterator[tuple[str, Any]]:
    """Yield ``(name, value)`` form pairs; a list value repeats the name."""
    if isinstance(data, MultiDict):
        yield from data.items(multi=True)
        return
    pairs = data.items() if isinstance(data, Mapping) else data
    for key, value in pairs:
        if isinstance(value, list):
            for item in value:
                yield key, item
        else:
            yield key, value


def _file_storage(name: str, value: Any) -> FileStorage:
    """Wrap a file given in ``data``: a stream, or ``(stream, name[, type])``.

    The stream may also be bytes (the content) or a path to open.
    """
    if isinstance(value, FileStorage):
        return value
    stream, filename, content_type = value, None, None
    if isinstance(value, tuple):
        stream, filename, content_type = (*value, None, None)[:3]
    if isinstance(stream, (bytes, bytearray)):
        stream = io.BytesIO(bytes(stream))
    elif isinstance(stream, str):
        # A path, as Werkzeug takes it.
        if filename is None:
            filename = stream
        stream = open(stream, "rb")  # closed by close()
    return FileStorage(stream, filename, name, content_type)


__all__ = ["EnvironBuilder"]
