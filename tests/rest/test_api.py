"""Api and Resource: registration, dispatch and return values, both protocols."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import pytest

from kolben import Blueprint, Kolben, Response, request, url_for
from kolben.rest import Api, Resource
from kolben.testing import KolbenClient


class Hello(Resource):
    def get(self) -> Any:
        return {"hello": "world"}


class AsyncHello(Resource):
    async def get(self) -> Any:
        return {"hello": "async"}

    async def post(self) -> Any:
        return {"posted": request.get_json()}, 201


class Mixed(Resource):
    def get(self, item_id: int) -> Any:
        return {"sync": item_id}

    async def put(self, item_id: int) -> Any:
        return {"async": item_id}, 202, {"X-Kind": "async"}


def test_sync_and_async_resources(app: Kolben, client: KolbenClient) -> None:
    api = Api(app)
    api.add_resource(Hello, "/hello", "/hi")
    api.add_resource(AsyncHello, "/async")
    api.add_resource(Mixed, "/mixed/<int:item_id>")
    assert client.get("/hello").json == {"hello": "world"}
    assert client.get("/hi").json == {"hello": "world"}
    assert client.get("/async").json == {"hello": "async"}
    r = client.post("/async", json={"a": 1})
    assert (r.status_code, r.json) == (201, {"posted": {"a": 1}})
    assert client.get("/mixed/3").json == {"sync": 3}
    r = client.put("/mixed/4")
    assert (r.status_code, r.json, r.headers["X-Kind"]) == (202, {"async": 4}, "async")
    assert r.headers["Content-Type"] == "application/json"
    assert r.text == '{"async": 4}\n'


def test_async_resources_stay_async_views(app: Kolben) -> None:
    import inspect

    api = Api(app)
    api.add_resource(AsyncHello, "/async")
    api.add_resource(Hello, "/hello")
    assert inspect.iscoroutinefunction(app.view_functions["asynchello"])
    assert not inspect.iscoroutinefunction(app.view_functions["hello"])


def test_unimplemented_method_is_405_with_allow(
    app: Kolben, client: KolbenClient
) -> None:
    Api(app).add_resource(Hello, "/hello")
    r = client.delete("/hello")
    assert r.status_code == 405
    assert r.json == {"message": "The method is not allowed for the requested URL."}
    assert "GET" in r.headers["Allow"]


def test_head_uses_get(app: Kolben, client: KolbenClient) -> None:
    Api(app).add_resource(Hello, "/hello")
    r = client.head("/hello")
    assert r.status_code == 200
    assert r.data == b""


def test_return_shapes(app: Kolben, client: KolbenClient) -> None:
    class Shapes(Resource):
        def get(self, kind: str) -> Any:
            if kind == "pair":
                return {"a": 1}, 201
            if kind == "triple":
                return {"a": 1}, 200, {"X-A": "1"}
            if kind == "headers":
                return {"a": 1}, {"X-B": "2"}
            if kind == "response":
                return Response("raw", mimetype="text/csv")
            if kind == "string":
                return "text"
            return None

    Api(app).add_resource(Shapes, "/<kind>")
    assert client.get("/pair").status_code == 201
    assert client.get("/triple").headers["X-A"] == "1"
    r = client.get("/headers")
    assert (r.status_code, r.headers["X-B"]) == (200, "2")
    r = client.get("/response")
    assert (r.text, r.mimetype) == ("raw", "text/csv")
    assert client.get("/string").json == "text"
    assert client.get("/none").text == "null\n"


def test_endpoint_defaults_to_class_name_and_url_for(
    app: Kolben, client: KolbenClient
) -> None:
    api = Api(app)

    class Links(Resource):
        def get(self) -> Any:
            return {
                "self": api.url_for(Links),
                "item": api.url_for(Item, item_id=3, q="x"),
                "flask": url_for("item", item_id=4),
            }

    class Item(Resource):
        def get(self, item_id: int) -> Any:
            return item_id

    api.add_resource(Links, "/links")
    api.add_resource(Item, "/items/<int:item_id>", endpoint="item")
    assert Item.endpoint == "item"
    assert Links.endpoint == "links"
    assert client.get("/links").json == {
        "self": "/links",
        "item": "/items/3?q=x",
        "flask": "/items/4",
    }


def test_resource_decorator_and_prefix(app: Kolben, client: KolbenClient) -> None:
    api = Api(app, prefix="/v1")

    @api.resource("/things", endpoint="things")
    class Things(Resource):
        def get(self) -> Any:
            return ["a"]

    assert Things.endpoint == "things"
    assert client.get("/v1/things").json == ["a"]
    assert client.get("/things").status_code == 404


def test_resource_class_args_and_kwargs(app: Kolben, client: KolbenClient) -> None:
    class Greeter(Resource):
        def __init__(self, greeting: str, *, who: str) -> None:
            self.greeting = greeting
            self.who = who

        def get(self) -> Any:
            return f"{self.greeting}, {self.who}"

    Api(app).add_resource(
        Greeter,
        "/greet",
        resource_class_args=("Hello",),
        resource_class_kwargs={"who": "Ada"},
    )
    assert client.get("/greet").json == "Hello, Ada"


def _tag(name: str) -> Callable[..., Any]:
    """A method decorator that records its name in a header, sync or async."""

    def decorator(f: Callable[..., Any]) -> Callable[..., Any]:
        import inspect

        if inspect.iscoroutinefunction(f):

            @functools.wraps(f)
            async def async_wrapper(*args: Any, **kwargs: Any) -> Any:
                data = await f(*args, **kwargs)
                return {**data, "via": [*data.get("via", []), name]}

            return async_wrapper

        @functools.wraps(f)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            data = f(*args, **kwargs)
            return {**data, "via": [*data.get("via", []), name]}

        return wrapper

    return decorator


def test_method_decorators_list_and_dict(app: Kolben, client: KolbenClient) -> None:
    class Listed(Resource):
        method_decorators = [_tag("inner"), _tag("outer")]

        def get(self) -> Any:
            return {}

        async def post(self) -> Any:
            return {}

    class ByMethod(Resource):
        method_decorators = {"get": [_tag("get-only")]}

        def get(self) -> Any:
            return {}

        def post(self) -> Any:
            return {}

    api = Api(app)
    api.add_resource(Listed, "/listed")
    api.add_resource(ByMethod, "/by-method")
    assert client.get("/listed").json == {"via": ["inner", "outer"]}
    assert client.post("/listed").json == {"via": ["inner", "outer"]}
    assert client.get("/by-method").json == {"via": ["get-only"]}
    assert client.post("/by-method").json == {}


def test_method_decorator_can_refuse(app: Kolben, client: KolbenClient) -> None:
    from kolben.rest import abort

    def authenticate(f: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(f)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if request.headers.get("X-Token") != "secret":
                abort(401, message="Bad token")
            return f(*args, **kwargs)

        return wrapper

    class Secret(Resource):
        method_decorators = [authenticate]

        async def get(self) -> Any:
            return {"secret": 42}

    Api(app).add_resource(Secret, "/secret")
    r = client.get("/secret")
    assert (r.status_code, r.json) == (401, {"message": "Bad token"})
    assert client.get("/secret", headers={"X-Token": "secret"}).json == {"secret": 42}


def test_api_and_resource_decorators(app: Kolben, client: KolbenClient) -> None:
    def header(name: str) -> Callable[..., Any]:
        def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
            @functools.wraps(view)
            def wrapper(*args: Any, **kwargs: Any) -> Any:
                response = view(*args, **kwargs)
                response.headers[name] = "yes"
                return response

            return wrapper

        return decorator

    def mark(view: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            return {**view(*args, **kwargs), "marked": True}

        return wrapper

    class Decorated(Resource):
        decorators = [mark]

        def get(self) -> Any:
            return {"ok": True}

    Api(app, decorators=[header("X-Api")]).add_resource(Decorated, "/d")
    r = client.get("/d")
    # The resource's decorators get the data; the Api's, the response.
    assert r.json == {"ok": True, "marked": True}
    assert r.headers["X-Api"] == "yes"


def test_init_app_later_and_resources_added_after(
    app: Kolben, client: KolbenClient
) -> None:
    api = Api()
    api.add_resource(Hello, "/before")
    api.init_app(app)
    api.add_resource(AsyncHello, "/after")
    assert client.get("/before").json == {"hello": "world"}
    assert client.get("/after").json == {"hello": "async"}


def test_endpoint_taken_by_another_class(app: Kolben) -> None:
    api = Api(app)
    api.add_resource(Hello, "/a", endpoint="x")
    api.add_resource(Hello, "/b", endpoint="x")
    assert [r.rule for r in app.url_map.iter_rules("x")] == ["/a", "/b"]
    with pytest.raises(ValueError, match=r"This endpoint \(x\) is already set"):
        api.add_resource(AsyncHello, "/c", endpoint="x")


def test_blueprint_api(make_client: Callable[[Kolben], KolbenClient]) -> None:
    app = Kolben(__name__)
    bp = Blueprint("v2", __name__, url_prefix="/bp")
    api = Api(bp, prefix="/api")
    api.add_resource(Hello, "/hello")

    @bp.get("/page")
    def page() -> str:
        return "a page"

    app.register_blueprint(bp)
    api.add_resource(AsyncHello, "/late")
    client = make_client(app)
    assert client.get("/bp/api/hello").json == {"hello": "world"}
    assert client.get("/bp/api/late").json == {"hello": "async"}
    assert client.get("/bp/page").text == "a page"
    assert api.owns_endpoint("v2.hello")
    assert not api.owns_endpoint("v2.page")
    with app.test_request_context():
        assert api.url_for(Hello) == "/bp/api/hello"


def test_blueprint_registered_with_options(
    make_client: Callable[[Kolben], KolbenClient],
) -> None:
    app = Kolben(__name__)
    bp = Blueprint("api", __name__)
    api = Api(bp, prefix="/v1", url_part_order="abe")

    class Tenant(Resource):
        def get(self, tenant: str, region: str) -> Any:
            return {"tenant": tenant, "region": region}

    api.add_resource(Tenant, "/info")
    app.register_blueprint(
        bp, url_prefix="/tenant/<tenant>", url_defaults={"region": "eu"}
    )
    client = make_client(app)
    assert client.get("/v1/tenant/acme/info").json == {
        "tenant": "acme",
        "region": "eu",
    }
    with app.test_request_context():
        assert api.url_for(Tenant, tenant="x") == "/v1/tenant/x/info"


def test_blueprint_api_registers_once() -> None:
    app = Kolben(__name__)
    bp = Blueprint("once", __name__)
    Api(bp).add_resource(Hello, "/hello")
    app.register_blueprint(bp)
    with pytest.raises(ValueError, match="can only be registered once"):
        app.register_blueprint(bp, name="twice")


def test_two_apis_on_one_app(app: Kolben, client: KolbenClient) -> None:
    bp1 = Blueprint("one", __name__, url_prefix="/one")
    bp2 = Blueprint("two", __name__, url_prefix="/two")
    Api(bp1).add_resource(Hello, "/hello")
    Api(bp2).add_resource(AsyncHello, "/hello")
    app.register_blueprint(bp1)
    app.register_blueprint(bp2)
    assert client.get("/one/hello").json == {"hello": "world"}
    assert client.get("/two/hello").json == {"hello": "async"}
    assert client.delete("/two/hello").json == {
        "message": "The method is not allowed for the requested URL."
    }


def test_prepare_handler_is_the_one_place_handlers_pass(
    app: Kolben, client: KolbenClient
) -> None:
    seen: list[tuple[str, str, str]] = []

    class TypedApi(Api):
        def _prepare_handler(
            self,
            handler: Callable[..., Any],
            *,
            resource: type[Resource],
            method: str,
            app: Kolben,
            endpoint: str,
        ) -> Callable[..., Any]:
            seen.append((resource.__name__, method, endpoint))
            if method == "get":

                @functools.wraps(handler)
                def checked(self: Any, **kwargs: Any) -> Any:
                    return {"checked": handler(self, **kwargs)}

                return checked
            return handler

    api = TypedApi(app)
    api.add_resource(Mixed, "/mixed/<int:item_id>")
    assert seen == []  # not before the app compiles its routes
    assert client.get("/mixed/1").json == {"checked": {"sync": 1}}
    assert client.put("/mixed/2").json == {"async": 2}
    assert sorted(seen) == [("Mixed", "get", "mixed"), ("Mixed", "put", "mixed")]
    # The plain Api leaves handlers as they are in an app without kolben.api.
    plain = Api()._prepare_handler(
        Mixed.get, resource=Mixed, method="get", app=app, endpoint="mixed"
    )
    assert plain is Mixed.get


def test_async_handler_errors_in_a_mixed_resource(
    app: Kolben, client: KolbenClient
) -> None:
    from kolben.rest import abort

    class Half(Resource):
        def get(self) -> Any:
            return {"sync": True}

        async def delete(self) -> Any:
            abort(409, message="Still in use")

    Api(app).add_resource(Half, "/half")
    assert client.get("/half").json == {"sync": True}
    r = client.delete("/half")
    assert (r.status_code, r.json) == (409, {"message": "Still in use"})


def test_sync_decorator_answering_for_an_async_resource(
    app: Kolben, client: KolbenClient
) -> None:
    def cached(f: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if request.args.get("cached"):
                return {"from": "cache"}
            return f(*args, **kwargs)

        return wrapper

    class Slow(Resource):
        method_decorators = [cached]

        async def get(self) -> Any:
            return {"from": "handler"}

    Api(app).add_resource(Slow, "/slow")
    assert client.get("/slow").json == {"from": "handler"}
    assert client.get("/slow?cached=1").json == {"from": "cache"}


def test_propagate_exceptions_setting(
    make_client: Callable[[Kolben], KolbenClient],
) -> None:
    class Crash(Resource):
        def get(self) -> Any:
            raise RuntimeError("crash")

    app = Kolben(__name__)
    app.config["PROPAGATE_EXCEPTIONS"] = True
    Api(app).add_resource(Crash, "/crash")
    with pytest.raises(RuntimeError):
        make_client(app).get("/crash")
