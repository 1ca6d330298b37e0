"""Werkzeug's ``ProxyFix`` for WSGI and ASGI: trust a set number of proxies.

A proxy adds the address of the client it talks to, the scheme, host, port
and prefix the client asked for, as ``X-Forwarded-For``, ``-Proto``,
``-Host``, ``-Port`` and ``-Prefix``. Each proxy appends to what the one
before sent, so only the last ``n`` values of each, written by the ``n``
proxies the deployment has, can be trusted: the rest came from the client.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import Any, overload
from urllib.parse import quote

from ..http.headers import parse_list_header

#: The environ key (and, under ASGI, the scope key) holding what the request
#: said before the headers were applied, as Werkzeug's ``ProxyFix`` sets it.
ORIG_KEY = "werkzeug.proxy_fix.orig"
#: The client address taken from ``X-Forwarded-For``, or ``None`` if none
#: was: the debug page trusts only such an address
#: (``kolben.debug.request_may_see_page``).
FOR_KEY = "kolben.proxy_fix.for"
#: The keyword arguments, in Werkzeug's order.
OPTIONS = ("x_for", "x_proto", "x_host", "x_port", "x_prefix")

_FORWARDED = {
    b"x-forwarded-for": "x_for",
    b"x-forwarded-proto": "x_proto",
    b"x-forwarded-host": "x_host",
    b"x-forwarded-port": "x_port",
    b"x-forwarded-prefix": "x_prefix",
}


def _trusted(count: int, value: str | None) -> str | None:
    """Return the value ``count`` hops back, or ``None`` if there are fewer."""
    if not (count and value):
        return None
    values = parse_list_header(value)
    return values[-count] if len(values) >= count else None


def _split_host(host: str) -> tuple[str, str | None]:
    """Split ``host:port``; an IPv6 address in brackets has no port then."""
    if ":" in host and not host.endswith("]"):
        name, port = host.rsplit(":", 1)
        return name, port
    return host, None


class Forwarding:
    """The trusted hop counts, and the rewriting of an environ or a scope.

    What :class:`ProxyFix` and the ``PROXY_FIX`` setting share.

    :param x_for: values of ``X-Forwarded-For`` to trust.
    :param x_proto: values of ``X-Forwarded-Proto`` to trust.
    :param x_host: values of ``X-Forwarded-Host`` to trust.
    :param x_port: values of ``X-Forwarded-Port`` to trust.
    :param x_prefix: values of ``X-Forwarded-Prefix`` to trust.
    """

    __slots__ = OPTIONS
    x_for: int
    x_proto: int
    x_host: int
    x_port: int
    x_prefix: int

    def __init__(
        self,
        x_for: int = 1,
        x_proto: int = 1,
        x_host: int = 0,
        x_port: int = 0,
        x_prefix: int = 0,
    ) -> None:
        """Take how many proxies set each ``X-Forwarded-*`` header."""
        counts = (x_for, x_proto, x_host, x_port, x_prefix)
        for name, value in zip(OPTIONS, counts, strict=True):
            if type(value) is not int or value < 0:
                raise ValueError(
                    f"ProxyFix's {name} is the number of proxies that set the"
                    f" header, 0 or more; got {value!r}."
                )
            setattr(self, name, value)

    @classmethod
    def from_config(cls, options: Mapping[str, Any]) -> Forwarding:
        """Return the forwarding a ``PROXY_FIX`` setting describes.

        :param options: ``ProxyFix``'s keyword arguments, e.g. ``{"x_for": 1}``.
        :raises TypeError: the setting is not a mapping of those arguments.
        """
        if not isinstance(options, Mapping) or not set(options) <= set(OPTIONS):
            raise TypeError(
                "PROXY_FIX is a dict of ProxyFix's arguments, e.g."
                f" {{'x_for': 1, 'x_proto': 1}}; got {options!r}."
            )
        return cls(**options)

    def fix_environ(self, environ: dict[str, Any]) -> None:
        """Apply the trusted forwarding headers to a WSGI environ, in place."""
        get = environ.get
        environ[ORIG_KEY] = {
            key: get(key)
            for key in (
                "REMOTE_ADDR",
                "wsgi.url_scheme",
                "HTTP_HOST",
                "SERVER_NAME",
                "SERVER_PORT",
                "SCRIPT_NAME",
            )
        }
        x_for = environ[FOR_KEY] = _trusted(self.x_for, get("HTTP_X_FORWARDED_FOR"))
        if x_for:
            environ["REMOTE_ADDR"] = x_for
        x_proto = _trusted(self.x_proto, get("HTTP_X_FORWARDED_PROTO"))
        if x_proto:
            environ["wsgi.url_scheme"] = x_proto
        x_host = _trusted(self.x_host, get("HTTP_X_FORWARDED_HOST"))
        if x_host:
            environ["HTTP_HOST"] = environ["SERVER_NAME"] = x_host
            name, port = _split_host(x_host)
            if port is not None:
                environ["SERVER_NAME"], environ["SERVER_PORT"] = name, port
        x_port = _trusted(self.x_port, get("HTTP_X_FORWARDED_PORT"))
        if x_port:
            host = get("HTTP_HOST")
            if host:
                environ["HTTP_HOST"] = f"{_split_host(host)[0]}:{x_port}"
            environ["SERVER_PORT"] = x_port
        x_prefix = _trusted(self.x_prefix, get("HTTP_X_FORWARDED_PREFIX"))
        if x_prefix:
            environ["SCRIPT_NAME"] = x_prefix

    def fix_scope(self, scope: dict[str, Any]) -> dict[str, Any]:
        """Return a copy of an ASGI HTTP or WebSocket scope with the headers applied.

        Other scopes (``lifespan``) are returned as they are.
        """
        if scope.get("type") not in ("http", "websocket"):
            return scope
        values: dict[str, str] = {}
        headers = list(scope.get("headers", ()))
        host_at = None
        for i, (name, value) in enumerate(headers):
            option = _FORWARDED.get(name.lower())
            if option is not None:
                text = value.decode("latin-1")
                # Repeated fields are one list, as a WSGI server joins them.
                seen = values.get(option)
                values[option] = text if seen is None else f"{seen},{text}"
            elif host_at is None and name.lower() == b"host":
                host_at = i
        scope = dict(scope)
        client, server = scope.get("client"), scope.get("server")
        host = headers[host_at][1].decode("latin-1") if host_at is not None else None
        scope[ORIG_KEY] = {
            "REMOTE_ADDR": client[0] if client else None,
            "wsgi.url_scheme": scope.get("scheme"),
            "HTTP_HOST": host,
            "SERVER_NAME": server[0] if server else None,
            "SERVER_PORT": str(server[1]) if server and server[1] is not None else None,
            "SCRIPT_NAME": scope.get("root_path", ""),
        }
        x_for = scope[FOR_KEY] = _trusted(self.x_for, values.get("x_for"))
        if x_for:
            scope["client"] = (x_for, 0)
        x_proto = _trusted(self.x_proto, values.get("x_proto"))
        if x_proto:
            secure = x_proto.lower() in ("https", "wss")
            if scope["type"] == "websocket":
                x_proto = "wss" if secure else "ws"
            scope["scheme"] = x_proto
        new_host = self._fixed_host(scope, values, host)
        if new_host is not None and new_host != host:
            field = (b"host", new_host.encode("latin-1"))
            if host_at is None:
                headers.append(field)
            else:
                headers[host_at] = field
            scope["headers"] = headers
        x_prefix = _trusted(self.x_prefix, values.get("x_prefix"))
        if x_prefix:
            _prefix_scope(scope, x_prefix)
        return scope

    def _fixed_host(
        self, scope: dict[str, Any], values: Mapping[str, str], host: str | None
    ) -> str | None:
        """Apply ``-Host`` and ``-Port`` to the scope's server; return the Host."""
        x_host = _trusted(self.x_host, values.get("x_host"))
        server = scope.get("server") or (None, None)
        if x_host:
            host = x_host
            name, port = _split_host(x_host)
            server = (name, int(port) if port and port.isdigit() else None)
        x_port = _trusted(self.x_port, values.get("x_port"))
        if x_port:
            if host:
                host = f"{_split_host(host)[0]}:{x_port}"
            server = (server[0], int(x_port) if x_port.isdigit() else None)
        if x_host or x_port:
            scope["server"] = server
        return host


