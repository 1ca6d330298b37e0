"""The OpenAPI 3.1 document, its routes, the CLI command and the docs pages."""

from __future__ import annotations

import json
import uuid
from typing import Annotated, Any

import pytest
import yaml
from pydantic import BaseModel

from kolben import Blueprint, Kolben
from kolben.api import Form, Header, OpenAPI, Query, RequestValidationError, operation
from kolben.jwt import JWTManager, jwt_required
from kolben.login import LoginManager, login_required
from kolben.testing import KolbenClient
from kolben.views import MethodView
from tests.conftest import create_app

from .conftest import checked_document


class ItemIn(BaseModel):
    name: str


class ItemOut(ItemIn):
    id: int


class Problem(BaseModel):
    detail: str


def _shop(app: Kolben) -> None:
    bp = Blueprint("items", __name__, url_prefix="/items")

    @bp.post("", status_code=201, responses={409: Problem, 400: "Bad"})
    def create(item: ItemIn, dry_run: Query[bool] = False) -> ItemOut:
        """Create an item.

        It gets the next id.
        """
        return ItemOut(id=1, name=item.name)

    @bp.get("/<int(min=1):item_id>")
    def get(
        item_id: int, x_trace: Annotated[str | None, Header(description="T")] = None
    ) -> ItemOut:
        return ItemOut(id=item_id, name="x")

    @bp.get("/by/<uuid:ref>/<any(a, b):kind>/<path:rest>", deprecated=True)
    def by_ref(ref: uuid.UUID, kind: str, rest: str) -> list[ItemOut]:
        return []

    app.register_blueprint(bp)

    @app.get("/untyped/<name>")
    def untyped(name):  # noqa: ANN001 - untyped on purpose
        return name

    @app.get("/hidden", include_in_schema=False)
    def hidden() -> str:
        return ""


def test_the_document_of_typed_and_untyped_routes(app: Kolben) -> None:
    _shop(app)
    doc = checked_document(app)
    assert doc["openapi"] == "3.1.0"
    assert doc["info"] == {"title": "Tests", "version": "1.0"}
    assert set(doc["paths"]) == {
        "/items",
        "/items/{item_id}",
        "/items/by/{ref}/{kind}/{rest}",
        "/untyped/{name}",
    }
    create = doc["paths"]["/items"]["post"]
    assert create["tags"] == ["items"]
    assert (create["summary"], create["description"]) == (
        "Create an item.",
        "It gets the next id.",
    )
    assert create["operationId"] == "items_create"
    assert create["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ItemIn"
    }
    assert create["parameters"] == [
        {
            "name": "dry_run",
            "in": "query",
            "required": False,
            "schema": {"type": "boolean", "default": False},
        }
    ]
    # 400 as the route says; 415 (a body that is not JSON) and 422 by default.
    assert set(create["responses"]) == {"201", "409", "400", "415", "422"}
    assert create["responses"]["415"]["content"] == {
        "application/problem+json": {
            "schema": {"$ref": "#/components/schemas/ProblemDetails"}
        }
    }
    assert create["responses"]["201"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ItemOut"
    }
    assert create["responses"]["400"] == {"description": "Bad"}
    schemas = doc["components"]["schemas"]
    assert set(schemas) == {
        "ItemIn",
        "ItemOut",
        "Problem",
        "ProblemDetails",
        "ValidationProblem",
    }
    assert doc["tags"] == [{"name": "items"}]


def test_the_app_s_own_error_bodies(app: Kolben, client: KolbenClient) -> None:
    app.config["API_VALIDATION_ERROR_SCHEMA"] = Problem
    app.config["API_HTTP_ERROR_SCHEMA"] = (Problem, "application/problem+json")
    OpenAPI(app)

    @app.errorhandler(RequestValidationError)
    def invalid(e: RequestValidationError) -> Any:
        return {"title": "Invalid", "status": 422, "detail": e.description}, 422

    @app.post("/items")
    def create(item: ItemIn) -> ItemOut:
        return ItemOut(id=1, name=item.name)

    @app.get("/items")
    def search(q: str) -> list[ItemOut]:
        return []

    doc = checked_document(app)
    ref = {"$ref": "#/components/schemas/Problem"}
    responses = doc["paths"]["/items"]["post"]["responses"]
    assert responses["422"]["content"] == {"application/json": {"schema": ref}}
    for code in ("400", "415"):
        assert responses[code]["content"] == {
            "application/problem+json": {"schema": ref}
        }
    # No body, so no 400 nor 415; the query still validates.
    assert set(doc["paths"]["/items"]["get"]["responses"]) == {"200", "422"}
    schemas = doc["components"]["schemas"]
    assert "ValidationProblem" not in schemas and "ProblemDetails" not in schemas
    # Each operation has a response object of its own.
    other = doc["paths"]["/items"]["get"]["responses"]["422"]
    assert other == responses["422"] and other is not responses["422"]
    r = client.post("/items", json={})
    assert (r.status_code, r.json["title"]) == (422, "Invalid")


