"""Flask-CORS: the preflight answer and the headers on a simple request."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask_cors import CORS

from .support import client


def make_app() -> Flask:
    app = Flask(__name__)
    origins = ["https://example.com", "https://shop.example.com"]
    CORS(app, resources={r"/api/*": {"origins": origins}})

    @app.route("/api/items", methods=["GET", "PUT"])
    def items() -> Any:
        return {"items": []}

    @app.get("/private")
    def private() -> str:
        return "no cors"

    return app


def test_preflight(protocol: str) -> None:
    r = client(make_app(), protocol).options(
        "/api/items",
        headers={
            "Origin": "https://example.com",
            "Access-Control-Request-Method": "PUT",
            "Access-Control-Request-Headers": "Content-Type",
        },
    )
    assert r.status_code == 200
    assert r.headers["Access-Control-Allow-Origin"] == "https://example.com"
    assert "PUT" in r.headers["Access-Control-Allow-Methods"]
    assert r.headers["Access-Control-Allow-Headers"].lower() == "content-type"


def test_simple_request_and_other_origins(protocol: str) -> None:
    c = client(make_app(), protocol)
    r = c.get("/api/items", headers={"Origin": "https://example.com"})
    assert r.headers["Access-Control-Allow-Origin"] == "https://example.com"
    assert "Origin" in r.headers["Vary"]
    r = c.get("/api/items", headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in r.headers
    r = c.get("/private", headers={"Origin": "https://example.com"})
    assert "Access-Control-Allow-Origin" not in r.headers
