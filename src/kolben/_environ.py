"""A WSGI environ built from an ASGI scope, for code that reads ``environ``.

Flask code often reads ``request.environ`` (``REMOTE_ADDR``, ``HTTP_X_...``);
under ASGI kolben builds an equivalent dict the first time it is asked for.
"""

from __future__ import annotations

import sys
from typing import IO, Any


def environ_from_scope(scope: dict[str, Any], body: IO[bytes]) -> dict[str, Any]:
    """Return the WSGI environ that describes the same request as ``scope``."""
    server = scope.get("server") or ("localhost", 80)
    client = scope.get("client")
    root = scope.get("root_path", "")
    path = scope.get("path", "/")
    if root and path.startswith(root):
        path = path[len(root) :]
    environ: dict[str, Any] = {
        "REQUEST_METHOD": scope.get("method", "GET"),
        "SCRIPT_NAME": root.encode().decode("latin-1"),
        "PATH_INFO": path.encode().decode("latin-1"),
        "QUERY_STRING": scope.get("query_string", b"").decode("latin-1"),
        "SERVER_NAME": str(server[0]),
        "SERVER_PORT": str(server[1]) if server[1] is not None else "",
        "SERVER_PROTOCOL": f"HTTP/{scope.get('http_version', '1.1')}",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": scope.get("scheme", "http"),
        "wsgi.input": body,
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
        "asgi.scope": scope,
    }
    if client:
        environ["REMOTE_ADDR"] = client[0]
        environ["REMOTE_PORT"] = str(client[1])
    for raw_name, raw_value in scope.get("headers", ()):
        name = raw_name.decode("latin-1").upper().replace("-", "_")
        value = raw_value.decode("latin-1")
        if name in ("CONTENT_TYPE", "CONTENT_LENGTH"):
            environ[name] = value
            continue
        key = "HTTP_" + name
        environ[key] = f"{environ[key]},{value}" if key in environ else value
    extra = scope.get("kolben.environ")
    if extra:
        # The test client's keys that a scope has no field for
        # (``errors_stream``, ``environ_overrides``): seen as under WSGI.
        environ.update(extra)
    return environ
