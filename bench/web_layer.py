"""Requests/second of kolben vs Flask on a template and on the session.

Two endpoints the core benchmark leaves out because Falcon and Starlette have
no equivalent: ``/template`` renders a small Jinja2 template that extends a
layout and loops, ``/session`` reads a signed session cookie, changes it and
sends it back. Both apps are served in-process over WSGI in interleaved
rounds; the best round counts.

    python -m bench.web_layer
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path
from typing import Any

import flask

import kolben

from ._drivers import wsgi_environ, wsgi_rate

TEMPLATES = {
    "layout.html": "<html><title>{% block title %}{% endblock %}</title>"
    "<body>{% block body %}{% endblock %}</body></html>",
    "page.html": '{% extends "layout.html" %}{% block title %}{{ title }}{% endblock %}'
    "{% block body %}<ul>{% for item in items %}<li>{{ item|upper }}</li>"
    "{% endfor %}</ul>{% endblock %}",
}
ITEMS = [f"item {i}" for i in range(10)]


def build(framework: Any, root: str) -> Any:
    """The same two views in kolben or Flask."""
    cls = framework.Kolben if framework is kolben else framework.Flask
    app = cls(f"web_{framework.__name__}", root_path=root)
    app.config["SECRET_KEY"] = "benchmark"

    def template() -> str:
        return str(framework.render_template("page.html", title="Bench", items=ITEMS))

    def session_view() -> str:
        framework.session["n"] = framework.session.get("n", 0) + 1
        return str(framework.session["n"])

    app.add_url_rule("/template", "template", template)
    app.add_url_rule("/session", "session", session_view)
    return app


def session_cookie(app: Any) -> str:
    """A Cookie header with a valid session, as a returning browser sends."""
    client = app.test_client()
    response = client.get("/session")
    return str(response.headers["Set-Cookie"]).split(";", 1)[0]


def main(argv: list[str] | None = None) -> int:
    """Print req/s for both frameworks on both endpoints, and the ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=0.5)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as root:
        (Path(root) / "templates").mkdir()
        for name, text in TEMPLATES.items():
            (Path(root) / "templates" / name).write_text(text)
        apps = {"kolben": build(kolben, root), "flask": build(flask, root)}
        print(f"{'endpoint':10} {'kolben':>10} {'flask':>10} {'kolben/flask':>13}")
        for path in ("/template", "/session"):
            best = {name: 0.0 for name in apps}
            templates = {}
            for name, app in apps.items():
                environ = wsgi_environ(path)
                if path == "/session":
                    environ["HTTP_COOKIE"] = session_cookie(app)
                templates[name] = environ
            for _ in range(args.rounds):
                for name, app in apps.items():
                    best[name] = max(
                        best[name], wsgi_rate(app, templates[name], args.seconds)
                    )
            ours, theirs = best["kolben"], best["flask"]
            print(f"{path:10} {ours:10,.0f} {theirs:10,.0f} {ours / theirs:12.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
