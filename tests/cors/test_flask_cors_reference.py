"""The same CORS headers as Flask-CORS gives Flask, for the same options.

Vary is left out: kolben says ``Vary: Origin`` on every answer that depends
on the Origin, Flask-CORS only when several origins (or a regex) could match.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from kolben.cors import CORS
from tests.conftest import create_app

ORIGIN = "https://app.example.com"

OPTION_SETS: list[dict[str, Any]] = [
    {},
    {"origins": [ORIGIN]},
    {"origins": ORIGIN, "supports_credentials": True},
    {
        "origins": [ORIGIN, r"https://.*\.example\.org"],
        "expose_headers": ["X-B", "X-A"],
    },
    {"send_wildcard": True, "max_age": timedelta(hours=1)},
    {"always_send": False, "methods": ["get", "post"], "allow_headers": ["X-Token"]},
    {"allow_private_network": True, "max_age": 5},
    {"resources": {r"/api/*": {"origins": [ORIGIN]}, "/open": {}}},
    {"resources": [r"/api/.*"], "allow_headers": [r"X-.*"]},
]

REQUESTS: list[tuple[str, str, dict[str, str]]] = [
    ("GET", "/api/items", {}),
    ("GET", "/api/items", {"Origin": ORIGIN}),
    ("GET", "/api/items", {"Origin": "https://b.example.org"}),
    ("GET", "/open", {"Origin": "https://evil.example"}),
    ("POST", "/api/items", {"Origin": ORIGIN}),
    (
        "OPTIONS",
        "/api/items",
        {
            "Origin": ORIGIN,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "X-Token, Content-Type",
            "Access-Control-Request-Private-Network": "true",
        },
    ),
    (
        "OPTIONS",
        "/api/items",
        {"Origin": ORIGIN, "Access-Control-Request-Method": "PUT"},
    ),
    ("GET", "/missing", {"Origin": ORIGIN}),
]


def _cors_fields(headers: Any) -> list[tuple[str, str]]:
    return sorted(
        (name.lower(), value)
        for name, value in headers.items()
        if name.lower().startswith("access-control-")
    )


def _apps(options: dict[str, Any]) -> tuple[Any, Any]:
    flask = pytest.importorskip("flask")
    flask_cors = pytest.importorskip("flask_cors")
    reference = flask.Flask(__name__)
    app = create_app()
    for target in (reference, app):
        target.add_url_rule(
            "/api/items", "items", lambda: "items", methods=["GET", "POST"]
        )
        target.add_url_rule("/open", "open", lambda: "open")
    flask_cors.CORS(reference, **options)
    CORS(app, **options)
    return reference.test_client(), app


@pytest.mark.parametrize("options", OPTION_SETS)
def test_headers_match_flask_cors(options: dict[str, Any], protocol: str) -> None:
    reference, app = _apps(options)
    client = app.test_client(protocol=protocol)
    for method, path, headers in REQUESTS:
        theirs = reference.open(path, method=method, headers=headers)
        ours = client.open(path, method=method, headers=headers)
        assert ours.status_code == theirs.status_code, (method, path, headers)
        assert _cors_fields(ours.headers) == _cors_fields(theirs.headers), (
            method,
            path,
            headers,
        )
