"""Flask-JWT-Extended: create_access_token, jwt_required, get_jwt_identity."""

from __future__ import annotations

from typing import Any

from flask import Flask, jsonify, request
from flask_jwt_extended import (
    JWTManager,
    create_access_token,
    get_jwt_identity,
    jwt_required,
)

from .support import client


def make_app() -> Flask:
    app = Flask(__name__)
    app.config["JWT_SECRET_KEY"] = "a test secret that is long enough for HS256"
    JWTManager(app)

    @app.post("/login")
    def login() -> Any:
        return jsonify(token=create_access_token(identity=request.json["user"]))

    @app.get("/me")
    @jwt_required()
    def me() -> Any:
        return jsonify(user=get_jwt_identity())

    return app


def test_token_opens_a_protected_view(protocol: str) -> None:
    c = client(make_app(), protocol)
    r = c.get("/me")
    assert r.status_code == 401
    assert "Missing Authorization Header" in r.get_json()["msg"]
    token = c.post("/login", json={"user": "ada"}).get_json()["token"]
    r = c.get("/me", headers={"Authorization": f"Bearer {token}"})
    assert r.get_json() == {"user": "ada"}
    r = c.get("/me", headers={"Authorization": "Bearer not.a.token"})
    assert r.status_code == 422
