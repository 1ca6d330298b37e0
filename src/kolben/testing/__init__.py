"""Test the app without a server: Flask's test client, environ builder and runner.

:class:`KolbenClient` (``app.test_client()``) sends requests through the
WSGI or the ASGI adapter (``protocol="asgi"``); :class:`EnvironBuilder`
builds the requests, for the client, ``app.test_request_context()`` and
``Request.from_values()``; :class:`KolbenCliRunner` (``app.test_cli_runner()``)
invokes the app's commands.
"""

from __future__ import annotations

from ..cli import KolbenCliRunner as KolbenCliRunner
from ._builder import EnvironBuilder as EnvironBuilder
from ._client import ClientRedirectError as ClientRedirectError
from ._client import KolbenClient as KolbenClient
from ._client import Protocol as Protocol
from ._client import TestResponse as TestResponse
from ._spec import RequestSpec as RequestSpec
from ._spec import build_environ as build_environ
from ._spec import build_spec as build_spec
from ._websocket import TestWebSocket as TestWebSocket
from ._websocket import WebSocketDenied as WebSocketDenied

__all__ = [
    "ClientRedirectError",
    "EnvironBuilder",
    "KolbenCliRunner",
    "KolbenClient",
    "Protocol",
    "RequestSpec",
    "TestResponse",
    "TestWebSocket",
    "WebSocketDenied",
    "build_environ",
    "build_spec",
]
