"""Where a request's time goes: cProfile's own time, grouped by package."""

from __future__ import annotations

import pstats
from collections.abc import Sequence

#: (group, substrings of a function's file path), the first match wins.
_PATHS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("kolben.db", ("/kolben/db/",)),
    ("kolben core", ("/kolben/",)),
    ("SQLAlchemy ORM", ("/sqlalchemy/orm/", "/sqlalchemy/ext/asyncio/")),
    ("SQLAlchemy core", ("/sqlalchemy/",)),
    ("psycopg + network wait", ("/psycopg/", "/psycopg_binary/", "/psycopg_pool/")),
    ("Jinja2 + JSON", ("/jinja2/", "/markupsafe/", "/json/")),
    ("event loop", ("/asyncio/", "/selectors.py")),
    ("benchmark harness", ("/bench/",)),
)
#: Built-in functions (cProfile's file ``~``) by substrings of their names.
_BUILTINS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("psycopg + network wait", ("psycopg", "poll", "select", "socket", "recv", "send")),
    ("SQLAlchemy core", ("sqlalchemy", "greenlet")),
    ("event loop", ("_asyncio", "asyncio")),
)
#: The groups in the order they are printed.
GROUPS = (*(g for g, _ in _PATHS), "other (stdlib, builtins)")


def group(filename: str, function: str) -> str:
    """Return the group of the function cProfile names ``filename:function``.

    :param filename: the function's file, ``~`` for a built-in.
    :param function: the function's name, ``<built-in method ...>`` for one.
    """
    if filename == "~":
        for name, needles in _BUILTINS:
            if any(needle in function for needle in needles):
                return name
        return GROUPS[-1]
    path = filename.replace("\\", "/")
    for name, needles in _PATHS:
        if any(needle in path for needle in needles):
            return name
    return GROUPS[-1]


def shares(stats: pstats.Stats) -> dict[str, float]:
    """Return each group's share of the profile's own (not cumulative) time.

    :param stats: a finished profile.
    """
    totals = dict.fromkeys(GROUPS, 0.0)
    table = stats.stats  # type: ignore[attr-defined]
    for (filename, _line, function), (_cc, _nc, own, _cum, _callers) in table.items():
        totals[group(filename, function)] += own
    whole = sum(totals.values()) or 1.0
    return {name: value / whole for name, value in totals.items()}


def shares_table(columns: Sequence[tuple[str, dict[str, float]]]) -> list[list[str]]:
    """Return the rows of a table of shares, one column per profile.

    :param columns: each profile's heading and :func:`shares`.
    """
    rows = [["where the time goes", *(name for name, _ in columns)]]
    for name in GROUPS:
        if any(values[name] >= 0.0005 for _, values in columns):
            rows.append([name, *(f"{values[name]:.1%}" for _, values in columns)])
    return rows