def test_a_form_body_may_be_415_but_never_400(app: Kolben) -> None:
    OpenAPI(app)

    @app.post("/upload")
    def upload(name: Form[str]) -> str:
        return name

    responses = checked_document(app)["paths"]["/upload"]["post"]["responses"]
    assert set(responses) == {"200", "415", "422"}


def test_a_response_model_of_another_media_type(app: Kolben) -> None:
    OpenAPI(app)

    @app.get("/thing", responses={404: (Problem, "application/problem+json")})
    def thing() -> str:
        return "x"

    responses = checked_document(app)["paths"]["/thing"]["get"]["responses"]
    assert responses["404"]["content"] == {
        "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}
    }


def test_converters_become_schemas(app: Kolben) -> None:
    _shop(app)
    paths = checked_document(app)["paths"]
    get = paths["/items/{item_id}"]["get"]
    assert get["parameters"][0] == {
        "name": "item_id",
        "in": "path",
        "required": True,
        "schema": {"type": "integer", "minimum": 1},
    }
    assert get["parameters"][1]["description"] == "T"
    by_ref = paths["/items/by/{ref}/{kind}/{rest}"]["get"]
    assert by_ref["deprecated"] is True
    assert [p["schema"] for p in by_ref["parameters"]] == [
        {"type": "string", "format": "uuid"},
        {"type": "string", "enum": ["a", "b"]},
        {"type": "string", "description": "A path: may contain '/'."},
    ]
    untyped = paths["/untyped/{name}"]["get"]
    assert untyped["responses"] == {"200": {"description": "OK"}}
    assert untyped["parameters"][0]["schema"] == {"type": "string"}


def test_method_view_handlers_are_operations(app: Kolben) -> None:
    class Items(MethodView):
        def get(self) -> list[ItemOut]:
            """List the items."""
            return []

        @operation(status_code=201, summary="Add one")
        def post(self, item: ItemIn) -> ItemOut:
            return ItemOut(id=1, name=item.name)

    app.add_url_rule("/items", view_func=Items.as_view("items"))
    ops = checked_document(app)["paths"]["/items"]
    assert set(ops) == {"get", "post"}
    assert ops["get"]["summary"] == "List the items."
    assert ops["post"]["summary"] == "Add one"
    assert "201" in ops["post"]["responses"]
    assert ops["get"]["operationId"] != ops["post"]["operationId"]


def test_security_schemes_from_jwt_and_login() -> None:
    app = create_app({"JWT_SECRET_KEY": "k" * 40, "JWT_TOKEN_LOCATION": ["headers"]})
    JWTManager(app)
    LoginManager(app)
    OpenAPI(app)

    @app.get("/me")
    @jwt_required()
    def me() -> str:
        return ""

    @app.get("/maybe")
    @jwt_required(optional=True, locations=["headers", "cookies"])
    def maybe() -> str:
        return ""

    @app.get("/account")
    @login_required
    def account() -> str:
        return ""

    doc = checked_document(app)
    paths = doc["paths"]
    assert paths["/me"]["get"]["security"] == [{"jwtBearer": []}]
    assert paths["/maybe"]["get"]["security"] == [
        {"jwtBearer": []},
        {"jwtCookie": []},
        {},
    ]
    assert paths["/account"]["get"]["security"] == [
        {"sessionCookie": []},
        {"rememberCookie": []},
    ]
    assert doc["components"]["securitySchemes"] == {
        "jwtBearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"},
        "jwtCookie": {"type": "apiKey", "in": "cookie", "name": "access_token_cookie"},
        "sessionCookie": {"type": "apiKey", "in": "cookie", "name": "session"},
        "rememberCookie": {"type": "apiKey", "in": "cookie", "name": "remember_token"},
    }


