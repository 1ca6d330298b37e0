"""Every name Flask documents as public exists in kolben, with Flask's signature.

The list of names is Flask 3.1's API documentation, ``docs/api.rst`` of its
source distribution, which ``.ci/run`` fetches and names in
``KOLBEN_FLASK_API_RST``. Flask, a development dependency, is the reference
for each name's members and signatures. A name kolben leaves out on purpose
is listed, with its reason, in the "Coming from Flask" page
(``docs/coming-from-flask.md``); this test reads that list.
"""

from __future__ import annotations

import importlib
import inspect
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

API_RST = os.environ.get("KOLBEN_FLASK_API_RST")
COMING_FROM_FLASK = Path(__file__).parents[1] / "docs" / "coming-from-flask.md"

pytestmark = pytest.mark.skipif(
    not API_RST,
    reason="KOLBEN_FLASK_API_RST is not set: no copy of Flask's docs/api.rst"
    " (.ci/run downloads Flask's source distribution and sets it)",
)

_DIRECTIVE = re.compile(
    r"^\.\. (module|currentmodule|autoclass|autofunction|autodata|data|class"
    r"|attribute|automodule)::\s*(\S+)"
)
_OPTION = re.compile(r"^\s+:([a-z-]+):\s*(.*)$")
#: Flask's spelling of a name and kolben's, where they differ.
_RENAMES = (("FlaskClient", "KolbenClient"), ("FlaskCliRunner", "KolbenCliRunner"))


@dataclass
class Documented:
    """One name ``api.rst`` documents, with the options of its directive."""

    kind: str
    name: str
    members: bool = False
    inherited: bool = False
    excluded: frozenset[str] = frozenset()


def documented(path: str) -> list[Documented]:
    """Read the documented names (dotted, from ``flask``) out of ``api.rst``."""
    module: str | None = "flask"
    found: list[Documented] = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        match = _DIRECTIVE.match(line)
        if match:
            kind, name = match.groups()
            if kind in ("module", "currentmodule"):
                module = None if name == "None" else name
                continue
            if not name.startswith("flask") and module is not None:
                name = f"{module}.{name}"
            found.append(Documented(kind, name))
            continue
        option = _OPTION.match(line)
        if option and found:
            key, value = option.groups()
            if key == "members":
                found[-1].members = True
            elif key == "inherited-members":
                found[-1].inherited = True
            elif key == "exclude-members":
                names = {n.strip() for n in value.split(",")}
                found[-1].excluded = frozenset(names)
    return found


def kolben_name(flask_name: str) -> str:
    """Spell a Flask name as kolben does: ``flask.Flask`` is ``kolben.Kolben``."""
    name = "kolben" + flask_name.removeprefix("flask")
    for theirs, ours in _RENAMES:
        name = name.replace(theirs, ours)
    return re.sub(r"\bFlask(\w*)", r"Kolben\1", name)


def resolve(dotted: str) -> Any:
    """Import the object a dotted name stands for (module, then attributes)."""
    parts = dotted.split(".")
    for i in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:i]))
        except ImportError:
            continue
        for attribute in parts[i:]:
            obj = getattr(obj, attribute)
        return obj
    raise ImportError(dotted)


def listed(heading: str) -> dict[str, str]:
    """The names a section of the "Coming from Flask" page lists, with reasons.

    :param heading: ``Deliberate omissions`` (names kolben does not have)
        or ``Deliberate differences`` (names whose signature differs).
    """
    text = COMING_FROM_FLASK.read_text(encoding="utf-8")
    section = text.partition(f"## {heading}")[2].partition("\n## ")[0]
    rows = re.findall(r"^\| `(flask\.[\w.]+)` \| (.+?) \|$", section, re.M)
    return dict(rows)


def omissions() -> dict[str, str]:
    """The names kolben leaves out on purpose, each with its reason."""
    return listed("Deliberate omissions")


def expected_names() -> Iterator[str]:
    """Every Flask name the documentation promises, members included."""
    for entry in documented(str(API_RST)):
        yield entry.name
        if not entry.members:
            continue
        cls = resolve(entry.name)
        own = set(vars(cls))
        for member in dir(cls):
            if member.startswith("_") or member in entry.excluded:
                continue
            if entry.inherited or member in own:
                yield f"{entry.name}.{member}"


def _missing(flask_name: str) -> str | None:
    try:
        resolve(kolben_name(flask_name))
    except (ImportError, AttributeError) as e:
        return f"{flask_name} -> {kolben_name(flask_name)}: {e}"
    return None


