"""RequestSpec: a built request, rendered for either protocol.

:class:`~kolben.testing.EnvironBuilder` builds every test request as a WSGI
environ. The ASGI client reads that environ into a :class:`RequestSpec` and
renders it as a scope, so both protocols see the same request: the client
address of ``REMOTE_ADDR``, the scheme of ``wsgi.url_scheme``, the headers,
and (through ``request.environ``) every other key the test set.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, unquote_to_bytes

from ._builder import EnvironBuilder, _seekable

if TYPE_CHECKING:
    from ..app import Kolben

# The environ keys a scope carries in its own fields; every other key (such
# as ``wsgi.errors`` or ``environ_overrides``' own) travels in the scope's
# ``kolben.environ`` for ``request.environ`` to show under ASGI.
_SCOPE_KEYS = frozenset(
    {
        "REQUEST_METHOD",
        "SCRIPT_NAME",
        "PATH_INFO",
        "QUERY_STRING",
        "SERVER_NAME",
        "SERVER_PORT",
        "SERVER_PROTOCOL",
        "REMOTE_ADDR",
        "REMOTE_PORT",
        "CONTENT_TYPE",
        "CONTENT_LENGTH",
        "wsgi.version",
        "wsgi.url_scheme",
        "wsgi.input",
    }
)
# What stays unescaped in a raw path: RFC 3986 path characters, but not "%",
# so a decoded "%" is sent as "%25".
_RAW_PATH_SAFE = "/:@!$&'()*+,;=~"


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
    remote_addr: str | None = "127.0.0.1"
    extra_environ: dict[str, Any] = field(default_factory=dict)
    http_version: str = "1.1"
    remote_port: int = 50000

    @property
    def path_bytes(self) -> bytes:
        """The percent-decoded path as bytes."""
        return unquote_to_bytes(self.raw_path)

    @classmethod
    def from_environ(cls, environ: Mapping[str, Any]) -> RequestSpec:
        """Read a WSGI environ; the body is read and its stream rewound.

        :param environ: the environ, as :class:`EnvironBuilder` builds it.
        """
        port = str(environ.get("SERVER_PORT") or "")
        name = str(environ.get("SERVER_NAME") or "localhost")
        root = (
            environ.get("SCRIPT_NAME", "").encode("latin-1").decode("utf-8", "replace")
        )
        path = environ.get("PATH_INFO", "").encode("latin-1")
        remote_port = str(environ.get("REMOTE_PORT", ""))
        return cls(
            method=environ.get("REQUEST_METHOD", "GET"),
            scheme=environ.get("wsgi.url_scheme", "http"),
            host=f"{name}:{port}" if port else name,
            root_path=root,
            raw_path=quote(path or b"/", safe=_RAW_PATH_SAFE),
            query_string=environ.get("QUERY_STRING", ""),
            headers=list(_headers(environ)),
            body=_read_body(environ),
            remote_addr=environ.get("REMOTE_ADDR"),
            remote_port=int(remote_port) if remote_port.isdigit() else 50000,
            extra_environ={k: v for k, v in environ.items() if _is_extra(k)},
            http_version=str(environ.get("SERVER_PROTOCOL", "HTTP/1.1"))[5:] or "1.1",
        )

    def _server(self) -> tuple[str, int]:
        host, _, port = self.host.partition(":")
        return host, int(port) if port else (443 if self.scheme == "https" else 80)

    def to_environ(self) -> dict[str, Any]:
        """Render the request as a WSGI environ."""
        host, port = self._server()
        environ: dict[str, Any] = {
            "REQUEST_METHOD": self.method,
            "SCRIPT_NAME": self.root_path.encode().decode("latin-1"),
            "PATH_INFO": self.path_bytes.decode("latin-1"),
            "QUERY_STRING": self.query_string,
            "SERVER_NAME": host,
            "SERVER_PORT": str(port),
            "SERVER_PROTOCOL": f"HTTP/{self.http_version}",
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": self.scheme,
            "wsgi.input": io.BytesIO(self.body),
            "wsgi.errors": io.StringIO(),
            "wsgi.multithread": False,
            "wsgi.multiprocess": False,
            "wsgi.run_once": False,
        }
        if self.remote_addr is not None:
            environ["REMOTE_ADDR"] = self.remote_addr
        for name, value in self.headers:
            key = name.upper().replace("-", "_")
            if key not in ("CONTENT_TYPE", "CONTENT_LENGTH"):
                key = "HTTP_" + key
            environ[key] = f"{environ[key]}, {value}" if key in environ else value
        environ.update(self.extra_environ)
        return environ

    def to_scope(self) -> dict[str, Any]:
        """Render the request as an ASGI HTTP scope."""
        scope: dict[str, Any] = {
            "type": "http",
            "asgi": {"version": "3.0", "spec_version": "2.3"},
            "http_version": self.http_version,
            "method": self.method,
            "scheme": self.scheme,
            "path": self.root_path + self.path_bytes.decode("utf-8", "replace"),
            "raw_path": quote(self.root_path).encode("ascii")
            + self.raw_path.encode("ascii"),
            "root_path": self.root_path,
            "query_string": self.query_string.encode("latin-1"),
            "headers": [
                (k.lower().encode("latin-1"), v.encode("latin-1"))
                for k, v in self.headers
            ],
            "client": (
                (self.remote_addr, self.remote_port)
                if self.remote_addr is not None
                else None
            ),
            "server": self._server(),
            "kolben.environ": self.extra_environ,
        }
        # The adapters' test hooks (kept contexts) are read from the scope.
        scope.update(
            (k, v) for k, v in self.extra_environ.items() if k.startswith("kolben.")
        )
        return scope


def _is_extra(key: str) -> bool:
    return key not in _SCOPE_KEYS and not key.startswith("HTTP_")


def _headers(environ: Mapping[str, Any]) -> list[tuple[str, str]]:
    pairs = []
    for key, value in environ.items():
        if key.startswith("HTTP_"):
            if key in ("HTTP_CONTENT_TYPE", "HTTP_CONTENT_LENGTH"):
                continue
            pairs.append((key[5:].replace("_", "-").title(), str(value)))
        elif key in ("CONTENT_TYPE", "CONTENT_LENGTH") and value:
            pairs.append((key.replace("_", "-").title(), str(value)))
    return pairs


def _read_body(environ: Mapping[str, Any]) -> bytes:
    stream = environ.get("wsgi.input")
    if stream is None:
        return b""
    length = str(environ.get("CONTENT_LENGTH") or "")
    start = stream.tell() if _seekable(stream) else None
    body: bytes = stream.read(int(length)) if length.isdigit() else stream.read()
    if start is not None:
        # Left as found: a followed 307 redirect sends the body again.
        stream.seek(start)
    return body


def build_spec(app: Kolben, *args: Any, **kwargs: Any) -> RequestSpec:
    """Describe a request given by :class:`EnvironBuilder` arguments.

    :param app: the application.
    :param args: passed to :class:`EnvironBuilder` after the app.
    :param kwargs: passed to :class:`EnvironBuilder`.
    """
    return RequestSpec.from_environ(build_environ(app, *args, **kwargs))


def build_environ(app: Kolben, *args: Any, **kwargs: Any) -> dict[str, Any]:
    """Return a WSGI environ for :class:`EnvironBuilder` arguments.

    :param app: the application.
    :param args: passed to :class:`EnvironBuilder` after the app.
    :param kwargs: passed to :class:`EnvironBuilder`.
    """
    builder = EnvironBuilder(app, *args, **kwargs)
    try:
        return builder.get_environ()
    finally:
        builder.close()
