"""``routes``, ``shell``, custom and plugin commands, and the test runner."""

from __future__ import annotations

import code
import sys
import types
from pathlib import Path
from typing import Any

import click
import pytest

from kolben import Kolben, current_app, g
from kolben.cli import (
    AppGroup,
    KolbenCliRunner,
    KolbenGroup,
    ScriptInfo,
    merge_cli_group,
    routes_command,
    with_appcontext,
)
from tests.cli.conftest import Invoke, WriteFile, run_kolben

ROUTES_APP = """\
import click
from kolben import Kolben

app = Kolben(__name__)

@app.route("/zebra", methods=["POST", "DELETE"])
def alpha():
    return ""

@app.get("/apple")
def zulu():
    return ""

@app.route("/mango", methods=["PUT"])
def mike():
    return ""

@app.cli.command("greet")
@click.argument("who")
def greet(who):
    click.echo(f"hello {who} from {app.name}")
"""


def _table(output: str) -> list[list[str]]:
    """Split a routes table into rows of cells, without the dash line."""
    lines = [line for line in output.splitlines() if line.strip()]
    return [line.split("  ") for line in lines if not line.startswith("---")]


def _column(output: str, index: int) -> list[str]:
    rows = [[cell.strip() for cell in row if cell.strip()] for row in _table(output)]
    return [row[index] for row in rows[1:]]


@pytest.fixture
def routes_app(write_file: WriteFile) -> Path:
    return write_file("routes_app.py", ROUTES_APP)


def test_routes_table_and_sorting(routes_app: Path) -> None:
    result = run_kolben(routes_app.parent, "--app", "routes_app", "routes")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["Endpoint", "Methods", "Rule"]
    assert set(lines[1].replace(" ", "")) == {"-"}
    assert _column(result.stdout, 0) == ["alpha", "mike", "zulu"]
    # HEAD and OPTIONS are noise unless asked for.
    assert "DELETE, POST" in result.stdout
    assert "HEAD" not in result.stdout and "OPTIONS" not in result.stdout
    by_rule = run_kolben(
        routes_app.parent, "--app", "routes_app", "routes", "--sort", "rule"
    )
    assert _column(by_rule.stdout, -1) == ["/apple", "/mango", "/zebra"]


@pytest.mark.parametrize(
    ("sort", "endpoints"),
    [
        ("endpoint", ["alpha", "mike", "zulu"]),
        ("methods", ["alpha", "zulu", "mike"]),
        ("rule", ["zulu", "mike", "alpha"]),
        ("match", ["alpha", "zulu", "mike"]),
    ],
)
def test_routes_sort(
    invoke: Invoke, routes_app: Path, sort: str, endpoints: list[str]
) -> None:
    result = invoke("--app", "routes_app", "routes", "--sort", sort)
    assert result.exit_code == 0, result.output
    assert _column(result.output, 0) == endpoints


def test_routes_all_methods(invoke: Invoke, routes_app: Path) -> None:
    result = invoke("--app", "routes_app", "routes", "--all-methods")
    assert "GET, HEAD, OPTIONS" in result.output
    assert "DELETE, OPTIONS, POST" in result.output


def test_routes_domain_columns() -> None:
    app = Kolben("domains", subdomain_matching=True)
    app.add_url_rule("/", "root", lambda: "")
    app.add_url_rule("/", "api", lambda: "", subdomain="api")
    result = app.test_cli_runner().invoke(routes_command, ["--sort", "domain"])
    assert _table(result.output)[0] == ["Endpoint", "Methods", "Subdomain", "Rule"]
    assert _column(result.output, 0) == ["root", "api"]
    hosts = Kolben("hosts", host_matching=True, static_folder=None)
    hosts.add_url_rule("/", "a", lambda: "", host="a.example")
    result = hosts.test_cli_runner().invoke(routes_command)
    assert "Host" in result.output and "a.example" in result.output


def test_routes_without_rules() -> None:
    result = Kolben("empty").test_cli_runner().invoke(routes_command)
    assert result.exit_code == 0
    assert result.output == "No routes were registered.\n"


def test_custom_command_from_the_command_line(routes_app: Path) -> None:
    result = run_kolben(routes_app.parent, "-A", "routes_app", "greet", "ada")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "hello ada from routes_app\n"
    help_text = run_kolben(routes_app.parent, "-A", "routes_app", "--help").stdout
    assert "greet" in help_text and "routes" in help_text


