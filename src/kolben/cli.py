"""The ``kolben`` command.

Only the entry point and ``--version`` exist so far; ``run``, ``routes``,
``shell`` and app discovery are the subject of their own issue.
"""

from __future__ import annotations

import click


@click.group()
@click.version_option(package_name="kolben")
def cli() -> None:
    """Manage kolben applications."""


def main() -> None:
    """Run the ``kolben`` command."""
    cli()
