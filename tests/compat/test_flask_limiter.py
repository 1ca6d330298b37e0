"""Flask-Limiter: memory storage, and 429 once the limit is used up."""

from __future__ import annotations

from flask import Flask
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

from .support import client


def make_app() -> Flask:
    app = Flask(__name__)
    limiter = Limiter(
        get_remote_address,
        app=app,
        storage_uri="memory://",
        headers_enabled=True,
    )

    @app.get("/ping")
    @limiter.limit("2 per minute")
    def ping() -> str:
        return "pong"

    @app.get("/free")
    @limiter.exempt
    def free() -> str:
        return "free"

    return app


def test_third_request_in_a_minute_is_refused(protocol: str) -> None:
    c = client(make_app(), protocol)
    first = c.get("/ping")
    assert (first.status_code, first.headers["X-RateLimit-Remaining"]) == (200, "1")
    assert c.get("/ping").status_code == 200
    refused = c.get("/ping")
    assert refused.status_code == 429
    assert "2 per 1 minute" in refused.get_data(as_text=True)
    assert "Retry-After" in refused.headers
    assert all(c.get("/free").status_code == 200 for _ in range(4))
