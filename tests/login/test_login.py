"""Logging in and out, and the login decorators, under both protocols."""

from __future__ import annotations

from typing import Any

import pytest

from kolben import Blueprint, Kolben, get_flashed_messages, render_template_string
from kolben.login import (
    LoginManager,
    current_user,
    fresh_login_required,
    login_required,
    login_user,
)

from .conftest import USERS, build_login_app, find_user, log_in

PAGES = ["/private", "/private-async"]


@pytest.mark.parametrize("page", PAGES)
def test_a_protected_page_redirects_to_login_with_next(
    login_app: Kolben, make_client: Any, page: str
) -> None:
    client = make_client(login_app)
    r = client.get(page + "?tab=2")
    assert r.status_code == 302
    assert r.headers["Location"] == "/login?next=%2F" + page[1:] + "%3Ftab%3D2"


@pytest.mark.parametrize("page", PAGES)
def test_after_login_the_user_is_sent_back_and_let_in(
    login_app: Kolben, make_client: Any, page: str
) -> None:
    client = make_client(login_app)
    location = client.get(page).headers["Location"]
    r = client.post(location, data={"name": "ada"})
    assert r.status_code == 302
    assert r.headers["Location"] == page
    assert client.get(page).get_json()["name"] == "ada"


@pytest.mark.parametrize("page", ["/me", "/me-async"])
def test_current_user_is_anonymous_then_the_user_then_anonymous(
    login_app: Kolben, make_client: Any, page: str
) -> None:
    client = make_client(login_app)
    assert client.get(page).get_json() == {"name": None}
    log_in(client, "grace")
    assert client.get(page).get_json() == {"name": "grace"}
    assert client.get("/logout").text == "bye"
    assert client.get(page).get_json() == {"name": None}
    assert client.get("/private").status_code == 302


def test_an_inactive_user_is_refused_unless_forced(
    login_app: Kolben, make_client: Any
) -> None:
    @login_app.route("/force")
    def force() -> str:
        return str(login_user(USERS[3], force=True))

    client = make_client(login_app)
    assert log_in(client, "off").status_code == 403
    assert client.get("/me").get_json() == {"name": None}
    assert client.get("/force").text == "True"
    assert client.get("/me").get_json() == {"name": "off"}


def test_the_refusal_flashes_the_login_message(
    login_app: Kolben, make_client: Any
) -> None:
    @login_app.route("/flashes")
    def flashes() -> Any:
        return {"flashes": get_flashed_messages(with_categories=True)}

    client = make_client(login_app)
    client.get("/private")
    assert client.get("/flashes").get_json() == {
        "flashes": [["message", "Please log in to access this page."]]
    }


def test_messages_are_localized_and_categorized(
    login_app: Kolben, make_client: Any
) -> None:
    manager: LoginManager = login_app.login_manager
    manager.login_message_category = "info"
    manager.localize_callback = lambda text: f"<{text}>"

    @login_app.route("/flashes")
    def flashes() -> Any:
        return {"flashes": get_flashed_messages(with_categories=True)}

    client = make_client(login_app)
    client.get("/private")
    assert client.get("/flashes").get_json() == {
        "flashes": [["info", "<Please log in to access this page.>"]]
    }


def test_no_message_is_flashed_when_it_is_unset(
    login_app: Kolben, make_client: Any
) -> None:
    login_app.login_manager.login_message = None

    @login_app.route("/flashes")
    def flashes() -> Any:
        return {"flashes": get_flashed_messages()}

    client = make_client(login_app)
    client.get("/private")
    assert client.get("/flashes").get_json() == {"flashes": []}


@pytest.mark.parametrize("page", PAGES)
def test_without_a_login_view_the_answer_is_401(
    login_app: Kolben, make_client: Any, page: str
) -> None:
    login_app.login_manager.login_view = None
    assert make_client(login_app).get(page).status_code == 401