def test_unknown_command_without_app_explains(invoke: Invoke) -> None:
    result = invoke("frobnicate")
    assert result.exit_code == 2
    assert "Could not locate a kolben application" in result.output
    assert "No such command 'frobnicate'" in result.output
    # --help still lists the built-in commands.
    result = invoke("--help")
    assert result.exit_code == 0
    assert "routes" in result.output and "Could not locate" in result.output


def test_test_cli_runner_invokes_commands() -> None:
    app = Kolben("runner")

    @app.get("/")
    def index() -> str:
        return ""

    @app.cli.command()
    @click.option("--name", default="world")
    def hello(name: str) -> None:
        # The command runs inside the app's context.
        click.echo(f"{current_app.name} says hello to {name}")

    runner = app.test_cli_runner()
    assert isinstance(runner, KolbenCliRunner)
    result = runner.invoke(args=["hello", "--name", "ada"])
    assert result.exit_code == 0, result.output
    assert result.output == "runner says hello to ada\n"
    result = runner.invoke(routes_command)
    assert "index" in result.output and "Endpoint" in result.output


def test_test_cli_runner_class_is_configurable() -> None:
    class Runner(KolbenCliRunner):
        pass

    class App(Kolben):
        test_cli_runner_class = Runner

    assert type(App("custom").test_cli_runner()) is Runner


def test_app_group_commands_and_groups() -> None:
    app = Kolben("groups")
    seen: list[object] = []

    @app.cli.command
    def bare() -> None:
        seen.append(current_app.name)

    @app.cli.command(with_appcontext=False)
    def contextless() -> None:
        from kolben import has_app_context

        seen.append(has_app_context())

    @app.cli.group()
    def db() -> None:
        pass

    assert isinstance(db, AppGroup)

    @db.command()
    def migrate() -> None:
        seen.append(g is not None and current_app.name)

    runner = app.test_cli_runner()
    for args in (["bare"], ["contextless"], ["db", "migrate"]):
        assert runner.invoke(args=args).exit_code == 0
    assert seen == ["groups", False, "groups"]


def test_with_appcontext_reuses_an_active_context() -> None:
    app = Kolben("active")

    @click.command()
    @with_appcontext
    def which() -> None:
        click.echo(current_app.name)

    def fail() -> Kolben:
        raise AssertionError("the app must not be loaded again")

    with app.app_context():
        result = click.testing.CliRunner().invoke(
            which, obj=ScriptInfo(create_app=fail)
        )
    assert result.output == "active\n"


def test_script_info_rejects_a_factory_returning_no_app() -> None:
    info = ScriptInfo(create_app=lambda: None)  # type: ignore[arg-type,return-value]
    with pytest.raises(click.UsageError, match="returned NoneType"):
        info.load_app()


def test_custom_group_with_create_app() -> None:
    app = Kolben("made")

    @app.cli.command()
    def name() -> None:
        click.echo(current_app.name)

    group = KolbenGroup(create_app=lambda: app, add_version_option=False)
    result = click.testing.CliRunner().invoke(group, ["name"])
    assert result.output == "made\n"
    assert "--version" not in click.testing.CliRunner().invoke(group, ["--help"]).output


def test_version(invoke: Invoke) -> None:
    result = invoke("--version")
    assert result.exit_code == 0
    assert "kolben 0.1.0" in result.output and "Python" in result.output


def test_merge_cli_group_is_the_blueprint_hook() -> None:
    app = Kolben("bp")
    group = AppGroup("users")

    @group.command()
    def create() -> None:
        click.echo("created")

    merge_cli_group(app.cli, AppGroup("empty"), "", "empty")
    assert "empty" not in app.cli.commands
    merge_cli_group(app.cli, group, None, "users")
    assert app.cli.commands["create"] is group.commands["create"]
    merge_cli_group(app.cli, group, "", "users")
    assert app.cli.commands["users"] is group
    merge_cli_group(app.cli, group, "people", "users")
    assert app.cli.commands["people"] is group
    result = app.test_cli_runner().invoke(args=["people", "create"])
    assert result.output == "created\n"


# -- plugins -------------------------------------------------------------------


def _plugin(root: Path, write_file: WriteFile, entry: str) -> None:
    write_file(
        "plugins/kolben_plugin_demo.py",
        """\
        import click

        @click.command()
        def hello():
            click.echo("hello from a plugin")
        """,
    )
    write_file(
        "plugins/kolben_plugin_demo-1.0.dist-info/METADATA",
        "Metadata-Version: 2.1\nName: kolben-plugin-demo\nVersion: 1.0\n",
    )
    write_file(
        "plugins/kolben_plugin_demo-1.0.dist-info/entry_points.txt",
        f"[kolben.commands]\n{entry}\n",
    )


