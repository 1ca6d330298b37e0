"""Rule syntax: parse ``/users/<int(min=1):id>`` and converter arguments."""

from __future__ import annotations

import re
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, NamedTuple

__all__ = ["Variable", "parse_converter_args", "parse_rule"]

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_CONVERTER_ARG = re.compile(
    r"""
    \s*
    (?:(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s*=\s*)?
    (?:
        "(?P<dq>[^"]*)"
      | '(?P<sq>[^']*)'
      | (?P<bare>[^\s,"'=()]+)
    )
    \s*(?:,|\Z)
    """,
    re.VERBOSE,
)
_INT_LITERAL = re.compile(r"[+-]?[0-9]+")
_FLOAT_LITERAL = re.compile(
    r"[+-]?(?:[0-9]+\.[0-9]*|\.[0-9]+|[0-9]+(?=[eE]))(?:[eE][+-]?[0-9]+)?"
)
_CONSTANTS: Mapping[str, Any] = MappingProxyType(
    {"True": True, "False": False, "None": None}
)


class Variable(NamedTuple):
    """A ``<converter(args):name>`` placeholder in a parsed rule string."""

    #: The converter's name; ``"default"`` when the rule names none.
    converter: str
    #: Positional converter arguments.
    args: tuple[Any, ...]
    #: Keyword converter arguments.
    kwargs: Mapping[str, Any]
    #: The variable's name, passed to the view as a keyword argument.
    name: str


def parse_converter_args(text: str) -> tuple[tuple[Any, ...], dict[str, Any]]:
    """Parse converter arguments like a Python call's, e.g. ``2, max=10``.

    Values are ``True``/``False``/``None``, ints, floats, quoted strings
    (no escapes) or bare words, which are strings (``any(about, help)``).

    :param text: The text between the converter's parentheses.
    :raises ValueError: If the text is not a valid argument list.
    """
    args: list[Any] = []
    kwargs: dict[str, Any] = {}
    pos = 0
    while pos < len(text) and not text[pos:].isspace():
        match = _CONVERTER_ARG.match(text, pos)
        if match is None:
            raise ValueError(f"cannot parse converter arguments at {text[pos:]!r}")
        name, value = match["name"], _python_value(match)
        if name is None:
            if kwargs:
                raise ValueError("positional converter argument after a keyword one")
            args.append(value)
        elif name in kwargs:
            raise ValueError(f"converter argument {name!r} is given twice")
        else:
            kwargs[name] = value
        pos = match.end()
    return tuple(args), kwargs


def _python_value(match: re.Match[str]) -> Any:
    """Return the Python value of one matched converter argument."""
    for quoted in ("dq", "sq"):
        if match[quoted] is not None:
            return match[quoted]
    bare: str = match["bare"]
    if bare in _CONSTANTS:
        return _CONSTANTS[bare]
    if _INT_LITERAL.fullmatch(bare):
        return int(bare)
    if _FLOAT_LITERAL.fullmatch(bare):
        return float(bare)
    return bare


def parse_rule(rule: str) -> list[str | Variable]:
    """Split a rule string into static text and :class:`Variable` items.

    :param rule: A rule string such as ``/users/<int(min=1):id>``.
    :raises ValueError: If the rule is malformed; the message names it.
    """
    items: list[str | Variable] = []
    names: set[str] = set()
    static_start = pos = 0
    while pos < len(rule):
        char = rule[pos]
        if char == ">":
            raise _malformed(rule, f"'>' at position {pos} closes nothing")
        if char != "<":
            pos += 1
            continue
        if static_start < pos:
            items.append(rule[static_start:pos])
        variable, pos = _parse_variable(rule, pos)
        if variable.name in names:
            raise _malformed(rule, f"variable {variable.name!r} appears twice")
        names.add(variable.name)
        items.append(variable)
        static_start = pos
    if static_start < len(rule):
        items.append(rule[static_start:])
    return items


def _parse_variable(rule: str, start: int) -> tuple[Variable, int]:
    """Parse the placeholder at ``rule[start] == "<"``; return it and its end."""
    first = _IDENTIFIER.match(rule, start + 1)
    if first is None:
        raise _malformed(rule, f"expected a name after '<' at position {start}")
    pos = first.end()
    converter, name = "default", first[0]
    args: tuple[Any, ...] = ()
    kwargs: dict[str, Any] = {}
    if rule.startswith("(", pos):
        close = _closing_parenthesis(rule, pos)
        try:
            args, kwargs = parse_converter_args(rule[pos + 1 : close])
        except ValueError as exc:
            raise _malformed(rule, str(exc)) from None
        pos = close + 1
        if not rule.startswith(":", pos):
            raise _malformed(rule, f"expected ':' after the arguments at {pos}")
    if rule.startswith(":", pos):
        converter = first[0]
        second = _IDENTIFIER.match(rule, pos + 1)
        if second is None:
            where = f"'{rule[start + 1 : pos + 1]}'"
            raise _malformed(rule, f"expected a variable name after {where}")
        name, pos = second[0], second.end()
    if not rule.startswith(">", pos):
        raise _malformed(rule, f"expected '>' at position {pos} to close '<'")
    return Variable(converter, tuple(args), kwargs, name), pos + 1


def _closing_parenthesis(rule: str, start: int) -> int:
    """Return the index of the ``)`` that closes ``rule[start]``."""
    pos = start + 1
    while pos < len(rule):
        char = rule[pos]
        if char in "\"'":
            end = rule.find(char, pos + 1)
            if end == -1:
                break
            pos = end
        elif char == ")":
            return pos
        pos += 1
    raise _malformed(rule, f"'(' at position {start} is never closed")


def _malformed(rule: str, reason: str) -> ValueError:
    """Return the error for a malformed rule, naming the rule."""
    return ValueError(f"Malformed URL rule {rule!r}: {reason}.")
