"""``kolben check``: the settings a production app must get right.

Each check reads the app's configuration as it is loaded (the same
``--app`` and environment a deployment uses) and reports what is missing
or unsafe. Errors make the command exit 1, so a release pipeline can run it
before it starts the workers; warnings are printed and exit 0 unless
``--strict``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import click

from ._appgroup import with_appcontext
from .globals import _cv_app

if TYPE_CHECKING:
    from .app import Kolben

#: Secret keys seen in tutorials and templates, never fit for production.
_KNOWN_SECRETS = frozenset(
    {"dev", "secret", "changeme", "change me", "change-me", "test", "development"}
)
#: A secret shorter than this is guessable offline from one signed cookie.
_MIN_SECRET_BYTES = 24


@dataclass(frozen=True)
class Finding:
    """One thing ``kolben check`` found: its level, setting and advice."""

    level: str  # "error" or "warning"
    setting: str
    message: str


def _secret(name: str, value: Any) -> Iterator[Finding]:
    if not value:
        yield Finding("error", name, "is not set: sessions and tokens cannot be signed")
        return
    text = value if isinstance(value, str) else repr(value)
    if text.lower().startswith("dev") or text.lower() in _KNOWN_SECRETS:
        yield Finding("error", name, "is a development default: set a random one")
    elif len(text.encode()) < _MIN_SECRET_BYTES:
        yield Finding(
            "error",
            name,
            f"is {len(text.encode())} bytes: use {_MIN_SECRET_BYTES} or more random"
            " bytes (python -c 'import secrets; print(secrets.token_hex(32))')",
        )


def _checks(app: Kolben) -> Iterator[Finding]:
    config = app.config
    if app.debug:
        yield Finding(
            "error", "DEBUG", "is on: the debug page shows code and data on errors"
        )
    if app.testing:
        yield Finding("error", "TESTING", "is on: errors propagate instead of 500s")
    yield from _secret("SECRET_KEY", config.get("SECRET_KEY"))
    if "flask-jwt-extended" in app.extensions and config.get("JWT_SECRET_KEY"):
        yield from _secret("JWT_SECRET_KEY", config.get("JWT_SECRET_KEY"))
    https = config.get("PREFERRED_URL_SCHEME") == "https"
    if not config.get("SESSION_COOKIE_SECURE"):
        level = "error" if https else "warning"
        yield Finding(
            level,
            "SESSION_COOKIE_SECURE",
            "is off: the session cookie is also sent over plain HTTP"
            + (" although the app is served over HTTPS" if https else ""),
        )
    if "login_manager" in app.__dict__ and not config.get("REMEMBER_COOKIE_SECURE"):
        yield Finding(
            "warning",
            "REMEMBER_COOKIE_SECURE",
            "is off: the remember-me cookie is also sent over plain HTTP",
        )
    if not config.get("SESSION_COOKIE_HTTPONLY"):
        yield Finding(
            "warning", "SESSION_COOKIE_HTTPONLY", "is off: scripts can read the session"
        )
    if config.get("SESSION_COOKIE_SAMESITE") is None:
        yield Finding(
            "warning",
            "SESSION_COOKIE_SAMESITE",
            "is not set: set 'Lax' so other sites' requests carry no session",
        )
    if not config.get("TRUSTED_HOSTS") and not config.get("SERVER_NAME"):
        yield Finding(
            "warning",
            "TRUSTED_HOSTS",
            "is not set: any Host header is accepted and used in external URLs",
        )
    if config.get("MAX_CONTENT_LENGTH") is None:
        yield Finding(
            "warning",
            "MAX_CONTENT_LENGTH",
            "is not set: a client may send a body of any size",
        )


def run_checks(app: Kolben) -> list[Finding]:
    """Return what ``kolben check`` finds in ``app``'s configuration."""
    return list(_checks(app))


@click.command("check", short_help="Check the app's settings for production.")
@click.option("--strict", is_flag=True, help="Exit 1 on warnings too.")
@with_appcontext
def check_command(strict: bool) -> None:
    """Report settings that are missing or unsafe for production.

    Run it with the deployment's environment, before the workers start:
    errors (debug on, a default secret key) exit 1.
    """
    ctx = _cv_app.get(None)
    assert ctx is not None  # with_appcontext pushed one
    findings = run_checks(ctx.app)
    for finding in findings:
        label = click.style(
            finding.level, fg="red" if finding.level == "error" else "yellow"
        )
        click.echo(f"{label}: {finding.setting} {finding.message}")
    errors = sum(f.level == "error" for f in findings)
    warnings = len(findings) - errors
    click.echo(f"{errors} errors, {warnings} warnings.")
    if errors or (strict and warnings):
        raise SystemExit(1)
