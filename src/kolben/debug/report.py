"""The debug report: what went wrong, where, and in which request."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from ._frames import Frame, extract_frames
from ._request import RequestSummary, summarize_request
from ._saferepr import plain, safe_str

if TYPE_CHECKING:
    from ..request import Request

#: How an exception leads to the one shown after it, as Python prints it.
Relation = Literal["cause", "context"]

#: Most exceptions followed down a ``__cause__``/``__context__`` chain.
MAX_CHAIN = 20

# Longest exception message kept; a megabyte message would bury the page.
_MAX_MESSAGE_CHARS = 10_000


@dataclass(frozen=True, slots=True)
class ExceptionInfo:
    """One exception of a chain, with its traceback.

    :param type_name: The exception class's qualified name.
    :param module: The module that defines the class.
    :param message: ``str(exc)``, or a placeholder if that raised.
    :param notes: Notes added with ``add_note``.
    :param frames: The traceback, oldest frame first.
    :param frames_omitted: How many of the oldest frames were left out.
    :param relation: How this exception leads to the next one shown:
        ``"cause"`` (``raise ... from``) or ``"context"`` (raised while
        handling it); ``None`` for the exception that was unhandled.
    """

    type_name: str
    module: str
    message: str
    notes: tuple[str, ...]
    frames: tuple[Frame, ...]
    frames_omitted: int
    relation: Relation | None

    @property
    def full_name(self) -> str:
        """The class name as Python's traceback prints it."""
        if self.module in ("builtins", "__main__", ""):
            return self.type_name
        return f"{self.module}.{self.type_name}"


@dataclass(frozen=True, slots=True)
class DebugReport:
    """Everything the debug page shows about an unhandled exception.

    Build it with :meth:`from_exception`; render it with
    :func:`~kolben.debug.render_html` or :func:`~kolben.debug.render_json`.

    :param exception: The exception that went unhandled.
    :param causes: The exceptions that led to it, oldest first, each with
        its ``relation`` to the next.
    :param request: The request being answered, if there was one.
    """

    exception: ExceptionInfo
    causes: tuple[ExceptionInfo, ...]
    request: RequestSummary | None

    @classmethod
    def from_exception(
        cls, exc: BaseException, request: Request | None = None
    ) -> DebugReport:
        """Build the report for ``exc`` raised while answering ``request``.

        Never raises because of the request: a part that cannot be read
        (a malformed body, say) is reported as unavailable.

        :param exc: The unhandled exception, with its traceback.
        :param request: The request being answered, or ``None``.
        """
        causes = tuple(_describe(link, relation) for link, relation in _chain(exc))
        summary = None if request is None else summarize_request(request)
        return cls(_describe(exc, None), causes, summary)

    @property
    def type_name(self) -> str:
        """The unhandled exception's class name."""
        return self.exception.type_name

    @property
    def message(self) -> str:
        """The unhandled exception's message."""
        return self.exception.message

    @property
    def frames(self) -> tuple[Frame, ...]:
        """The unhandled exception's traceback, oldest frame first."""
        return self.exception.frames

    @property
    def title(self) -> str:
        """A one-line ``Type: message`` summary."""
        first_line = self.message.strip().partition("\n")[0]
        if not first_line:
            return self.type_name
        if len(first_line) > 200:
            first_line = first_line[:199] + "\u2026"
        return f"{self.type_name}: {first_line}"

    @property
    def chain(self) -> tuple[ExceptionInfo, ...]:
        """The causes and then the unhandled exception, as Python prints them."""
        return (*self.causes, self.exception)


def _chain(exc: BaseException) -> list[tuple[BaseException, Relation]]:
    """Return the exceptions that led to ``exc``, oldest first."""
    found: list[tuple[BaseException, Relation]] = []
    seen = {id(exc)}
    current = exc
    while len(found) < MAX_CHAIN:
        following: BaseException | None
        relation: Relation
        if current.__cause__ is not None:
            following, relation = current.__cause__, "cause"
        elif current.__context__ is not None and not current.__suppress_context__:
            following, relation = current.__context__, "context"
        else:
            break
        # A cycle (an exception that is its own context) must not loop forever.
        if id(following) in seen:
            break
        seen.add(id(following))
        found.append((following, relation))
        current = following
    found.reverse()
    return found


def _describe(exc: BaseException, relation: Relation | None) -> ExceptionInfo:
    """Describe one exception of the chain."""
    kind = type(exc)
    frames, omitted = extract_frames(exc.__traceback__)
    notes = getattr(exc, "__notes__", None)
    return ExceptionInfo(
        type_name=plain(kind.__qualname__),
        module=plain(str(getattr(kind, "__module__", "") or "")),
        message=safe_str(exc, _MAX_MESSAGE_CHARS),
        notes=tuple(safe_str(note) for note in notes)
        if isinstance(notes, list)
        else (),
        frames=frames,
        frames_omitted=omitted,
        relation=relation,
    )
