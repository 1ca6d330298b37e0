"""``install()``: ``import flask`` and Flask's submodules resolve to kolben."""

from __future__ import annotations

import importlib
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import kolben
import kolben.compat.flask


def test_flask_names_are_kolbens() -> None:
    flask: Any = importlib.import_module("flask")
    assert flask.Flask is kolben.Kolben
    assert flask.request is kolben.request
    assert flask.Blueprint is kolben.Blueprint
    assert flask.__version__.startswith("3.1.")
    assert kolben.compat.flask.is_installed()


@pytest.mark.parametrize(
    ("flask_name", "kolben_name"),
    [
        ("flask.app:Flask", "kolben.app:Kolben"),
        ("flask.sansio.app:App", "kolben.app:Kolben"),
        ("flask.testing:FlaskClient", "kolben.testing:KolbenClient"),
        ("flask.testing:FlaskCliRunner", "kolben.testing:KolbenCliRunner"),
        ("flask.cli:FlaskGroup", "kolben.cli:KolbenGroup"),
        ("flask.cli:with_appcontext", "kolben.cli:with_appcontext"),
        ("flask.globals:request_ctx", "kolben.globals:request_ctx"),
        ("flask.globals:_cv_app", "kolben.globals:_cv_app"),
        (
            "flask.blueprints:BlueprintSetupState",
            "kolben.blueprints:BlueprintSetupState",
        ),
        (
            "flask.json.provider:DefaultJSONProvider",
            "kolben.json.provider:DefaultJSONProvider",
        ),
        ("flask.signals:Namespace", "kolben.signals:Namespace"),
        ("flask.views:MethodView", "kolben.views:MethodView"),
        ("flask:template_rendered", "kolben.signals:template_rendered"),
    ],
)
def test_submodules_answer_with_kolbens_objects(
    flask_name: str, kolben_name: str
) -> None:
    assert resolve(flask_name) is resolve(kolben_name)


def resolve(name: str) -> object:
    module, _, attr = name.partition(":")
    return getattr(importlib.import_module(module), attr)


def test_a_name_kolben_lacks_says_so() -> None:
    import flask.debughelpers

    import kolben.debughelpers

    theirs: object = flask.debughelpers.DebugFilesKeyError
    assert theirs is kolben.debughelpers.DebugFilesKeyError
    # kolben's routing redirects keep the body (308), so it never needs this.
    with pytest.raises(AttributeError, match="kolben has no counterpart"):
        flask.debughelpers.FormDataRoutingRedirect  # noqa: B018


def test_an_unmapped_submodule_is_not_found() -> None:
    with pytest.raises(ModuleNotFoundError):
        importlib.import_module("flask.not_a_module")


def test_install_twice_changes_nothing() -> None:
    import flask

    kolben.compat.flask.install()
    assert sys.modules["flask"] is flask


def test_refuses_when_flask_is_already_imported(tmp_path: Path) -> None:
    # A fresh process, where a module named flask is imported first.
    code = (
        "import sys, types\n"
        "sys.modules['flask'] = types.ModuleType('flask')\n"
        "import kolben.compat.flask\n"
        "try:\n"
        "    kolben.compat.flask.install()\n"
        "except RuntimeError as e:\n"
        "    print(e)\n"
    )
    script = tmp_path / "refuse.py"
    script.write_text(code)
    done = subprocess.run(
        [sys.executable, "-m", "coverage", "run", str(script)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "must run before anything imports Flask" in done.stdout
