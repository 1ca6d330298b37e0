"""The ``kolben`` command against the example apps shipped in ``examples/``."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.cli.conftest import kolben_env

ROOT = Path(__file__).resolve().parent.parent.parent


def kolben(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kolben.cli", *args],
        cwd=ROOT,
        env=kolben_env(),
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_routes_of_the_demo_app() -> None:
    result = kolben("--app", "examples/hello.py", "routes", "--sort", "rule")
    assert result.returncode == 0, result.stderr
    rows = [line.split()[-1] for line in result.stdout.splitlines()[2:]]
    assert rows == ["/", "/home", "/slow", "/users", "/users/<int:user_id>"]


def test_custom_command_of_the_blog_factory() -> None:
    result = kolben("--app", "examples/blog", "init-db", "--sample")
    assert result.returncode == 0, result.stderr
    assert "Initialized the database for blog (1 posts)." in result.stdout


def test_factory_with_arguments() -> None:
    result = kolben("--app", "examples/blog:create_app('testing')", "routes")
    assert result.returncode == 0, result.stderr
    assert "/posts/<int:post_id>" in result.stdout


def test_failed_discovery_explains_without_a_traceback() -> None:
    result = kolben("--app", "examples/nothing_here.py", "routes")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "nothing_here" in result.stderr