def test_plugin_commands_from_entry_points(
    tmp_path: Path, write_file: WriteFile
) -> None:
    _plugin(tmp_path, write_file, "plugin-hello = kolben_plugin_demo:hello")
    env = {"PYTHONPATH": str(tmp_path / "plugins")}
    result = run_kolben(tmp_path, "plugin-hello", env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "hello from a plugin\n"


def test_broken_plugin_does_not_break_the_command(
    isolated: Path, write_file: WriteFile
) -> None:
    _plugin(isolated, write_file, "good = kolben_plugin_demo:hello\nbad = nowhere:x")
    sys.path.insert(0, str(isolated / "plugins"))
    group = KolbenGroup()
    result = click.testing.CliRunner().invoke(group, ["good"])
    assert result.output.endswith("hello from a plugin\n")
    assert "could not load the command 'bad' from 'nowhere:x'" in result.output
    assert "good" in group.list_commands(click.Context(group, obj=ScriptInfo()))


# -- shell ---------------------------------------------------------------------

SHELL_APP = """\
from kolben import Kolben

app = Kolben(__name__)

@app.shell_context_processor
def extra():
    return {"answer": 42}
"""


def test_shell_namespace_from_the_command_line(write_file: WriteFile) -> None:
    path = write_file("shell_app.py", SHELL_APP)
    program = "g.value = 7\nprint(app.name, answer, g.value)\n"
    result = run_kolben(path.parent, "-A", "shell_app", "shell", stdin=program)
    assert result.returncode == 0, result.stderr
    assert "shell_app 42 7" in result.stdout
    assert "App: shell_app" in result.stderr
    assert f"Python {sys.version}" in result.stderr


def test_shell_uses_code_interact(
    invoke: Invoke, write_file: WriteFile, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_file("shell_app.py", SHELL_APP)
    startup = write_file("startup.py", "from_startup = True\n")
    monkeypatch.setenv("PYTHONSTARTUP", str(startup))
    monkeypatch.setitem(sys.modules, "IPython", None)
    calls: list[dict[str, Any]] = []

    def interact(banner: str, local: dict[str, Any]) -> None:
        calls.append({"banner": banner, **local, "name": current_app.name})

    monkeypatch.setattr(code, "interact", interact)
    result = invoke("-A", "shell_app", "shell")
    assert result.exit_code == 0, result.output
    (call,) = calls
    assert call["name"] == "shell_app" and call["answer"] == 42
    assert call["from_startup"] is True
    assert call["app"].name == "shell_app"
    assert "Instance: " in call["banner"]


def test_shell_prefers_ipython(
    invoke: Invoke, write_file: WriteFile, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_file("shell_app.py", SHELL_APP)
    started: list[dict[str, Any]] = []
    fake = types.ModuleType("IPython")
    fake.start_ipython = lambda argv, user_ns: started.append(user_ns)  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "IPython", fake)
    result = invoke("-A", "shell_app", "shell")
    assert result.exit_code == 0, result.output
    assert started[0]["answer"] == 42
    assert "App: shell_app" in result.output


def test_shell_completion_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    from kolben import _commands as cli

    hooked: list[bool] = []
    monkeypatch.setattr(
        sys, "__interactivehook__", lambda: hooked.append(True), raising=False
    )
    readline = types.ModuleType("readline")
    completers: list[object] = []
    readline.set_completer = completers.append  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "readline", readline)
    cli._enable_completion({"x": 1})
    assert hooked == [True]
    assert completers[-1].__self__.namespace == {"x": 1}  # type: ignore[attr-defined]
    monkeypatch.delattr(sys, "__interactivehook__")
    cli._enable_completion({})
    assert hooked == [True]
    monkeypatch.setattr(
        sys, "__interactivehook__", lambda: hooked.append(True), raising=False
    )
    monkeypatch.setitem(sys.modules, "readline", None)
    cli._enable_completion({})
    assert hooked == [True]


def test_shell_context_processor_is_a_setup_method() -> None:
    app = Kolben("setup")
    app.shell_context_processor(lambda: {"a": 1})
    context = app.make_shell_context()
    assert context["app"] is app and context["a"] == 1 and context["g"] is g