def test_api_rst_lists_the_names_we_compare() -> None:
    names = list(expected_names())
    # Flask 3.1 documents a few hundred public names, members included.
    assert len(names) > 400
    assert "flask.Flask.full_dispatch_request" in names
    assert "flask.globals.app_ctx" in names


def test_every_documented_name_exists_in_kolben() -> None:
    skipped = omissions()
    missing = [
        problem
        for name in expected_names()
        if name not in skipped
        for problem in [_missing(name)]
        if problem is not None
    ]
    assert missing == []


def _signature(obj: Any) -> inspect.Signature | None:
    try:
        if isinstance(obj, property) or not callable(obj):
            return None
        return inspect.signature(obj)
    except (TypeError, ValueError, RuntimeError):
        # Builtins without a signature, and the context proxies (request,
        # g, ...) which stand for nothing outside a context.
        return None


def signature_problems(flask_name: str) -> list[str]:
    """How kolben's signature of a name fails to accept Flask's calls.

    Every Flask parameter must be there with the same name and default (a
    parameter Flask requires may have a default in kolben); kolben's own
    parameters must be keyword-only, unless Flask's takes ``*args``.
    """
    theirs = _signature(_static(flask_name))
    ours = _signature(_static(kolben_name(flask_name)))
    if theirs is None or ours is None:
        return []
    theirs, ours = _without_self(flask_name, theirs), _without_self(flask_name, ours)
    kinds = {p.kind for p in ours.parameters.values()}
    their_kinds = {p.kind for p in theirs.parameters.values()}
    if their_kinds == {inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD}:
        # Flask's passes everything on (FlaskClient to Werkzeug's Client):
        # what it accepts is documented by the names it passes to.
        return []
    problems = []
    for name, param in theirs.parameters.items():
        if param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD):
            if param.kind not in kinds:
                star = "*" if param.kind is param.VAR_POSITIONAL else "**"
                problems.append(f"{flask_name}: no {star}{name}")
            continue
        our = ours.parameters.get(name)
        if our is None:
            if inspect.Parameter.VAR_KEYWORD not in kinds:
                problems.append(f"{flask_name}: no parameter {name!r}")
        elif param.default is not param.empty and not _same_default(
            our.default, param.default
        ):
            problems.append(
                f"{flask_name}: {name}={our.default!r}, Flask's is {param.default!r}"
            )
    if inspect.Parameter.VAR_POSITIONAL not in their_kinds:
        for name, param in ours.parameters.items():
            if (
                name not in theirs.parameters
                and param.kind is param.POSITIONAL_OR_KEYWORD
            ):
                problems.append(
                    f"{flask_name}: kolben's own {name!r} is not keyword-only"
                )
    return problems


def _without_self(dotted: str, signature: inspect.Signature) -> inspect.Signature:
    """Drop the first parameter of a function found on a class (``self``)."""
    owner, _, attribute = dotted.rpartition(".")
    try:
        parent = resolve(owner)
    except (ImportError, AttributeError):
        return signature
    member = next(
        (
            vars(k)[attribute]
            for k in getattr(parent, "__mro__", ())
            if attribute in vars(k)
        ),
        None,
    )
    if inspect.isfunction(member) and signature.parameters:
        return signature.replace(parameters=list(signature.parameters.values())[1:])
    return signature


def _same_default(ours: Any, theirs: Any) -> bool:
    """Defaults that are the same in meaning: private sentinels, equal values."""
    sentinel = re.compile(r"^<object object at|^_sentinel|_missing")
    if sentinel.search(repr(ours)) and sentinel.search(repr(theirs)):
        return True
    return type(ours) is type(theirs) and repr(ours) == repr(theirs)


def _static(dotted: str) -> Any:
    """Like :func:`resolve`, but without binding methods or calling properties."""
    owner, _, attribute = dotted.rpartition(".")
    parent = resolve(owner)
    if inspect.isclass(parent):
        for klass in parent.__mro__:
            if attribute in vars(klass):
                return vars(klass)[attribute]
    return getattr(parent, attribute)


def test_every_documented_callable_accepts_flasks_arguments() -> None:
    skipped = omissions() | listed("Deliberate differences")
    problems = [
        problem
        for name in expected_names()
        if name not in skipped and _missing(name) is None
        for problem in signature_problems(name)
    ]
    assert problems == []


def test_every_listed_name_has_a_reason_and_is_still_listed_rightly() -> None:
    for name, reason in omissions().items():
        assert reason.strip(), name
        assert _missing(name) is not None, f"{name} exists now: drop it from the list"
    for name, reason in listed("Deliberate differences").items():
        assert reason.strip(), name
        assert signature_problems(name), f"{name} matches Flask now: drop it"
