"""``kolben check``: what a production app must set, and the exit status."""

from __future__ import annotations

from typing import Any

import pytest

from kolben import Kolben
from kolben.cli import check_command

GOOD: dict[str, Any] = {
    "SECRET_KEY": "9c1e" * 16,
    "SESSION_COOKIE_SECURE": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "TRUSTED_HOSTS": ["example.com"],
    "MAX_CONTENT_LENGTH": 16 * 1024 * 1024,
}


def _check(config: dict[str, Any], *args: str) -> Any:
    app = Kolben("kolben_check_tests")
    app.config.update(config)
    return app.test_cli_runner().invoke(check_command, list(args))


def test_a_production_config_passes() -> None:
    result = _check(GOOD)
    assert result.exit_code == 0
    assert result.output == "0 errors, 0 warnings.\n"


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"DEBUG": True}, "error: DEBUG is on"),
        ({"TESTING": True}, "error: TESTING is on"),
        ({"SECRET_KEY": None}, "error: SECRET_KEY is not set"),
        ({"SECRET_KEY": "dev"}, "error: SECRET_KEY is a development default"),
        ({"SECRET_KEY": "short but custom"}, "error: SECRET_KEY is 16 bytes"),
        (
            {"SESSION_COOKIE_SECURE": False, "PREFERRED_URL_SCHEME": "https"},
            "error: SESSION_COOKIE_SECURE is off",
        ),
    ],
)
def test_errors_exit_1(change: dict[str, Any], expected: str) -> None:
    result = _check({**GOOD, **change})
    assert result.exit_code == 1
    assert expected in result.output


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"SESSION_COOKIE_SECURE": False}, "warning: SESSION_COOKIE_SECURE is off"),
        ({"SESSION_COOKIE_SAMESITE": None}, "warning: SESSION_COOKIE_SAMESITE"),
        ({"SESSION_COOKIE_HTTPONLY": False}, "warning: SESSION_COOKIE_HTTPONLY"),
        ({"TRUSTED_HOSTS": None}, "warning: TRUSTED_HOSTS is not set"),
        ({"MAX_CONTENT_LENGTH": None}, "warning: MAX_CONTENT_LENGTH is not set"),
    ],
)
def test_warnings_exit_0_unless_strict(change: dict[str, Any], expected: str) -> None:
    result = _check({**GOOD, **change})
    assert result.exit_code == 0
    assert expected in result.output
    assert "0 errors, 1 warnings." in result.output
    assert _check({**GOOD, **change}, "--strict").exit_code == 1


def test_batteries_secrets_and_cookies_are_checked() -> None:
    from kolben.jwt import JWTManager
    from kolben.login import LoginManager

    app = Kolben("kolben_check_tests")
    app.config.update({**GOOD, "JWT_SECRET_KEY": "dev jwt"})
    JWTManager(app)
    LoginManager(app)
    result = app.test_cli_runner().invoke(check_command)
    assert "error: JWT_SECRET_KEY is a development default" in result.output
    assert "warning: REMEMBER_COOKIE_SECURE is off" in result.output


def test_the_kolben_command_has_check(tmp_path: Any) -> None:
    from tests.cli.conftest import run_kolben

    app_file = tmp_path / "checked.py"
    app_file.write_text("from kolben import Kolben\napp = Kolben(__name__)\n")
    result = run_kolben(tmp_path, "--app", str(app_file), "check")
    assert result.returncode == 1
    assert "error: SECRET_KEY is not set" in result.stdout
