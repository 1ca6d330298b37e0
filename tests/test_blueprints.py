"""Blueprints: prefixed routes, scoped hooks and handlers, nesting, commands."""

from __future__ import annotations

from typing import Any

import click
import pytest

from kolben import Blueprint, Kolben, g, request, url_for
from kolben.testing import KolbenClient


def test_routes_and_url_for(app: Kolben, client: KolbenClient) -> None:
    bp = Blueprint("shop", __name__, url_prefix="/shop")

    @bp.route("/")
    def index() -> str:
        return url_for(".item", item_id=3)

    @bp.route("/items/<int:item_id>")
    def item(item_id: int) -> Any:
        return {"endpoint": request.endpoint, "blueprint": request.blueprint}

    app.register_blueprint(bp)
    assert client.get("/shop/").text == "/shop/items/3"
    assert client.get("/shop/items/3").json == {
        "endpoint": "shop.item",
        "blueprint": "shop",
    }
    with app.test_request_context():
        assert url_for("shop.item", item_id=1) == "/shop/items/1"


def test_hooks_are_scoped_to_the_blueprint(app: Kolben, client: KolbenClient) -> None:
    bp = Blueprint("admin", __name__, url_prefix="/admin")
    seen: list[str] = []

    @bp.before_request
    def only_admin() -> None:
        seen.append(f"bp before {request.path}")

    @bp.before_app_request
    def everywhere() -> None:
        seen.append(f"app before {request.path}")

    @bp.after_request
    def tag(response: Any) -> Any:
        response.headers["X-Admin"] = "1"
        return response

    bp.add_url_rule("/", "index", lambda: "admin")
    app.add_url_rule("/", "home", lambda: "home")
    app.register_blueprint(bp)
    assert "X-Admin" not in client.get("/").headers
    assert client.get("/admin/").headers["X-Admin"] == "1"
    assert seen == ["app before /", "app before /admin/", "bp before /admin/"]


def test_error_handlers(app: Kolben, client: KolbenClient) -> None:
    bp = Blueprint("api", __name__, url_prefix="/api")

    @bp.errorhandler(KeyError)
    def api_key_error(e: KeyError) -> Any:
        return {"error": "missing key"}, 400

    @bp.app_errorhandler(404)
    def not_found(e: Any) -> Any:
        return "nothing here", 404

    @bp.route("/lookup")
    def lookup() -> str:
        raise KeyError("k")

    @app.route("/lookup")
    def app_lookup() -> str:
        raise KeyError("k")

    app.register_blueprint(bp)
    assert client.get("/api/lookup").json == {"error": "missing key"}
    with pytest.raises(KeyError):
        client.get("/lookup")  # the blueprint's handler is not the app's
    assert client.get("/missing").text == "nothing here"


def test_nested_blueprints(app: Kolben, client: KolbenClient) -> None:
    parent = Blueprint("parent", __name__, url_prefix="/parent")
    child = Blueprint("child", __name__, url_prefix="/child")

    @parent.before_request
    def mark() -> None:
        g.parent_ran = True

    @child.route("/")
    def index() -> Any:
        return {
            "endpoint": request.endpoint,
            "blueprints": request.blueprints,
            "parent_ran": g.get("parent_ran", False),
            "url": url_for(".index"),
        }

    parent.register_blueprint(child)
    app.register_blueprint(parent)
    assert client.get("/parent/child/").json == {
        "endpoint": "parent.child.index",
        "blueprints": ["parent.child", "parent"],
        "parent_ran": True,
        "url": "/parent/child/",
    }


def test_registered_twice_under_two_names(app: Kolben, client: KolbenClient) -> None:
    bp = Blueprint("auth", __name__)
    bp.add_url_rule("/login", "login", lambda: request.blueprint or "")
    app.register_blueprint(bp, url_prefix="/v1")
    app.register_blueprint(bp, url_prefix="/v2", name="auth_v2")
    with pytest.raises(ValueError, match="already registered for this blueprint"):
        app.register_blueprint(bp)
    with pytest.raises(ValueError, match="different blueprint"):
        app.register_blueprint(Blueprint("auth", __name__))
    assert client.get("/v1/login").text == "auth"
    assert client.get("/v2/login").text == "auth_v2"


def test_url_defaults_and_value_preprocessor(app: Kolben, client: KolbenClient) -> None:
    bp = Blueprint("i18n", __name__, url_prefix="/<lang>")

    @bp.url_defaults
    def add_lang(endpoint: str, values: dict[str, Any]) -> None:
        values.setdefault("lang", g.lang)

    @bp.url_value_preprocessor
    def pull_lang(endpoint: str | None, values: dict[str, Any] | None) -> None:
        assert values is not None
        g.lang = values.pop("lang")

    @bp.route("/about")
    def about() -> str:
        return f"{g.lang} {url_for('.about')}"

    app.register_blueprint(bp)
    assert client.get("/de/about").text == "de /de/about"


