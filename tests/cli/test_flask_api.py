"""``kolben.cli`` and ``kolben.helpers`` behave as ``flask.cli`` and ``flask.helpers``.

Each case runs Flask's function and kolben's on equivalent input in the same
test, so a difference shows up as a failing comparison.
"""

from __future__ import annotations

import inspect
import os
import ssl
import subprocess
import sys
import textwrap
import types
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
import flask.cli
import flask.helpers
import pytest

import kolben.cli
import kolben.helpers
from kolben import _devserver
from tests.cli.conftest import Invoke, WriteFile, kolben_env, run_kolben


def signature(f: Callable[..., Any]) -> list[tuple[str, Any, Any]]:
    """Return each parameter's name, kind and default."""
    return [
        (p.name, p.kind, p.default) for p in inspect.signature(f).parameters.values()
    ]


@pytest.mark.parametrize(
    ("ours", "theirs"),
    [
        (kolben.cli.ScriptInfo.__init__, flask.cli.ScriptInfo.__init__),
        (kolben.cli.ScriptInfo.load_app, flask.cli.ScriptInfo.load_app),
        (kolben.cli.KolbenGroup.__init__, flask.cli.FlaskGroup.__init__),
        (kolben.cli.KolbenGroup.get_command, flask.cli.FlaskGroup.get_command),
        (kolben.cli.KolbenGroup.list_commands, flask.cli.FlaskGroup.list_commands),
        (kolben.cli.KolbenGroup.make_context, flask.cli.FlaskGroup.make_context),
        (kolben.cli.AppGroup.command, flask.cli.AppGroup.command),
        (kolben.cli.AppGroup.group, flask.cli.AppGroup.group),
        (kolben.cli.locate_app, flask.cli.locate_app),
        (kolben.cli.find_best_app, flask.cli.find_best_app),
        (kolben.cli.find_app_by_string, flask.cli.find_app_by_string),
        (kolben.cli.prepare_import, flask.cli.prepare_import),
        (kolben.cli.load_dotenv, flask.cli.load_dotenv),
        (kolben.cli.get_version, flask.cli.get_version),
        (kolben.cli.show_server_banner, flask.cli.show_server_banner),
        (kolben.cli.with_appcontext, flask.cli.with_appcontext),
        (kolben.cli.get_debug_flag, flask.helpers.get_debug_flag),
        (kolben.cli.get_load_dotenv, flask.helpers.get_load_dotenv),
        (kolben.cli.CertParamType.convert, flask.cli.CertParamType.convert),
        (kolben.cli.SeparatedPathType.convert, flask.cli.SeparatedPathType.convert),
        (kolben.helpers.get_debug_flag, flask.helpers.get_debug_flag),
        (kolben.helpers.get_load_dotenv, flask.helpers.get_load_dotenv),
        (kolben.helpers.send_file, flask.helpers.send_file),
        (kolben.helpers.send_from_directory, flask.helpers.send_from_directory),
        (
            kolben.helpers.get_template_attribute,
            flask.helpers.get_template_attribute,
        ),
        (kolben.helpers.stream_with_context, flask.helpers.stream_with_context),
    ],
    ids=lambda f: f.__qualname__,
)
def test_signature_is_flasks(
    ours: Callable[..., Any], theirs: Callable[..., Any]
) -> None:
    assert signature(ours) == signature(theirs)


def test_every_public_name_of_flask_cli() -> None:
    documented = {
        "AppGroup",
        "CertParamType",
        "NoAppException",
        "ScriptInfo",
        "SeparatedPathType",
        "find_app_by_string",
        "find_best_app",
        "get_debug_flag",
        "get_load_dotenv",
        "get_version",
        "load_dotenv",
        "locate_app",
        "main",
        "pass_script_info",
        "prepare_import",
        "routes_command",
        "run_command",
        "shell_command",
        "show_server_banner",
        "version_option",
        "with_appcontext",
    }
    assert documented <= set(vars(flask.cli))
    missing = {name for name in documented if not hasattr(kolben.cli, name)}
    assert missing == set()
    assert isinstance(kolben.cli.version_option, click.Option)
    assert kolben.cli.version_option.opts == flask.cli.version_option.opts
    assert issubclass(kolben.cli.KolbenGroup, kolben.cli.AppGroup)


