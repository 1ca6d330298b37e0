"""Frames of a traceback: source context, origin and safely shown locals."""

from __future__ import annotations

import linecache
import os
import site
import sysconfig
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import FrameType, TracebackType
from typing import Literal

from ._saferepr import REDACTED, is_secret_name, safe_repr, truncate

#: Where a frame's code lives; only ``"user"`` frames are emphasized.
Origin = Literal["user", "kolben", "library", "stdlib"]

#: Lines of source shown before the failing line.
CONTEXT_BEFORE = 5

#: Lines of source shown after the failing line; what led up to the failure
#: matters more than what would have run next.
CONTEXT_AFTER = 3

#: Most local variables shown per frame.
MAX_LOCALS = 50

#: Most frames kept per exception; the newest are kept.
MAX_FRAMES = 100

# Longest source line shown; minified code would otherwise flood the page.
_MAX_SOURCE_CHARS = 300


@dataclass(frozen=True, slots=True)
class SourceLine:
    """One line of source code around a frame's failing line.

    :param number: The 1-based line number.
    :param text: The line, without its line ending.
    :param is_current: Whether this is the line that was running.
    """

    number: int
    text: str
    is_current: bool


@dataclass(frozen=True, slots=True)
class Frame:
    """One frame of a traceback, ready to show.

    :param filename: The code's file name as Python knows it.
    :param lineno: The line that was running.
    :param function: The function's name.
    :param origin: Whether the code is the user's, kolben's, a library's or
        the standard library's.
    :param source: Lines around ``lineno``; empty when the source is unknown.
    :param locals: ``(name, safe repr)`` pairs, secret-looking ones redacted.
    :param locals_omitted: How many locals were left out past the limit.
    """

    filename: str
    lineno: int
    function: str
    origin: Origin
    source: tuple[SourceLine, ...]
    locals: tuple[tuple[str, str], ...]
    locals_omitted: int

    @property
    def is_user_code(self) -> bool:
        """Whether the frame is in the application's own code."""
        return self.origin == "user"

    @property
    def code(self) -> str:
        """The failing line of source, stripped; empty when unknown."""
        for line in self.source:
            if line.is_current:
                return line.text.strip()
        return ""


def extract_frames(tb: TracebackType | None) -> tuple[tuple[Frame, ...], int]:
    """Return the frames of a traceback, oldest first, and how many were cut.

    :param tb: The traceback, e.g. ``exc.__traceback__``.
    """
    entries: list[tuple[FrameType, int]] = []
    while tb is not None:
        entries.append((tb.tb_frame, tb.tb_lineno))
        tb = tb.tb_next
    omitted = max(0, len(entries) - MAX_FRAMES)
    frames = tuple(_build_frame(frame, lineno) for frame, lineno in entries[omitted:])
    return frames, omitted


def _build_frame(frame: FrameType, lineno: int | None) -> Frame:
    """Describe one traceback entry."""
    code = frame.f_code
    line = lineno if lineno is not None else frame.f_lineno
    shown, omitted = _locals(frame)
    return Frame(
        filename=code.co_filename,
        lineno=line or 0,
        function=code.co_name,
        origin=classify(code.co_filename),
        source=_source(frame, line),
        locals=shown,
        locals_omitted=omitted,
    )


def _source(frame: FrameType, lineno: int | None) -> tuple[SourceLine, ...]:
    """Return the lines around ``lineno``, or nothing if unavailable."""
    if not lineno:
        return ()
    try:
        lines = linecache.getlines(frame.f_code.co_filename, frame.f_globals)
    except Exception:
        return ()
    if not lines or lineno > len(lines):
        return ()
    first = max(1, lineno - CONTEXT_BEFORE)
    last = min(len(lines), lineno + CONTEXT_AFTER)
    return tuple(
        SourceLine(
            number,
            truncate(lines[number - 1].rstrip("\r\n"), _MAX_SOURCE_CHARS),
            number == lineno,
        )
        for number in range(first, last + 1)
    )


def _locals(frame: FrameType) -> tuple[tuple[tuple[str, str], ...], int]:
    """Return a frame's locals as safe text, and how many were left out."""
    try:
        names = dict(frame.f_locals)
    except Exception:
        return (), 0
    # Dunder names (``__builtins__``, ``__class__``) are noise, and a module
    # frame's locals are its globals.
    items = [
        (str(name), value)
        for name, value in names.items()
        if not (str(name).startswith("__") and str(name).endswith("__"))
    ]
    shown = tuple(
        (name, REDACTED if is_secret_name(name) else safe_repr(value))
        for name, value in items[:MAX_LOCALS]
    )
    return shown, max(0, len(items) - MAX_LOCALS)


def classify(filename: str) -> Origin:
    """Return where the code in ``filename`` comes from.

    :param filename: A code object's file name.
    """
    if filename.startswith("<frozen "):
        return "stdlib"
    if filename.startswith("<"):
        return "user"
    path = os.path.normcase(os.path.abspath(filename))
    kolben_dir, library_dirs, stdlib_dirs = _known_dirs()
    if _is_under(path, (kolben_dir,)):
        return "kolben"
    parts = Path(path).parts
    # Site-packages may sit inside the stdlib directory, so check it first.
    if "site-packages" in parts or "dist-packages" in parts:
        return "library"
    if _is_under(path, library_dirs):
        return "library"
    if _is_under(path, stdlib_dirs):
        return "stdlib"
    return "user"


def _is_under(path: str, dirs: tuple[str, ...]) -> bool:
    """Return whether ``path`` lies inside one of ``dirs``."""
    return any(path.startswith(directory + os.sep) for directory in dirs)


@cache
def _known_dirs() -> tuple[str, tuple[str, ...], tuple[str, ...]]:
    """Return kolben's, the libraries' and the standard library's directories."""

    def norm(path: str) -> str:
        return os.path.normcase(os.path.abspath(path)).rstrip(os.sep)

    kolben_dir = norm(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    paths = sysconfig.get_paths()
    libraries = [paths["purelib"], paths["platlib"]]
    try:
        libraries.extend(site.getsitepackages())
        libraries.append(site.getusersitepackages())
    except AttributeError:  # pragma: no cover - old virtualenv's site module
        pass
    stdlib = [paths["stdlib"], paths["platstdlib"]]
    return (
        kolben_dir,
        tuple(norm(p) for p in libraries),
        tuple(norm(p) for p in stdlib),
    )
