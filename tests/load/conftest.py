"""The load tests run only when asked for, with ``pytest -m load``.

They take minutes and most of the machine, so a plain ``pytest`` skips them.
This is a hook rather than ``-m "not load"`` in ``addopts``: any ``-m`` given
on the command line would replace that one, and ``-m "not e2e"`` would then
start the load tests too.
"""

from __future__ import annotations

import pytest

from tests.load._load import REPORT


def pytest_collection_modifyitems(
    config: pytest.Config, items: list[pytest.Item]
) -> None:
    """Skip the ``load`` tests unless the ``-m`` expression names them."""
    if "load" in config.getoption("markexpr", ""):
        return
    skip = pytest.mark.skip(reason="load tests run only with `pytest -m load`")
    for item in items:
        if item.get_closest_marker("load") is not None:
            item.add_marker(skip)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Print the figures the load tests measured."""
    if REPORT:
        terminalreporter.write_sep("-", "load figures")
        for line in REPORT:
            terminalreporter.write_line(line)
