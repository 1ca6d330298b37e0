"""``kolben openapi``: print the app's OpenAPI document."""

from __future__ import annotations

import click

from ..cli import with_appcontext
from ..globals import current_app


@click.command("openapi")
@click.option(
    "--format",
    "format_",
    type=click.Choice(["json", "yaml"]),
    default="json",
    show_default=True,
    help="Print JSON, or YAML (needs PyYAML).",
)
@with_appcontext
def openapi_command(format_: str) -> None:
    """Print the app's OpenAPI 3.1 document."""
    ext = current_app.extensions["openapi"]
    if format_ == "yaml":
        try:
            import yaml  # noqa: F401
        except ImportError:
            raise click.UsageError(
                "YAML output needs PyYAML: pip install pyyaml."
            ) from None
    click.echo(ext.document_text(format=format_), nl=False)