@pytest.mark.parametrize("kind", ["sync", "async"])
def test_the_unauthorized_handler_answers_instead(make_client: Any, kind: str) -> None:
    app = build_login_app()
    manager: LoginManager = app.login_manager
    if kind == "sync":
        manager.unauthorized_handler(lambda: ({"error": "log in"}, 401))
    else:

        @manager.unauthorized_handler
        async def refuse() -> Any:
            return {"error": "log in"}, 401

    client = make_client(app)
    for page in PAGES:
        r = client.get(page)
        assert (r.status_code, r.get_json()) == (401, {"error": "log in"})


def test_each_blueprint_has_its_login_view(make_client: Any) -> None:
    app = build_login_app()
    admin = Blueprint("admin", __name__, url_prefix="/admin")
    shop = Blueprint("shop", __name__, url_prefix="/shop")
    api = Blueprint("api", __name__, url_prefix="/api")

    @admin.route("/login")
    def login() -> str:
        return "admin login"

    @admin.route("/")
    @login_required
    def index() -> str:
        return "admin"

    @shop.route("/cart")
    @login_required
    async def cart() -> str:
        return "cart"

    @api.route("/data")
    @login_required
    def data() -> str:
        return "data"

    for bp in (admin, shop, api):
        app.register_blueprint(bp)
    manager: LoginManager = app.login_manager
    manager.blueprint_login_views = {"admin": "admin.login", "api": None}
    client = make_client(app)
    assert client.get("/admin/").headers["Location"].startswith("/admin/login?next=")
    # A blueprint without an entry uses the app's login view.
    assert client.get("/shop/cart").headers["Location"].startswith("/login?next=")
    # One mapped to None has no login view: 401.
    assert client.get("/api/data").status_code == 401


def test_login_disabled_lets_everyone_in(make_client: Any) -> None:
    app = build_login_app(config={"LOGIN_DISABLED": True})

    @app.route("/open")
    @login_required
    async def open_page() -> str:
        return f"anonymous={current_user.is_anonymous}"

    @app.route("/open-fresh")
    @fresh_login_required
    def open_fresh() -> str:
        return f"anonymous={current_user.is_anonymous}"

    client = make_client(app)
    assert client.get("/open").text == "anonymous=True"
    assert client.get("/open-fresh").text == "anonymous=True"


def test_options_requests_are_exempt(login_app: Kolben, make_client: Any) -> None:
    @login_app.route("/cors", methods=["GET", "OPTIONS"])
    @login_required
    def cors() -> str:
        return "preflight ok"

    client = make_client(login_app)
    assert client.options("/cors").text == "preflight ok"
    assert client.get("/cors").status_code == 302


@pytest.mark.parametrize("page", ["/fresh", "/fresh-async"])
def test_fresh_login_required_wants_a_login_then_a_fresh_one(
    login_app: Kolben, make_client: Any, page: str
) -> None:
    client = make_client(login_app)
    assert client.get(page).headers["Location"].startswith("/login?next=")
    log_in(client)
    assert client.get(page).text == "fresh ada"
    with client.session_transaction() as sess:
        sess["_fresh"] = False
    r = client.get(page)
    assert r.status_code == 302
    assert r.headers["Location"] == "/login?next=%2F" + page[1:]


def test_needs_refresh_without_a_refresh_view_is_401(
    login_app: Kolben, make_client: Any
) -> None:
    login_app.login_manager.refresh_view = None
    client = make_client(login_app)
    log_in(client)
    with client.session_transaction() as sess:
        sess["_fresh"] = False
    assert client.get("/fresh").status_code == 401


@pytest.mark.parametrize("kind", ["sync", "async"])
def test_the_needs_refresh_handler_answers_instead(
    login_app: Kolben, make_client: Any, kind: str
) -> None:
    manager: LoginManager = login_app.login_manager
    if kind == "sync":
        manager.needs_refresh_handler(lambda: ("confirm your password", 403))
    else:

        @manager.needs_refresh_handler
        async def refresh() -> Any:
            return "confirm your password", 403

    client = make_client(login_app)
    log_in(client)
    with client.session_transaction() as sess:
        sess["_fresh"] = False
    for page in ("/fresh", "/fresh-async"):
        r = client.get(page)
        assert (r.status_code, r.text) == (403, "confirm your password")


