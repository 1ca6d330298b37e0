"""kolben.debughelpers: template loading explained, non-multipart file fields."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from kolben import Blueprint, Kolben, render_template, request
from kolben.debughelpers import DebugFilesKeyError
from kolben.testing import KolbenClient


def test_files_key_error_explains_the_enctype(app: Kolben, protocol: str) -> None:
    app.debug = True

    @app.post("/upload")
    def upload() -> str:
        return request.files["doc"].filename or ""

    client = app.test_client(protocol=protocol)
    # In testing mode the error reaches the test; it names the fix.
    with pytest.raises(DebugFilesKeyError, match="multipart/form-data"):
        client.post("/upload", data={"doc": "a.txt"})


def test_files_key_error_is_raised_in_debug_mode(app: Kolben) -> None:
    app.debug = True
    with app.test_request_context("/", method="POST", data={"doc": "a.txt"}):
        with pytest.raises(DebugFilesKeyError) as info:
            request.files["doc"]
        assert 'enctype="multipart/form-data"' in str(info.value)
        assert "'a.txt'" in str(info.value)
        with pytest.raises(KeyError):  # not a form field: the plain error
            request.files["other"]


def test_no_files_key_error_outside_debug_mode(app: Kolben) -> None:
    with app.test_request_context("/", method="POST", data={"doc": "a.txt"}):
        with pytest.raises(KeyError) as info:
            request.files["doc"]
        assert not isinstance(info.value, DebugFilesKeyError)


def test_explain_template_loading(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, client: KolbenClient
) -> None:
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "page.html").write_text("app page")
    (tmp_path / "bp").mkdir()
    (tmp_path / "bp" / "page.html").write_text("bp page")
    app = Kolben("kolben_tests", root_path=str(tmp_path))
    app.config.update(TESTING=True, EXPLAIN_TEMPLATE_LOADING=True)
    bp = Blueprint("bp", __name__, template_folder=str(tmp_path / "bp"))

    @bp.route("/missing")
    def missing() -> str:
        return render_template("nowhere.html")

    app.register_blueprint(bp)
    app.add_url_rule("/", "index", lambda: render_template("page.html"))
    with caplog.at_level(logging.INFO, logger="kolben_tests"):
        r = app.test_client(protocol=client.protocol).get("/")
    assert r.text == "app page"
    text = caplog.text
    assert "Locating template 'page.html'" in text
    assert "trying loader of application 'kolben_tests'" in text
    assert "trying loader of blueprint 'bp'" in text
    assert "Warning: multiple loaders returned a match" in text
    caplog.clear()
    with (
        caplog.at_level(logging.INFO, logger="kolben_tests"),
        pytest.raises(Exception, match="nowhere.html"),
    ):
        app.test_client(protocol=client.protocol).get("/missing")
    assert "Error: the template could not be found." in caplog.text
    assert "belongs to the blueprint 'bp'" in caplog.text
