"""KolbenCliRunner: the app's commands invoked as Flask's runner invokes them."""

from __future__ import annotations

import click

from kolben import Kolben
from kolben.cli import ScriptInfo
from kolben.testing import KolbenCliRunner


def test_invoke_passes_a_script_info_that_loads_the_app() -> None:
    app = Kolben("runner_app")

    @app.cli.command("which")
    @click.pass_obj
    def which(info: ScriptInfo) -> None:
        click.echo(info.load_app().name)

    runner = app.test_cli_runner()
    assert isinstance(runner, KolbenCliRunner) and runner.app is app
    result = runner.invoke(args=["which"])  # cli=None: the app's own group
    assert (result.exit_code, result.output) == (0, "runner_app\n")


def test_invoke_with_a_command_and_an_obj_of_ones_own() -> None:
    app = Kolben("runner_obj")

    @click.command()
    @click.pass_obj
    def show(obj: object) -> None:
        click.echo(repr(obj))

    result = app.test_cli_runner().invoke(show, obj={"mine": 1})
    assert result.output == "{'mine': 1}\n"
    result = app.test_cli_runner().invoke(show, [])
    assert "ScriptInfo" in result.output