def test_templates_see_current_user(login_app: Kolben, make_client: Any) -> None:
    source = "{{ current_user.name if current_user.is_authenticated else 'guest' }}"

    @login_app.route("/page")
    def page() -> str:
        return render_template_string(source)

    @login_app.route("/page-async")
    async def page_async() -> str:
        return render_template_string(source)

    client = make_client(login_app)
    assert [client.get(p).text for p in ("/page", "/page-async")] == ["guest"] * 2
    log_in(client)
    assert [client.get(p).text for p in ("/page", "/page-async")] == ["ada"] * 2


def test_use_session_for_next_keeps_the_page_in_the_session(
    make_client: Any,
) -> None:
    app = build_login_app(config={"USE_SESSION_FOR_NEXT": True})
    client = make_client(app)
    r = client.get("/private?x=1")
    assert r.headers["Location"] == "/login"
    with client.session_transaction() as sess:
        assert sess["next"] == "/private?x=1"
    r = log_in(client)
    assert r.headers["Location"] == "/private?x=1"


def test_force_host_for_redirects_names_the_host(make_client: Any) -> None:
    app = build_login_app(config={"FORCE_HOST_FOR_REDIRECTS": "example.com"})
    r = make_client(app).get("/private", headers={"Host": "attacker.test"})
    assert r.headers["Location"] == "//example.com/login?next=%2Fprivate"


def test_a_missing_loader_is_a_clear_error(protocol: str) -> None:
    app = build_login_app()
    app.login_manager._user_callback = None
    client = app.test_client(protocol=protocol)
    with pytest.raises(RuntimeError, match="Missing user_loader or request_loader"):
        client.get("/private")


def test_an_app_without_a_manager_says_how_to_add_one(protocol: str) -> None:
    app = Kolben(__name__)
    app.config.update(SECRET_KEY="s", TESTING=True)

    @app.route("/")
    @login_required
    def index() -> str:
        return "never"

    with pytest.raises(RuntimeError, match="init_app"):
        app.test_client(protocol=protocol).get("/")


def test_init_app_later_for_an_app_factory(make_client: Any) -> None:
    manager = LoginManager()
    manager.user_loader(find_user)
    app = Kolben(__name__)
    app.config.update(SECRET_KEY="s", TESTING=True)
    manager.init_app(app)
    assert app.login_manager is manager
    assert app.extensions["login"] is manager
    assert app.config["REMEMBER_COOKIE_NAME"] == "remember_token"

    @app.route("/")
    @login_required
    def index() -> str:
        return "in"

    assert make_client(app).get("/").status_code == 401


def test_decorators_record_their_requirement_on_the_view() -> None:
    def view() -> str:
        return "v"

    once = login_required(view)
    assert once.__kolben_auth__ == (  # type: ignore[attr-defined]
        {
            "battery": "login",
            "locations": ("session", "cookies"),
            "optional": False,
            "fresh": False,
            "refresh": False,
        },
    )
    jwt_like = {"battery": "jwt", "locations": ("headers",), "optional": True}
    view.__kolben_auth__ = (jwt_like,)  # type: ignore[attr-defined]
    stacked = fresh_login_required(view)
    auth = stacked.__kolben_auth__  # type: ignore[attr-defined]
    assert [a["battery"] for a in auth] == ["jwt", "login"]
    assert auth[1]["fresh"] is True
    assert view.__kolben_auth__ == (jwt_like,)  # type: ignore[attr-defined]


async def _async_view() -> str:
    return "a"


def test_the_async_view_stays_async_and_records_too() -> None:
    import inspect

    wrapped = login_required(_async_view)
    assert inspect.iscoroutinefunction(wrapped)
    assert wrapped.__kolben_auth__[0]["battery"] == "login"  # type: ignore[attr-defined]
    assert wrapped.__name__ == "_async_view"