def _module(source: str, app_class: type[Any]) -> types.ModuleType:
    module = types.ModuleType("candidate")
    module.__dict__["App"] = app_class
    # App stays in the module: factories call it, and a class is not an app.
    exec(textwrap.dedent(source), module.__dict__)
    return module


def _outcome(find: Callable[[], Any], no_app: type[Exception]) -> str:
    """Return the found app's name, or the kind of error ``find`` raised."""
    try:
        return str(find().name)
    except no_app:
        return "NoAppException"
    except TypeError as e:
        return f"TypeError: {e}"


def _both(source: str, find: Callable[..., Any], *args: Any) -> tuple[str, str]:
    ours = _outcome(
        lambda: getattr(kolben.cli, find.__name__)(
            _module(source, kolben.Kolben), *args
        ),
        kolben.cli.NoAppException,
    )
    theirs = _outcome(
        lambda: find(_module(source, flask.Flask), *args), flask.cli.NoAppException
    )
    return ours, theirs


MODULES = {
    "app first": "app = App('a')\napplication = App('b')",
    "application": "application = App('b')\nother = 1",
    "the only instance": "other = App('c')",
    "two instances": "one = App('1')\ntwo = App('2')",
    "create_app": "def create_app():\n    return App('f')",
    "make_app": "def make_app():\n    return App('m')",
    "factory needs args": "def create_app(config):\n    return App('f')",
    "factory raises TypeError": "def create_app():\n    raise TypeError('inside')",
    "nothing": "x = 1",
}


@pytest.mark.parametrize("source", MODULES.values(), ids=MODULES.keys())
def test_find_best_app(source: str) -> None:
    ours, theirs = _both(source, flask.cli.find_best_app)
    assert ours == theirs


FACTORY = """\
def create_app(name='default', *, suffix=''):
    return App(name + suffix)

not_app = 42
app = App('attr')
"""


@pytest.mark.parametrize(
    "app_name",
    [
        "app",
        "create_app",
        "create_app()",
        "create_app('dev')",
        "create_app('dev', suffix='-x')",
        "create_app(some_name)",
        "create_app(1, 2)",
        "pkg.create_app()",
        "missing",
        "not_app",
        "app(",
    ],
)
def test_find_app_by_string(app_name: str) -> None:
    ours, theirs = _both(FACTORY, flask.cli.find_app_by_string, app_name)
    assert ours == theirs


def test_prepare_import(isolated: Path, write_file: WriteFile) -> None:
    write_file("outer/pkg/__init__.py", "")
    write_file("outer/pkg/sub/__init__.py", "")
    write_file("outer/pkg/sub/mod.py", "")
    write_file("plain.py", "")
    paths = ["outer/pkg/sub/mod.py", "outer/pkg/sub", "outer/pkg/__init__.py"]
    for path in [*paths, "plain.py", "plain"]:
        ours = kolben.cli.prepare_import(path)
        ours_first = sys.path[0]
        assert ours == flask.cli.prepare_import(path), path
        assert sys.path[0] == ours_first, path
    assert kolben.cli.prepare_import("outer/pkg/sub/mod.py") == "pkg.sub.mod"
    assert sys.path[0] == str(isolated / "outer")


def test_locate_app_not_found(isolated: Path) -> None:
    name = "no_such_module_here"
    assert kolben.cli.locate_app(name, None, raise_if_not_found=False) is None
    assert flask.cli.locate_app(name, None, raise_if_not_found=False) is None
    with pytest.raises(kolben.cli.NoAppException):
        kolben.cli.locate_app(name, None)


