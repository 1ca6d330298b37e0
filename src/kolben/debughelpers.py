"""Errors and explanations that help while developing (Flask's ``debughelpers``).

- :class:`DebugFilesKeyError`: in debug mode, reading ``request.files[name]``
  for a field a form sent without ``enctype="multipart/form-data"`` says so,
  instead of a bare 400.
- :func:`explain_template_loading_attempts`: with ``EXPLAIN_TEMPLATE_LOADING``
  on, every template lookup logs which folders were tried and what was found.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from .globals import _cv_app

if TYPE_CHECKING:
    from jinja2 import BaseLoader

    from ._scaffold import Scaffold
    from .app import Kolben
    from .request import Request

#: What one loader answered: Jinja's ``(source, filename, uptodate)``, or
#: ``None`` when it did not have the template.
Source = tuple[str, str | None, Callable[[], bool] | None] | None


class UnexpectedUnicodeError(AssertionError, UnicodeError):
    """Raised where text was expected to be bytes, or the other way round."""


class DebugFilesKeyError(KeyError, AssertionError):
    """``request.files[key]`` is missing because the form was not multipart.

    Raised in debug mode only, in place of the 400 a missing key gives.

    :param request: the request whose ``files`` were read.
    :param key: the name that was asked for.
    """

    def __init__(self, request: Request, key: str) -> None:
        """Take the request and the missing ``key``."""
        sent = request.form.getlist(key)
        msg = (
            f"You tried to access the file {key!r} in the request.files"
            " dictionary but it does not exist. The mimetype for the request"
            f" is {request.mimetype!r} instead of 'multipart/form-data', so"
            " no file contents were sent. To fix this, add"
            ' enctype="multipart/form-data" to your <form> tag.'
        )
        if sent:
            names = ", ".join(repr(name) for name in sent)
            msg += (
                "\n\nThe browser sent the file names instead. This was"
                f" submitted: {names}"
            )
        super().__init__(msg)
        self.msg = msg

    def __str__(self) -> str:
        """Explain why the key is missing and how to fix the form."""
        return self.msg


def attach_enctype_error_multidict(request: Request) -> None:
    """Make ``request.files[key]`` raise :class:`DebugFilesKeyError`.

    Only for keys the form has as plain fields: those are the file inputs of
    a form sent without ``enctype="multipart/form-data"``.

    :param request: the request whose ``files`` to change.
    """
    files = request.files
    base = type(files)

    class EnctypeErrorMultiDict(base):  # type: ignore[valid-type, misc]
        # No new attributes: the layout must match for the __class__ swap.
        __slots__ = ()

        def __getitem__(self, key: str) -> Any:
            try:
                return super().__getitem__(key)
            except KeyError as e:
                if key not in request.form:
                    raise
                raise DebugFilesKeyError(request, key).with_traceback(
                    e.__traceback__
                ) from None

    EnctypeErrorMultiDict.__name__ = base.__name__
    EnctypeErrorMultiDict.__qualname__ = base.__qualname__
    EnctypeErrorMultiDict.__module__ = base.__module__
    files.__class__ = EnctypeErrorMultiDict


def _loader_lines(loader: BaseLoader) -> Iterator[str]:
    """Describe a loader by its class and its simple public attributes."""
    yield f"class: {type(loader).__module__}.{type(loader).__name__}"
    for key, value in sorted(vars(loader).items()):
        if key.startswith("_"):
            continue
        if isinstance(value, tuple | list):
            if all(isinstance(item, str) for item in value):
                yield f"{key}:"
                yield from (f"  - {item}" for item in value)
        elif isinstance(value, str | int | float | bool):
            yield f"{key}: {value!r}"


def _describe(source: Scaffold) -> str:
    from .blueprints import Blueprint

    if isinstance(source, Blueprint):
        return f"blueprint {source.name!r} ({source.import_name})"
    return f"application {source.import_name!r}"


def explain_template_loading_attempts(
    app: Kolben,
    template: str,
    attempts: list[tuple[BaseLoader, Scaffold, Source]],
) -> None:
    """Log, at INFO on ``app.logger``, how a template was looked up.

    :param app: the application.
    :param template: the template's name.
    :param attempts: each loader tried, whose folder it is, and what it found.
    """
    lines = [f"Locating template {template!r}:"]
    found = 0
    for number, (loader, source, result) in enumerate(attempts, 1):
        lines.append(f"{number:5}: trying loader of {_describe(source)}")
        lines.extend(f"       {line}" for line in _loader_lines(loader))
        if result is None:
            lines.append("       -> no match")
        else:
            found += 1
            lines.append(f"       -> found ({result[1] or '<string>'!r})")
    if found == 0:
        lines.append("Error: the template could not be found.")
    elif found > 1:
        lines.append("Warning: multiple loaders returned a match for the template.")
    ctx = _cv_app.get(None)
    blueprint = ctx.request.blueprint if ctx and ctx.request else None
    if blueprint is not None and found != 1:
        lines.append(
            "  The template was looked up from an endpoint that belongs to the"
            f" blueprint {blueprint!r}."
        )
        lines.append("  Maybe you did not place a template in the right folder?")
        lines.append(
            "  A blueprint's templates are found in its template_folder, after"
            " the app's."
        )
    app.logger.info("\n".join(lines))
