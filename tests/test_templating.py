"""Templates: inheritance, macros, filters, context, blueprints, streaming."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from jinja2 import TemplateNotFound

from kolben import (
    Blueprint,
    Kolben,
    flash,
    g,
    get_template_attribute,
    render_template,
    render_template_async,
    render_template_string,
    session,
    signals,
    stream_template,
)


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


@pytest.fixture
def tapp(tmp_path: Path) -> Kolben:
    write(
        tmp_path,
        {
            "templates/base.html": (
                "<title>{% block title %}Site{% endblock %}</title>"
                "<main>{% block body %}{% endblock %}</main>"
            ),
            "templates/page.html": (
                '{% extends "base.html" %}{% from "_macros.html" import badge %}'
                "{% block title %}{{ title }}{% endblock %}"
                "{% block body %}{{ badge(user) }} {{ text|shout }}"
                "{% if 7 is prime %} prime{% endif %} {{ answer() }}{% endblock %}"
            ),
            "templates/_macros.html": (
                "{% macro badge(name) %}<b>{{ name }}</b>{% endmacro %}"
            ),
            "templates/plain.txt": "{{ text }}",
        },
    )
    app = Kolben("tapp", root_path=str(tmp_path))
    app.config.update(TESTING=True, SECRET_KEY="k")

    @app.template_filter("shout")
    def shout(s: str) -> str:
        return s.upper() + "!"

    @app.template_test()
    def prime(n: int) -> bool:
        return n > 1 and all(n % d for d in range(2, n))

    @app.template_global
    def answer() -> int:
        return 42

    return app


def test_inheritance_macros_filters_tests_globals(
    tapp: Kolben, make_client: Any
) -> None:
    tapp.add_url_rule(
        "/",
        "i",
        lambda: render_template("page.html", title="Home", user="<ada>", text="hi"),
    )
    text = make_client(tapp).get("/").text
    assert text == ("<title>Home</title><main><b>&lt;ada&gt;</b> HI! prime 42</main>")


def test_autoescape_only_for_markup_files(tapp: Kolben) -> None:
    with tapp.test_request_context():
        assert render_template("plain.txt", text="<b>") == "<b>"
        assert render_template_string("{{ v }}", v="<b>") == "&lt;b&gt;"


def test_request_session_g_config_url_for_and_flashes(
    tapp: Kolben, make_client: Any
) -> None:
    @tapp.route("/items/<int:n>")
    def item(n: int) -> str:
        g.user = "ada"
        session["seen"] = True
        flash("saved")
        return render_template_string(
            "{{ request.path }}|{{ g.user }}|{{ session.seen }}|"
            "{{ config.SECRET_KEY }}|{{ url_for('item', n=2) }}|"
            "{{ get_flashed_messages()|join(',') }}"
        )

    assert (
        make_client(tapp).get("/items/1").text == "/items/1|ada|True|k|/items/2|saved"
    )


def test_context_processors_app_and_blueprint(tapp: Kolben, make_client: Any) -> None:
    bp = Blueprint("shop", __name__, url_prefix="/shop")

    @tapp.context_processor
    def site() -> dict[str, Any]:
        return {"site": "kolben", "who": "app"}

    @bp.context_processor
    def shop() -> dict[str, Any]:
        return {"who": "shop"}

    bp.add_url_rule("/", "i", lambda: render_template_string("{{ site }} {{ who }}"))
    tapp.add_url_rule("/", "i", lambda: render_template_string("{{ site }} {{ who }}"))
    tapp.add_url_rule(
        "/explicit", "e", lambda: render_template_string("{{ who }}", who="explicit")
    )
    tapp.register_blueprint(bp)
    client = make_client(tapp)
    assert client.get("/").text == "kolben app"
    assert client.get("/shop/").text == "kolben shop"
    assert client.get("/explicit").text == "explicit"


def test_blueprint_templates_and_app_override(tmp_path: Path, make_client: Any) -> None:
    write(
        tmp_path,
        {
            "app/templates/layout.html": "[{% block c %}{% endblock %}]",
            "app/templates/shop/override.html": "app wins",
            "bp/tpl/shop/index.html": (
                '{% extends "layout.html" %}{% block c %}shop{% endblock %}'
            ),
            "bp/tpl/shop/override.html": "blueprint",
        },
    )
    app = Kolben("app", root_path=str(tmp_path / "app"))
    bp = Blueprint(
        "shop", "shop", root_path=str(tmp_path / "bp"), template_folder="tpl"
    )

    @bp.app_template_filter()
    def twice(s: str) -> str:
        return s * 2

    bp.add_url_rule("/", "index", lambda: render_template("shop/index.html"))
    bp.add_url_rule("/o", "o", lambda: render_template("shop/override.html"))
    bp.add_url_rule("/f", "f", lambda: render_template_string("{{ 'ab'|twice }}"))
    app.register_blueprint(bp)
    client = make_client(app)
    assert client.get("/").text == "[shop]"
    assert client.get("/o").text == "app wins"
    assert client.get("/f").text == "abab"


def test_tojson_is_safe_in_script(tapp: Kolben) -> None:
    with tapp.test_request_context():
        out = render_template_string(
            "<script>var d = {{ data|tojson }};</script>", data={"x": "</script><b>"}
        )
    assert "</script><b>" not in out
    assert "\\u003c/script\\u003e" in out


def test_streamed_template(tapp: Kolben, make_client: Any) -> None:
    tapp.add_url_rule(
        "/",
        "i",
        lambda: stream_template("page.html", title="T", user="u", text="t"),
    )
    assert make_client(tapp).get("/").text.startswith("<title>T</title>")


def test_template_attribute_and_missing_template(tapp: Kolben) -> None:
    with tapp.test_request_context():
        badge = get_template_attribute("_macros.html", "badge")
        assert str(badge("x")) == "<b>x</b>"
        with pytest.raises(TemplateNotFound):
            render_template("missing.html")


def test_render_in_async_view(tapp: Kolben, make_client: Any) -> None:
    @tapp.route("/")
    async def index() -> str:
        await asyncio.sleep(0)
        return await render_template_async("plain.txt", text="async")

    assert make_client(tapp).get("/").text == "async"


def test_template_signals(tapp: Kolben) -> None:
    seen: list[str] = []

    def before(
        sender: Kolben, template: Any, context: dict[str, Any], **kw: Any
    ) -> None:
        seen.append(f"before {context['text']}")

    def rendered(
        sender: Kolben, template: Any, context: dict[str, Any], **kw: Any
    ) -> None:
        seen.append(f"rendered {template.name}")

    with (
        signals.before_render_template.connected_to(before, tapp),
        signals.template_rendered.connected_to(rendered, tapp),
        tapp.test_request_context(),
    ):
        render_template("plain.txt", text="x")
    assert seen == ["before x", "rendered plain.txt"]


def test_auto_reload_follows_debug(tmp_path: Path) -> None:
    app = Kolben("r", root_path=str(tmp_path))
    app.debug = True
    assert app.jinja_env.auto_reload is True
    other = Kolben("s", root_path=str(tmp_path))
    other.config["TEMPLATES_AUTO_RELOAD"] = False
    other.debug = True
    assert other.jinja_env.auto_reload is False


def test_app_template_extends_a_blueprint_template(
    tmp_path: Path, make_client: Any
) -> None:
    write(
        tmp_path,
        {
            "bp/tpl/shop/base.html": "<shop>{% block content %}{% endblock %}</shop>",
            "app/templates/sale.html": (
                '{% extends "shop/base.html" %}{% block content %}sale{% endblock %}'
            ),
        },
    )
    app = Kolben("ext", root_path=str(tmp_path / "app"))
    app.register_blueprint(
        Blueprint("shop", "shop", root_path=str(tmp_path / "bp"), template_folder="tpl")
    )
    app.add_url_rule("/", "sale", lambda: render_template("sale.html"))
    assert make_client(app).get("/").text == "<shop>sale</shop>"


def test_environment_made_by_the_apps_methods(tmp_path: Path, make_client: Any) -> None:
    from jinja2 import DictLoader

    from kolben.templating import Environment

    calls: list[str] = []

    class MyEnvironment(Environment):
        pass

    class App(Kolben):
        jinja_environment = MyEnvironment

        def create_global_jinja_loader(self) -> Any:
            calls.append("loader")
            return DictLoader({"a.txt": "<{{ x }}>", "a.html": "<{{ x }}>"})

        def select_jinja_autoescape(self, filename: str | None) -> bool:
            calls.append(f"autoescape {filename}")
            return filename is not None and filename.endswith(".txt")

        def update_template_context(self, context: dict[str, Any]) -> None:
            calls.append("context")
            context.setdefault("x", "&")

    app = App("kolben_tests", root_path=str(tmp_path))
    app.add_url_rule("/txt", "txt", lambda: render_template("a.txt"))
    app.add_url_rule("/html", "html", lambda: render_template("a.html", x="<"))
    client = make_client(app)
    assert isinstance(app.jinja_env, MyEnvironment)
    assert client.get("/txt").text == "<&amp;>"
    assert client.get("/html").text == "<<>"
    assert calls.count("loader") == 1
    assert calls.count("context") == 2
    assert {"autoescape a.txt", "autoescape a.html"} <= set(calls)


def test_create_jinja_environment_override(app: Kolben) -> None:
    class App(Kolben):
        def create_jinja_environment(self) -> Any:
            env = super().create_jinja_environment()
            env.globals["site"] = "kolben"
            return env

    sub = App("kolben_tests")
    with sub.app_context():
        assert render_template_string("{{ site }}") == "kolben"


def test_jinja_loader_of_app_and_blueprint(tmp_path: Path) -> None:
    import flask
    from jinja2 import FileSystemLoader

    for cls in (Kolben, flask.Flask):
        app = cls("kolben_tests", root_path=str(tmp_path))
        loader = app.jinja_loader
        assert isinstance(loader, FileSystemLoader)
        assert loader.searchpath == [str(tmp_path / "templates")]
    bp = Blueprint("bp", __name__)
    assert bp.jinja_loader is None
    assert Kolben("x", template_folder=None).jinja_loader is None


def test_select_jinja_autoescape_as_in_flask() -> None:
    import flask

    k_app, f_app = Kolben("kolben_tests"), flask.Flask("kolben_tests")
    for name in (None, "a.html", "a.HTML", "a.svg", "a.xhtml", "a.txt", "a.js"):
        assert k_app.select_jinja_autoescape(name) == f_app.select_jinja_autoescape(
            name
        )
