"""Class-based views under both protocols, with sync and async handlers."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from typing import Any

import pytest

from kolben import Kolben, request
from kolben.testing import KolbenClient
from kolben.views import MethodView, View


def test_view_dispatch_and_arguments(app: Kolben, client: KolbenClient) -> None:
    class Greeting(View):
        def __init__(self, greeting: str) -> None:
            self.greeting = greeting

        def dispatch_request(self, name: str) -> str:
            return f"{self.greeting} {name}"

    app.add_url_rule("/hi/<name>", view_func=Greeting.as_view("hi", "Hello"))
    assert client.get("/hi/ada").text == "Hello ada"


def test_method_view_infers_methods(app: Kolben, client: KolbenClient) -> None:
    class Items(MethodView):
        def get(self, item_id: int) -> Any:
            return {"id": item_id}

        async def post(self, item_id: int) -> Any:
            await asyncio.sleep(0)
            return {"created": item_id, "json": request.get_json()}

    view = Items.as_view("items")
    assert view.methods == {"GET", "POST"}  # type: ignore[attr-defined]
    app.add_url_rule("/items/<int:item_id>", view_func=view)
    assert client.get("/items/1").json == {"id": 1}
    assert client.post("/items/2", json={"a": 1}).json == {
        "created": 2,
        "json": {"a": 1},
    }
    assert client.head("/items/1").status_code == 200
    r = client.delete("/items/1")
    assert (r.status_code, r.headers["Allow"]) == (405, "GET, HEAD, OPTIONS, POST")


def test_methods_are_inherited(app: Kolben) -> None:
    class Base(MethodView):
        def get(self) -> str:
            return "get"

    class WithDelete(Base):
        def delete(self) -> str:
            return "deleted"

    assert WithDelete.methods == {"GET", "DELETE"}


def test_decorators_and_init_every_request(app: Kolben, client: KolbenClient) -> None:
    made: list[int] = []

    def tag(f: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(**kwargs: Any) -> Any:
            return f"tagged {f(**kwargs)}"

        return wrapper

    class Once(View):
        decorators = [tag]
        init_every_request = False

        def __init__(self) -> None:
            made.append(1)

        def dispatch_request(self) -> str:
            return "view"

    app.add_url_rule("/", view_func=Once.as_view("once"))
    assert client.get("/").text == "tagged view"
    client.get("/")
    assert made == [1]


def test_async_method_view_runs_on_the_loop(app: Kolben) -> None:
    class AllAsync(MethodView):
        async def get(self) -> Any:
            return {"thread": threading.current_thread().name}

    app.add_url_rule("/", view_func=AllAsync.as_view("all_async"))
    thread = app.test_client(protocol="asgi").get("/").json["thread"]
    assert not thread.startswith("kolben-sync")


def test_sync_handlers_run_off_the_loop(app: Kolben) -> None:
    class Mixed(MethodView):
        def get(self) -> Any:
            return {"thread": threading.current_thread().name}

        async def post(self) -> Any:
            return {"ok": True}

    app.add_url_rule("/", view_func=Mixed.as_view("mixed"))
    client = app.test_client(protocol="asgi")
    assert client.get("/").json["thread"].startswith("kolben-sync")
    assert client.post("/").json == {"ok": True}


def test_view_without_dispatch_request_says_so(
    app: Kolben, client: KolbenClient
) -> None:
    app.add_url_rule("/", view_func=View.as_view("bare"))
    with pytest.raises(NotImplementedError, match="must implement dispatch_request"):
        client.get("/")


def test_view_class_can_be_patched(app: Kolben, client: KolbenClient) -> None:
    class Real(View):
        def dispatch_request(self) -> str:
            return "real"

    class Fake(View):
        def dispatch_request(self) -> str:
            return "fake"

    app.add_url_rule("/", view_func=Real.as_view("index"))
    assert client.get("/").text == "real"
    app.view_functions["index"].view_class = Fake  # type: ignore[attr-defined]
    assert client.get("/").text == "fake"
