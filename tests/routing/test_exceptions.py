"""Tests for the routing exceptions and the package's exported names."""

from __future__ import annotations

import kolben.routing
from kolben.http.exceptions import BadRequest, HTTPException
from kolben.routing import (
    BuildError,
    RequestRedirect,
    RoutingException,
    WebsocketMismatch,
)


def test_request_redirect_is_a_308_http_exception_with_the_new_path() -> None:
    redirect = RequestRedirect("/docs/")
    assert isinstance(redirect, HTTPException)
    assert isinstance(redirect, RoutingException)
    assert redirect.code == 308
    assert redirect.new_url == "/docs/"
    assert "/docs/" in (redirect.description or "")


def test_websocket_mismatch_is_a_bad_request() -> None:
    error = WebsocketMismatch()
    assert isinstance(error, BadRequest)
    assert error.code == 400
    assert "WebSocket" in (error.description or "")


def test_build_error_is_a_lookup_error() -> None:
    error = BuildError("index", {"a": 1}, "GET")
    assert isinstance(error, LookupError)
    assert isinstance(error, RoutingException)
    assert (error.endpoint, error.values, error.method) == ("index", {"a": 1}, "GET")


def test_exported_members() -> None:
    assert set(kolben.routing.__all__) == {
        "DEFAULT_CONVERTERS",
        "AnyConverter",
        "BaseConverter",
        "BuildError",
        "FloatConverter",
        "IntegerConverter",
        "Map",
        "MapAdapter",
        "NumberConverter",
        "PathConverter",
        "RequestRedirect",
        "RoutingException",
        "Rule",
        "UUIDConverter",
        "UnicodeConverter",
        "ValidationError",
        "WebsocketMismatch",
    }
    for name in kolben.routing.__all__:
        assert getattr(kolben.routing, name) is not None
