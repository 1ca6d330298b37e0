"""The benchmark app's contract: endpoints, expected answers, app targets.

Every framework serves the same app (one module per framework in this
package). This module imports no framework, so a server process that loads
one app does not import the others.
"""

from __future__ import annotations

import importlib
import json
from dataclasses import dataclass
from typing import Any

#: Dynamic routes registered before the measured ones, so routing is not trivial.
OTHER_ROUTES = 50
HELLO = "Hello, World!"


@dataclass(frozen=True)
class Endpoint:
    """One request the benchmark sends, and the answer every framework gives.

    :param name: the short name printed in tables.
    :param path: the request path.
    :param status: the expected status code.
    :param media_type: the expected media type, or ``None`` to accept the
        framework's own (its default 404 page differs by design).
    :param text: the exact expected body, for text answers.
    :param data: the expected JSON value, for JSON answers (compared parsed,
        since frameworks differ in whitespace and key order).
    """

    name: str
    path: str
    status: int
    media_type: str | None = None
    text: str | None = None
    data: Any = None


#: The measured endpoints, in table order.
ENDPOINTS = (
    Endpoint("plaintext", "/plaintext", 200, "text/plain", text=HELLO),
    Endpoint("json", "/json", 200, "application/json", data={"message": HELLO}),
    Endpoint(
        "users/<id>",
        "/users/42",
        200,
        "application/json",
        data={"id": 42, "name": "user42"},
    ),
    Endpoint("404", "/does/not/exist", 404),
    # Plaintext from a view that returns ``(body, headers)``, Flask's tuple
    # form, in the frameworks that have it.
    Endpoint("text+headers", "/text-headers", 200, "text/plain", text=HELLO),
)

#: Checked before timing (the filler routes exist and match) but not measured.
CHECK_ONLY = (
    Endpoint(
        "other route",
        f"/api/v1/r{OTHER_ROUTES - 1}/7/items/abc",
        200,
        "text/plain",
        text=f"r{OTHER_ROUTES - 1}:7:abc",
    ),
)


def other_text(i: int, x: int, name: str) -> str:
    """Return the body a filler route answers, the same in every app.

    :param i: the route's number.
    :param x: the ``int`` variable.
    :param name: the string variable.
    """
    return f"r{i}:{x}:{name}"


@dataclass(frozen=True)
class AppSpec:
    """Where one framework's app lives, for a protocol.

    :param framework: the framework's name as printed.
    :param protocol: ``"wsgi"`` or ``"asgi"``.
    :param target: ``module:attribute``, as servers take it.
    """

    framework: str
    protocol: str
    target: str

    def load(self) -> Any:
        """Import the app and return it."""
        module, _, attribute = self.target.partition(":")
        return getattr(importlib.import_module(module), attribute)


#: kolben first in each protocol; ratios are kolben over each of the others.
WSGI_APPS = (
    AppSpec("kolben", "wsgi", "bench.apps.kolben_app:wsgi_app"),
    AppSpec("flask", "wsgi", "bench.apps.flask_app:wsgi_app"),
    AppSpec("falcon", "wsgi", "bench.apps.falcon_app:wsgi_app"),
)
ASGI_APPS = (
    AppSpec("kolben", "asgi", "bench.apps.kolben_app:asgi_app"),
    AppSpec("starlette", "asgi", "bench.apps.starlette_app:asgi_app"),
    AppSpec("falcon", "asgi", "bench.apps.falcon_app:asgi_app"),
)
#: No framework at all (``bare_app``), per protocol: under a real server, the
#: most any framework could reach. ``bench.served`` adds it to its tables.
BARE_APPS = {
    "wsgi": AppSpec("bare", "wsgi", "bench.apps.bare_app:wsgi_app"),
    "asgi": AppSpec("bare", "asgi", "bench.apps.bare_app:asgi_app"),
}


def problems(
    endpoint: Endpoint, status: int, content_type: str | None, body: bytes
) -> list[str]:
    """Return how an answer differs from what ``endpoint`` expects.

    :param endpoint: the endpoint that was requested.
    :param status: the answer's status code.
    :param content_type: the answer's Content-Type header, if any.
    :param body: the answer's body.
    """
    found: list[str] = []
    if status != endpoint.status:
        found.append(f"status {status}, expected {endpoint.status}")
    media_type = (content_type or "").split(";", 1)[0].strip().lower()
    if endpoint.media_type is not None and media_type != endpoint.media_type:
        found.append(f"media type {media_type!r}, expected {endpoint.media_type!r}")
    if endpoint.text is not None and body != endpoint.text.encode():
        found.append(f"body {body[:80]!r}, expected {endpoint.text!r}")
    if endpoint.data is not None:
        try:
            value = json.loads(body)
        except ValueError:
            value = body[:80]
        if value != endpoint.data:
            found.append(f"JSON {value!r}, expected {endpoint.data!r}")
    return found