def test_another_jwt_header_type_is_an_api_key_header() -> None:
    app = create_app({"JWT_SECRET_KEY": "k" * 40, "JWT_HEADER_TYPE": "Token"})
    JWTManager(app)
    OpenAPI(app)

    @app.get("/user")
    @jwt_required()
    def user() -> str:
        return ""

    schemes = checked_document(app)["components"]["securitySchemes"]
    assert schemes == {
        "jwtHeader": {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "A JWT, sent as 'Authorization: Token <token>'.",
        }
    }


def test_served_as_json_and_yaml(app: Kolben, client: KolbenClient) -> None:
    _shop(app)
    r = client.get("/openapi.json")
    assert r.headers["Content-Type"] == "application/json"
    assert r.json == checked_document(app)
    r = client.get("/openapi.yaml")
    assert r.headers["Content-Type"] == "application/yaml"
    assert yaml.safe_load(r.text) == client.get("/openapi.json").json


def test_the_docs_pages_and_their_assets(app: Kolben, client: KolbenClient) -> None:
    page = client.get("/docs")
    assert page.headers["Content-Type"].startswith("text/html")
    assert 'url: "/openapi.json"' in page.text
    assert "/docs-assets/swagger-ui/swagger-ui-bundle.js" in page.text
    assert "https://" not in page.text and "http://" not in page.text
    assert "default-src 'self'" in page.headers["Content-Security-Policy"]
    js = client.get("/docs-assets/swagger-ui/swagger-ui-bundle.js")
    assert (js.status_code, js.mimetype) == (200, "text/javascript")
    assert b"SwaggerUIBundle" in js.data
    redoc = client.get("/redoc")
    assert "/docs-assets/redoc/redoc.standalone.js" in redoc.text
    assert client.get("/docs-assets/redoc/redoc.standalone.js").status_code == 200
    assert client.get("/docs-assets/redoc/../../../setup.py").status_code == 404
    assert client.get("/docs-assets/other/x.js").status_code == 404


def test_paths_configurable_and_off(make_client: Any) -> None:
    app = create_app()
    OpenAPI(app, openapi_url="/api/spec.json", docs_url="/api/ui", redoc_url=None)
    client = make_client(app)
    assert client.get("/api/spec.json").status_code == 200
    assert 'url: "/api/spec.json"' in client.get("/api/ui").text
    assert client.get("/redoc").status_code == 404
    assert client.get("/openapi.json").status_code == 404


def test_validation_without_publishing(make_client: Any) -> None:
    app = create_app()
    OpenAPI(app, openapi_url=None, docs_url=None)

    @app.get("/n")
    def n(n: Query[int]) -> dict[str, int]:
        return {"n": n}

    client = make_client(app)
    assert client.get("/n?n=x").status_code == 422
    for url in ("/openapi.json", "/docs", "/redoc"):
        assert client.get(url).status_code == 404


@pytest.mark.parametrize("fmt", ["json", "yaml"])
def test_the_openapi_command_prints_the_document(app: Kolben, fmt: str) -> None:
    _shop(app)
    result = app.test_cli_runner().invoke(args=["openapi", "--format", fmt])
    assert result.exit_code == 0, result.output
    loaded = (
        json.loads(result.output) if fmt == "json" else yaml.safe_load(result.output)
    )
    assert loaded == checked_document(app)


def test_servers_and_more_info() -> None:
    app = create_app()
    OpenAPI(
        app,
        title="Shop",
        version="2",
        description="The shop.",
        servers=["https://api.example.com", {"url": "/", "description": "here"}],
        info={"license": {"name": "MIT"}},
    )
    doc = checked_document(app)
    assert doc["info"] == {
        "title": "Shop",
        "version": "2",
        "description": "The shop.",
        "license": {"name": "MIT"},
    }
    assert doc["servers"] == [
        {"url": "https://api.example.com"},
        {"url": "/", "description": "here"},
    ]
