"""``kolben run`` and ``app.run()`` hand the right settings to uvicorn."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from kolben import Kolben, _devserver
from kolben.cli import ScriptInfo
from tests.cli.conftest import Invoke, WriteFile

HELLO = """\
from kolben import Kolben

app = Kolben(__name__)

@app.get("/")
def index():
    return "hello"
"""


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> list[tuple[Any, dict[str, Any]]]:
    """Record uvicorn.run calls instead of serving."""
    calls: list[tuple[Any, dict[str, Any]]] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: calls.append((app, kw)))
    return calls


def test_run_serves_the_app_object(
    invoke: Invoke, write_file: WriteFile, served: list[tuple[Any, dict[str, Any]]]
) -> None:
    write_file("hello.py", HELLO)
    result = invoke("--app", "hello", "run", "--port", "5123")
    assert result.exit_code == 0, result.output
    ((app, options),) = served
    assert isinstance(app, Kolben) and app.name == "hello" and not app.debug
    assert options["host"] == "127.0.0.1" and options["port"] == 5123
    assert options["interface"] == "asgi3"
    assert "reload" not in options
    assert "Running on http://127.0.0.1:5123 (debug mode: off)" in result.output


def test_run_debug_reloads_through_the_factory(
    invoke: Invoke, write_file: WriteFile, served: list[tuple[Any, dict[str, Any]]]
) -> None:
    write_file("hello.py", HELLO)
    templates = write_file("templates/page.html", "").parent
    extra = write_file("conf/settings.toml", "")
    result = invoke(
        "--app",
        "hello.py",
        "run",
        "--debug",
        "--extra-files",
        f"{extra}{os.pathsep}",
        "--exclude-patterns",
        f"*.tmp{os.pathsep}build/*",
    )
    assert result.exit_code == 0, result.output
    ((target, options),) = served
    assert target == "kolben._devserver:_reloader_app"
    assert options["factory"] is True and options["reload"] is True
    root = str(templates.parent)
    assert options["reload_dirs"] == [root, str(templates), str(extra.parent)]
    assert {"*.py", "*.html", "settings.toml"} <= set(options["reload_includes"])
    assert options["reload_excludes"] == ["*.tmp", "build/*"]
    assert "(debug mode: on)" in result.output
    # What the worker process reads to load the same app.
    assert os.environ["KOLBEN_APP"] == "hello.py"
    assert os.environ["KOLBEN_DEBUG"] == "1"
    assert os.environ["KOLBEN_RUN_DIR"] == root


def test_reloader_app_loads_from_the_environment(
    isolated: Path, write_file: WriteFile, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_file("hello.py", HELLO)
    elsewhere = write_file("sub/keep", "").parent
    monkeypatch.setenv("KOLBEN_APP", "hello")
    monkeypatch.setenv("KOLBEN_DEBUG", "1")
    monkeypatch.setenv("KOLBEN_RUN_DIR", str(isolated))
    monkeypatch.setattr(_devserver, "_in_reloader", False)
    monkeypatch.chdir(elsewhere)
    app = _devserver._reloader_app()
    assert app.name == "hello" and app.debug
    assert os.getcwd() == str(isolated)
    assert _devserver._in_reloader


def test_run_with_default_discovery(
    invoke: Invoke, write_file: WriteFile, served: list[tuple[Any, dict[str, Any]]]
) -> None:
    write_file("app.py", HELLO)
    result = invoke("--debug", "run")
    assert result.exit_code == 0, result.output
    assert "KOLBEN_APP" not in os.environ
    result = invoke("run", "--no-reload", "--debug")
    assert served[-1][0].debug and "reload" not in served[-1][1]


def test_run_reload_needs_an_importable_factory(
    isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    info = ScriptInfo(create_app=lambda: Kolben("x"))
    assert info.reload_env() is None
    named = ScriptInfo(create_app=_named_factory)
    env = named.reload_env()
    assert env is not None
    assert env["KOLBEN_APP"] == f"{__name__}:_named_factory()"


def _named_factory() -> Kolben:
    return Kolben("named")


def test_run_with_unimportable_factory_turns_reload_off(
    isolated: Path, served: list[tuple[Any, dict[str, Any]]]
) -> None:
    from click.testing import CliRunner

    from kolben.cli import KolbenGroup

    group = KolbenGroup(create_app=lambda: Kolben("lambda"))
    result = CliRunner().invoke(group, ["run", "--reload"])
    assert result.exit_code == 0, result.output
    assert "Reloading is off" in result.output
    assert isinstance(served[0][0], Kolben)


def test_run_tls_options(
    invoke: Invoke, write_file: WriteFile, served: list[tuple[Any, dict[str, Any]]]
) -> None:
    write_file("hello.py", HELLO)
    cert = write_file("cert.pem", "")
    key = write_file("key.pem", "")
    result = invoke("-A", "hello", "run", "--cert", str(cert))
    assert result.exit_code == 2 and 'Required when using "--cert"' in result.output
    result = invoke("-A", "hello", "run", "--key", str(key))
    assert result.exit_code == 2 and '"--cert" must also be given' in result.output
    assert not served
    result = invoke("-A", "hello", "run", "--cert", str(cert), "--key", str(key))
    assert "Running on https://127.0.0.1:5000" in result.output
    assert served[0][1]["ssl_certfile"] == str(cert)
    assert served[0][1]["ssl_keyfile"] == str(key)


@pytest.mark.parametrize(
    ("host", "shown", "warned"),
    [("0.0.0.0", "0.0.0.0", True), ("::1", "[::1]", False)],
)
def test_run_banner_hosts(
    invoke: Invoke,
    write_file: WriteFile,
    served: list[tuple[Any, dict[str, Any]]],
    host: str,
    shown: str,
    warned: bool,
) -> None:
    write_file("hello.py", HELLO)
    result = invoke("-A", "hello", "run", "--host", host)
    assert f"Running on http://{shown}:5000" in result.output
    assert ("Running on all addresses" in result.output) is warned


def test_run_failed_discovery_exits_2(
    invoke: Invoke, served: list[tuple[Any, dict[str, Any]]]
) -> None:
    result = invoke("run")
    assert result.exit_code == 2
    assert "Could not locate a kolben application" in result.output
    assert not served


# -- app.run() -----------------------------------------------------------------


def test_app_run_defaults_and_server_name(
    isolated: Path, served: list[tuple[Any, dict[str, Any]]]
) -> None:
    app = Kolben("script")
    app.run(load_dotenv=False)
    assert served[-1][0] is app
    assert (served[-1][1]["host"], served[-1][1]["port"]) == ("127.0.0.1", 5000)
    app.config["SERVER_NAME"] = "localhost:8123"
    app.run(load_dotenv=False, log_level="warning")
    assert (served[-1][1]["host"], served[-1][1]["port"]) == ("localhost", 8123)
    assert served[-1][1]["log_level"] == "warning"
    app.run("127.0.0.2", 0, load_dotenv=False)
    assert (served[-1][1]["host"], served[-1][1]["port"]) == ("127.0.0.2", 0)


def test_app_run_debug_reloads_the_script(
    isolated: Path,
    write_file: WriteFile,
    served: list[tuple[Any, dict[str, Any]]],
) -> None:
    path = write_file("script.py", HELLO)
    sys.path.insert(0, str(isolated))
    import script  # type: ignore[import-not-found]

    script.app.run(debug=True)
    ((target, options),) = served
    assert target == _devserver.RELOADER_TARGET and options["reload"] is True
    assert os.environ["KOLBEN_APP"] == f"{path}:app"
    assert os.environ["KOLBEN_DEBUG"] == "1"
    # The worker imports the script again; its own app.run() is then ignored.
    assert os.environ["KOLBEN_RUN_FROM_CLI"] == "true"


def test_app_run_reload_needs_a_file(
    isolated: Path, served: list[tuple[Any, dict[str, Any]]], capsys: Any
) -> None:
    app = Kolben("not_a_module_anywhere")
    app.run(debug=True, use_reloader=True, load_dotenv=False)
    assert "Reloading is off" in capsys.readouterr().err
    assert served[0][0] is app and app.debug


def test_app_run_loads_dotenv_debug(
    isolated: Path, write_file: WriteFile, served: list[tuple[Any, dict[str, Any]]]
) -> None:
    write_file(".env", "KOLBEN_DEBUG=1\n")
    app = Kolben("dotenv_app")
    app.run(reload=False)
    assert app.debug and served[0][0] is app


def test_app_run_under_the_command_is_ignored(
    isolated: Path,
    served: list[tuple[Any, dict[str, Any]]],
    monkeypatch: pytest.MonkeyPatch,
    capsys: Any,
) -> None:
    monkeypatch.setenv("KOLBEN_RUN_FROM_CLI", "true")
    Kolben("nested").run()
    assert "Ignoring a call to 'app.run()'" in capsys.readouterr().err
    monkeypatch.setattr(_devserver, "_in_reloader", True)
    Kolben("nested").run()
    assert capsys.readouterr().err == ""
    assert not served


def test_app_run_ssl_context_as_flask_takes_it(
    isolated: Path,
    write_file: WriteFile,
    served: list[tuple[Any, dict[str, Any]]],
) -> None:
    app = Kolben("script")
    app.run(load_dotenv=False, ssl_context="adhoc")
    options = served[-1][1]
    with open(options["ssl_certfile"], encoding="ascii") as file:
        assert file.read().startswith("-----BEGIN CERTIFICATE-----")
    assert os.path.isfile(options["ssl_keyfile"])
    cert, key = write_file("cert.pem", ""), write_file("key.pem", "")
    app.run(load_dotenv=False, ssl_context=(str(cert), str(key)))
    assert served[-1][1]["ssl_certfile"] == str(cert)
    assert served[-1][1]["ssl_keyfile"] == str(key)


def test_run_with_an_ssl_context_object(
    invoke: Invoke, write_file: WriteFile, served: list[tuple[Any, dict[str, Any]]]
) -> None:
    write_file("hello.py", HELLO)
    write_file(
        "tlsmod.py",
        "import ssl\ncontext = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)\n",
    )
    result = invoke("-A", "hello", "run", "--reload", "--cert", "tlsmod:context")
    assert result.exit_code == 0, result.output
    assert "Reloading is off: an ssl.SSLContext cannot be handed" in result.output
    assert "Running on https://127.0.0.1:5000" in result.output
    app, options = served[-1]
    assert isinstance(app, Kolben) and "reload" not in options
    factory = options["ssl_context_factory"]
    assert factory(None, None) is sys.modules["tlsmod"].context