@pytest.mark.parametrize("value", ["a", f"a{os.pathsep}b", f"a{os.pathsep}", ""])
def test_separated_path_type(value: str) -> None:
    ours = kolben.cli.SeparatedPathType().convert(value, None, None)
    assert ours == flask.cli.SeparatedPathType().convert(value, None, None)


CONTEXT_MODULE = """\
import ssl

context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
not_context = 1
"""


@pytest.mark.parametrize(
    "value", ["cert.pem", "adhoc", "ADHOC", "tlsmod:context", "tlsmod:not_context"]
)
def test_cert_param_type(isolated: Path, write_file: WriteFile, value: str) -> None:
    write_file("cert.pem", "")
    write_file("tlsmod.py", CONTEXT_MODULE)
    sys.path.insert(0, str(isolated))

    def convert(param_type: click.ParamType[Any, Any]) -> Any:
        try:
            return param_type.convert(value, None, None)
        except click.BadParameter:
            return "BadParameter"

    ours = convert(kolben.cli.CertParamType())
    assert ours == convert(flask.cli.CertParamType())
    assert ours != "BadParameter" or value == "tlsmod:not_context"
    if value.startswith("tlsmod:context"):
        assert isinstance(ours, ssl.SSLContext)


def test_run_key_with_adhoc_or_a_context(invoke: Invoke, write_file: WriteFile) -> None:
    write_file("hello.py", "from kolben import Kolben\napp = Kolben(__name__)\n")
    key = write_file("key.pem", "")
    write_file("tlsmod.py", CONTEXT_MODULE)
    result = invoke("-A", "hello", "run", "--cert", "adhoc", "--key", str(key))
    assert result.exit_code == 2
    assert 'When "--cert" is "adhoc", "--key" is not used.' in result.output
    result = invoke("-A", "hello", "run", "--cert", "tlsmod:context", "--key", str(key))
    assert result.exit_code == 2
    assert 'When "--cert" is an SSLContext object, "--key" is not used.' in (
        result.output
    )
    result = invoke("-A", "hello", "run", "--cert", "nothing.pem")
    assert result.exit_code == 2
    assert "nor the 'module:name' of an ssl.SSLContext" in result.output


@pytest.mark.parametrize(
    ("debug", "path"), [(True, "hello"), (False, None), (None, "x:create_app()")]
)
def test_show_server_banner(
    capsys: pytest.CaptureFixture[str], debug: bool | None, path: str | None
) -> None:
    flask.cli.show_server_banner(debug, path)  # type: ignore[arg-type]
    theirs = capsys.readouterr().out
    kolben.cli.show_server_banner(debug, path)
    assert capsys.readouterr().out == theirs.replace("Flask", "kolben")


def test_show_server_banner_is_quiet_in_a_reloader_worker(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_devserver, "_in_reloader", True)
    kolben.cli.show_server_banner(True, "hello")
    assert capsys.readouterr().out == ""


def test_version_option(isolated: Path) -> None:
    result = run_kolben(isolated, "--version")
    assert result.returncode == 0, result.stderr
    python, version = result.stdout.splitlines()
    assert python == f"Python {'.'.join(map(str, sys.version_info[:3]))}"
    assert version.startswith("kolben ")


def test_help_works_when_the_factory_raises(isolated: Path) -> None:
    (isolated / "broken.py").write_text(
        "def create_app():\n    raise RuntimeError('the database is down')\n"
    )
    command = Path(sys.executable).with_name("kolben")
    result = subprocess.run(
        [str(command), "--app", "broken", "--help"],
        cwd=isolated,
        env=kolben_env(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    for name in ("routes", "run", "shell"):
        assert f"\n  {name} " in result.stdout
    assert "RuntimeError: the database is down" in result.stderr
    assert "Traceback (most recent call last)" in result.stderr