def test_record_and_record_once(app: Kolben) -> None:
    bp = Blueprint("rec", __name__)
    every: list[str] = []
    once: list[str] = []
    bp.record(lambda state: every.append(state.options.get("name", "rec")))
    bp.record_once(lambda state: once.append(state.app.name))
    app.register_blueprint(bp)
    app.register_blueprint(bp, name="rec2")
    assert every == ["rec", "rec2"]
    assert once == [app.name]


def test_setup_after_registration_raises(app: Kolben) -> None:
    bp = Blueprint("late", __name__)
    app.register_blueprint(bp)
    with pytest.raises(AssertionError, match="already been registered"):
        bp.add_url_rule("/x", "x", lambda: "x")


def test_names_are_checked() -> None:
    with pytest.raises(ValueError, match="dot"):
        Blueprint("a.b", __name__)
    with pytest.raises(ValueError, match="empty"):
        Blueprint("", __name__)
    bp = Blueprint("ok", __name__)
    with pytest.raises(ValueError, match="dot"):
        bp.add_url_rule("/", "a.b", lambda: "x")


def test_subdomain_blueprint(protocol: str) -> None:
    app = Kolben("subs", subdomain_matching=True)
    app.config["SERVER_NAME"] = "example.com"
    bp = Blueprint("api", __name__, subdomain="api")
    bp.add_url_rule("/", "index", lambda: "api index")
    app.register_blueprint(bp)
    client = app.test_client(protocol=protocol)
    assert client.get("/", base_url="http://api.example.com/").text == "api index"
    assert client.get("/", base_url="http://example.com/").status_code == 404


def test_blueprint_commands_get_a_group(app: Kolben) -> None:
    bp = Blueprint("users", __name__)

    @bp.cli.command("create")
    @click.argument("name")
    def create(name: str) -> None:
        click.echo(f"created {name} in {app.name}")

    app.register_blueprint(bp)
    result = app.test_cli_runner().invoke(args=["users", "create", "ada"])
    assert result.output == f"created ada in {app.name}\n"


def test_blueprint_commands_group_name_and_merge(app: Kolben) -> None:
    named = Blueprint("named", __name__, cli_group="people")
    merged = Blueprint("merged", __name__, cli_group=None)
    named.cli.command("hello")(lambda: click.echo("hello from people"))
    merged.cli.command("top")(lambda: click.echo("top level"))
    app.register_blueprint(named)
    app.register_blueprint(merged)
    runner = app.test_cli_runner()
    assert runner.invoke(args=["people", "hello"]).output == "hello from people\n"
    assert runner.invoke(args=["top"]).output == "top level\n"


def test_make_setup_state_gives_the_deferred_functions_their_state(
    app: Kolben, client: KolbenClient
) -> None:
    from kolben.blueprints import BlueprintSetupState

    class VersionedState(BlueprintSetupState):
        def add_url_rule(
            self,
            rule: str,
            endpoint: str | None = None,
            view_func: Any = None,
            **options: Any,
        ) -> None:
            super().add_url_rule("/v2" + rule, endpoint, view_func, **options)

    class VersionedBlueprint(Blueprint):
        def make_setup_state(
            self, app: Kolben, options: dict[str, Any], first_registration: bool = False
        ) -> BlueprintSetupState:
            return VersionedState(self, app, options, first_registration)

    bp = VersionedBlueprint("api", __name__, url_prefix="/api")
    seen: list[bool] = []
    bp.record(lambda state: seen.append(isinstance(state, VersionedState)))
    bp.add_url_rule("/items", "items", lambda: "items")
    app.register_blueprint(bp)
    assert seen == [True]
    assert client.get("/api/v2/items").text == "items"
    with app.test_request_context():
        assert url_for("api.items") == "/api/v2/items"


def test_kolben_modules_hold_flasks_names() -> None:
    from kolben.app import Kolben as AppKolben
    from kolben.blueprints import Blueprint as BP
    from kolben.blueprints import BlueprintSetupState

    assert AppKolben is Kolben and BP is Blueprint
    state = BlueprintSetupState(Blueprint("b", __name__), Kolben("x"), {}, True)
    assert (state.url_prefix, state.subdomain, state.first_registration) == (
        None,
        None,
        True,
    )


def test_app_errorhandler_takes_flasks_keyword(
    app: Kolben, client: KolbenClient
) -> None:
    bp = Blueprint("pages", __name__)
    bp.app_errorhandler(code=404)(lambda e: ("nothing here", 404))
    app.register_blueprint(bp)
    r = client.get("/missing")
    assert (r.status_code, r.text) == (404, "nothing here")
