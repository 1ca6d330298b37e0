"""Typed views on blueprints, MethodView handlers, and the public hook."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from kolben import Blueprint, Kolben, request
from kolben.api import Query, operation, spec_of, validated
from kolben.testing import KolbenClient
from kolben.views import MethodView


class ItemIn(BaseModel):
    name: str


class ItemOut(ItemIn):
    id: int


class Row:
    def __init__(self, id: int, name: str) -> None:
        self.id, self.name, self.secret = id, name, "s"


def test_blueprint_views_are_typed(app: Kolben, client: KolbenClient) -> None:
    bp = Blueprint("shop", __name__, url_prefix="/shop")

    @bp.post("/items", status_code=201)
    async def create(item: ItemIn) -> ItemOut:
        return Row(1, item.name)  # type: ignore[return-value]

    app.register_blueprint(bp)
    r = client.post("/shop/items", json={"name": "a"})
    assert (r.status_code, r.json) == (201, {"id": 1, "name": "a"})
    assert client.post("/shop/items", json={}).status_code == 422


class Items(MethodView):
    def get(self, item_id: int, verbose: Query[bool] = False) -> ItemOut:
        return Row(item_id, "v" if verbose else "q")  # type: ignore[return-value]

    @operation(status_code=201)
    async def put(self, item_id: int, item: ItemIn) -> ItemOut:
        return ItemOut(id=item_id, name=item.name)

    def delete(self, item_id: int) -> tuple[str, int]:
        return "", 204


def test_method_view_handlers_are_typed_each(app: Kolben, client: KolbenClient) -> None:
    app.add_url_rule("/items/<int:item_id>", view_func=Items.as_view("item"))
    assert client.get("/items/3?verbose=true").json == {"id": 3, "name": "v"}
    r = client.put("/items/3", json={"name": "n"})
    assert (r.status_code, r.json) == (201, {"id": 3, "name": "n"})
    assert client.put("/items/3", json={"name": 1}).status_code == 422
    assert client.get("/items/3?verbose=maybe").status_code == 422
    assert client.delete("/items/3").status_code == 204
    assert client.head("/items/3").status_code == 200


class AllAsync(MethodView):
    async def get(self, n: Query[int]) -> ItemOut:
        return ItemOut(id=n, name="x")


def test_an_async_method_view(app: Kolben, client: KolbenClient) -> None:
    app.add_url_rule("/a", view_func=AllAsync.as_view("a"))
    assert client.get("/a?n=2").json == {"id": 2, "name": "x"}
    assert client.get("/a").status_code == 422


def test_validated_on_a_handler_is_the_hook_for_class_based_views(
    app: Kolben, client: KolbenClient
) -> None:
    calls: list[Any] = []

    def get(self: Any, page: Query[int] = 1) -> ItemOut:
        calls.append(type(self).__name__)
        return Row(page, "p")  # type: ignore[return-value]

    class Resource(MethodView):
        pass

    Resource.get = validated(get, skip=1)  # type: ignore[attr-defined]
    Resource.methods = {"GET"}
    spec = spec_of(Resource.get)  # type: ignore[attr-defined]
    assert spec is not None and spec.response_model is ItemOut
    assert [p.name for p in spec.parameters] == ["page"]
    app.add_url_rule("/r", view_func=Resource.as_view("r"))
    assert client.get("/r?page=4").json == {"id": 4, "name": "p"}
    assert client.get("/r?page=x").status_code == 422
    assert calls == ["Resource"]
    # Validated by its class, the handler is not wrapped a second time.
    assert app._plans["r"].view is app.view_functions["r"]


def test_keyword_arguments_the_view_does_not_type_pass_through(
    app: Kolben, client: KolbenClient
) -> None:
    @app.get("/p/<name>", defaults={"lang": "en"})
    def page(name, lang, size: Query[int] = 10):
        return f"{name} {lang} {size} {request.args.get('size')}"

    assert client.get("/p/x?size=3").text == "x en 3 3"