def _prefix_scope(scope: dict[str, Any], prefix: str) -> None:
    """Mount the scope at ``prefix``, keeping its path under ``root_path``.

    As Werkzeug sets ``SCRIPT_NAME`` and leaves ``PATH_INFO``: the ASGI path
    includes the root path, so it gains the prefix too.
    """
    prefix = prefix.rstrip("/")
    root = scope.get("root_path", "")
    path = scope.get("path", "/")
    if root and path.startswith(root):
        path = path[len(root) :]
    scope["root_path"] = prefix
    scope["path"] = prefix + path
    raw = scope.get("raw_path")
    if raw is not None:
        raw_root = quote(root).encode("latin-1")
        if raw_root and raw.startswith(raw_root):
            raw = raw[len(raw_root) :]
        scope["raw_path"] = quote(prefix).encode("latin-1") + raw


class ProxyFix:
    """Apply ``X-Forwarded-*`` from a set number of proxies, under WSGI or ASGI.

    Wrap either entry point; the protocol is told by the arguments of each
    call, as the app itself does::

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_host=1)
        app.asgi_app = ProxyFix(app.asgi_app, x_for=1, x_host=1)

    ``X-Forwarded-For`` sets the client address (``request.remote_addr``),
    ``-Proto`` the scheme, ``-Host`` the host and server name, ``-Port`` the
    port, ``-Prefix`` the root path (``SCRIPT_NAME``). The values before are
    kept in ``environ["werkzeug.proxy_fix.orig"]`` (or the scope's key of
    that name), as Werkzeug keeps them. SECURITY: trusting more hops than
    there are proxies lets any client choose its own address.

    :param app: the WSGI or ASGI application to wrap.
    :param x_for: values of ``X-Forwarded-For`` to trust.
    :param x_proto: values of ``X-Forwarded-Proto`` to trust.
    :param x_host: values of ``X-Forwarded-Host`` to trust.
    :param x_port: values of ``X-Forwarded-Port`` to trust.
    :param x_prefix: values of ``X-Forwarded-Prefix`` to trust.
    """

    def __init__(
        self,
        app: Callable[..., Any],
        x_for: int = 1,
        x_proto: int = 1,
        x_host: int = 0,
        x_port: int = 0,
        x_prefix: int = 0,
    ) -> None:
        """Take the app to wrap and how many proxies set each header."""
        self.app = app
        self.forwarding = Forwarding(x_for, x_proto, x_host, x_port, x_prefix)

    @overload
    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]: ...

    @overload
    def __call__(
        self,
        scope: dict[str, Any],
        receive: Callable[[], Any],
        send: Callable[[dict[str, Any]], Any],
    ) -> Awaitable[None]: ...

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        """Serve WSGI ``(environ, start_response)`` or ASGI ``(scope, ...)``.

        Servers pass the arguments by position; the protocol is told by
        their number.
        """
        if len(args) == 2:
            self.forwarding.fix_environ(args[0])
            return self.app(*args, **kwargs)
        scope, *rest = args
        return self.app(self.forwarding.fix_scope(scope), *rest, **kwargs)


# Servers (uvicorn, hypercorn) tell an ASGI 3 app by its __call__ being a
# coroutine function; this one returns the wrapped app's coroutine under ASGI.
if hasattr(inspect, "markcoroutinefunction"):  # pragma: no cover - Python 3.12+
    inspect.markcoroutinefunction(ProxyFix.__call__)
else:
    ProxyFix.__call__._is_coroutine = asyncio.coroutines._is_coroutine  # type: ignore[attr-defined]
