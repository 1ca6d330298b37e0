"""The names ``kolben`` exports, and what importing it costs."""

from __future__ import annotations

import importlib
import subprocess
import sys
import types

import pytest

import kolben
from kolben.globals import _Proxy


def test_exported_members() -> None:
    exported = {
        name
        for name, value in vars(kolben).items()
        if not name.startswith("_") and not isinstance(value, types.ModuleType)
    }
    exported.discard("annotations")  # the __future__ import
    assert exported == {
        "Blueprint",
        "Config",
        "ConnectionClosed",
        "Kolben",
        "Request",
        "Response",
        "abort",
        "after_this_request",
        "copy_current_request_context",
        "flash",
        "get_flashed_messages",
        "get_template_attribute",
        "render_template",
        "render_template_async",
        "render_template_string",
        "stream_template",
        "stream_template_string",
        "stream_events",
        "current_app",
        "websocket",
        "g",
        "has_app_context",
        "has_request_context",
        "jsonify",
        "make_response",
        "redirect",
        "request",
        "send_file",
        "send_from_directory",
        "session",
        "stream_with_context",
        "url_for",
        # Flask's ten signals.
        "appcontext_popped",
        "appcontext_pushed",
        "appcontext_tearing_down",
        "before_render_template",
        "got_request_exception",
        "message_flashed",
        "request_finished",
        "request_started",
        "request_tearing_down",
        "template_rendered",
    }
    # The proxy wins over the submodule of the same name.
    assert isinstance(kolben.request, _Proxy)


def test_import_loads_no_battery_or_reference_framework() -> None:
    code = (
        "import sys, kolben; "
        "print(sorted(m for m in ('flask', 'werkzeug', 'sqlalchemy', 'wtforms', "
        "'email_validator', 'flask_wtf', 'playwright', "
        "'jwt', 'cryptography', 'argon2', 'redis', 'alembic', 'starlette', "
        "'falcon', 'uvicorn', 'limits', 'cachelib', 'flask_limiter', "
        "'flask_caching', 'brotli', 'zstandard', 'flask_cors', "
        "'flask_compress', 'flask_talisman', 'prometheus_client', "
        "'prometheus_flask_exporter', 'opentelemetry') "
        "if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]"


def test_cli_is_an_attribute_imported_on_first_use() -> None:
    code = (
        "import sys, kolben; "
        "before = 'click' in sys.modules or 'kolben.cli' in sys.modules; "
        "group = kolben.cli.KolbenGroup; "
        "print(before, sys.modules['kolben.cli'] is kolben.cli, group.__name__)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    # Plain ``import kolben`` leaves the command line (and click) unloaded.
    assert out.stdout.split() == ["False", "True", "KolbenGroup"]


def test_unknown_attribute_still_raises() -> None:
    with pytest.raises(AttributeError, match="has no attribute 'nope'"):
        kolben.nope  # noqa: B018


def test_every_name_flask_exports_is_here() -> None:
    import flask

    def public(module: types.ModuleType) -> set[str]:
        return {n for n in dir(module) if not n.startswith("_")}

    # ``Flask`` is ``Kolben`` here; ``t`` and ``sansio`` are Flask's own
    # implementation (its ``typing`` alias and its internal package). A
    # submodule (``cli``, ``views``, ...) is an attribute of its package only
    # once something imported it, so those are compared as importable modules.
    missing = public(flask) - public(kolben)
    submodules = {
        n for n in missing if getattr(getattr(flask, n), "__name__", "") == f"flask.{n}"
    }
    for name in submodules - {"sansio"}:
        assert importlib.import_module(f"kolben.{name}")
    assert missing - submodules == {"Flask", "t"}
    assert "sansio" in submodules
    assert isinstance(kolben.cli, types.ModuleType)
    for name in ("request_started", "message_flashed", "template_rendered"):
        assert getattr(kolben, name) is getattr(kolben.signals, name)


def test_flasks_modules_are_attributes_after_a_plain_import() -> None:
    code = (
        "import kolben; "
        "print(kolben.json.dumps([1]), kolben.wrappers.Request.__name__, "
        "kolben.logging.__name__, kolben.signals.request_started.name)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert out.stdout.split() == [
        "[1]",
        "Request",
        "kolben.logging",
        "request-started",
    ]


@pytest.mark.parametrize(
    "battery,library,extra",
    [
        ("kolben.limiter", "limits", "limiter"),
        ("kolben.caching", "cachelib", "caching"),
        ("kolben.metrics", "prometheus_client", "metrics"),
        ("kolben.telemetry", "opentelemetry", "telemetry"),
    ],
)
def test_battery_without_its_library_names_the_extra(
    battery: str, library: str, extra: str
) -> None:
    # None in sys.modules makes the library look uninstalled.
    code = (
        f"import sys; sys.modules[{library!r}] = None\n"
        "try:\n"
        f"    import {battery}\n"
        "except ImportError as e:\n"
        "    print(e)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert f"pip install kolben[{extra}]" in out.stdout


def test_import_kolben_loads_no_api_dependency() -> None:
    code = (
        "import sys, kolben; "
        "print(sorted(m for m in ('pydantic', 'pydantic_core', 'openapi_ui_bundles',"
        " 'yaml') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]"


def test_kolben_api_without_pydantic_names_the_extra() -> None:
    code = (
        "import importlib.util\n"
        "real = importlib.util.find_spec\n"
        "importlib.util.find_spec = lambda n, *a: None if n == 'pydantic'"
        " else real(n, *a)\n"
        "import kolben.api"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 1
    assert (
        "kolben.api needs pydantic 2: install it with 'pip install kolben[api]'"
        in out.stderr
    )
