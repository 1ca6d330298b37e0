"""An app nobody references any more is freed at once, with no cycle collection.

With ``gc`` disabled, only reference counting frees objects: a reference
cycle through the app would keep it, its config and its views alive in a
process that builds apps (an application factory per test, per tenant).
"""

from __future__ import annotations

import gc
import time
import weakref
from collections.abc import Iterator
from pathlib import Path

import pytest

from kolben import (
    Blueprint,
    Kolben,
    Response,
    current_app,
    jsonify,
    render_template,
    session,
)


@pytest.fixture
def gc_disabled() -> Iterator[None]:
    """Turn the cycle collector off for the test, whatever happens."""
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _build(root: Path, protocol: str, templates: bool) -> weakref.ref[Kolben]:
    """Make an app, serve it a few requests, and drop every reference to it."""
    app = Kolben("lifetime", root_path=str(root))
    app.config.update(SECRET_KEY="k", TESTING=True)
    bp = Blueprint("bp", __name__)
    bp.add_url_rule("/b", "b", lambda: "b")
    app.register_blueprint(bp)

    @app.route("/")
    async def index() -> Response:
        session["seen"] = True
        current_app.logger.debug("served")
        return jsonify(url=current_app.url_for("index"))

    @app.route("/sync")
    def sync() -> str:
        return "sync"

    @app.route("/page")
    def page() -> str:
        return render_template("hi.html", name="ada")

    @app.errorhandler(404)
    def not_found(e: Exception) -> tuple[str, int]:
        return "nope", 404

    client = app.test_client(protocol=protocol)
    paths = ["/", "/sync", "/b", "/missing"]
    if templates:
        paths += ["/page", "/static/a.txt"]
    for path in paths:
        response = client.get(path)
        assert response.status_code == (404 if path == "/missing" else 200)
        response.close()
    return weakref.ref(app)


def _is_freed(ref: weakref.ref[Kolben]) -> bool:
    # A sync view under ASGI ran on a pool thread, which lets go of its work
    # item a moment after the response is back. No collection runs meanwhile.
    deadline = time.monotonic() + 2
    while ref() is not None and time.monotonic() < deadline:
        time.sleep(0.01)
    return ref() is None


def test_an_unused_app_is_freed_without_the_cycle_collector(
    tmp_path: Path, protocol: str, gc_disabled: None
) -> None:
    ref = _build(tmp_path, protocol, templates=False)
    assert _is_freed(ref)


def test_an_unused_app_that_rendered_and_served_files_is_freed(
    tmp_path: Path, protocol: str, gc_disabled: None
) -> None:
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "hi.html").write_text("Hi {{ name }}")
    (tmp_path / "static").mkdir()
    (tmp_path / "static" / "a.txt").write_text("a")
    ref = _build(tmp_path, protocol, templates=True)
    assert _is_freed(ref)
