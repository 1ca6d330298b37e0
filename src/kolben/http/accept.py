"""Content negotiation: the ``Accept`` family of headers (RFC 9110 12.5)."""

from __future__ import annotations

import codecs
from collections.abc import Iterable, Iterator
from typing import SupportsIndex, TypeVar, overload

from ._header_syntax import parse_options_header, quote_header_value, split_quoted

__all__ = [
    "Accept",
    "CharsetAccept",
    "LanguageAccept",
    "MIMEAccept",
    "parse_accept_header",
]

_A = TypeVar("_A", bound="Accept")
_D = TypeVar("_D")


class Accept(list[tuple[str, float]]):
    """The values of an ``Accept*`` header with their quality, best first.

    Entries are sorted by quality, then by how specific they are, keeping
    the client's order otherwise. ``accept["gzip"]`` is the quality the
    client gives a value, ``0`` if it does not accept it.

    :param values: ``(value, quality)`` pairs.
    """

    def __init__(self, values: Iterable[tuple[str, float]] = ()) -> None:
        """Take ``(value, quality)`` pairs."""
        entries = list(values)
        entries.sort(key=lambda item: (-item[1], -self._specificity(item[0])))
        super().__init__(entries)

    # -- matching rules, overridden by the subclasses ------------------------

    def _specificity(self, value: str) -> int:
        """Return how specific a client value is; higher wins a tie."""
        return 0 if value == "*" else 1

    def _value_matches(self, value: str, item: str) -> bool:
        """Return whether client value *value* covers the offered *item*."""
        return value == "*" or value.lower() == item.lower()

    # -- lookups -----------------------------------------------------------

    @overload
    def __getitem__(self, key: str) -> float: ...
    @overload
    def __getitem__(self, key: SupportsIndex) -> tuple[str, float]: ...
    @overload
    def __getitem__(self, key: slice) -> list[tuple[str, float]]: ...
    def __getitem__(
        self, key: str | SupportsIndex | slice
    ) -> float | tuple[str, float] | list[tuple[str, float]]:
        """Return the quality for a value, or the entry at an index."""
        if isinstance(key, str):
            return self.quality(key)
        return super().__getitem__(key)

    def _best_entry(self, item: str) -> tuple[int, tuple[str, float]] | None:
        """Return the most specific client entry covering *item*, with index."""
        best: tuple[int, tuple[str, float]] | None = None
        best_specificity = -1
        for index, entry in enumerate(self):
            if self._value_matches(entry[0], item):
                specificity = self._specificity(entry[0])
                if specificity > best_specificity:
                    best, best_specificity = (index, entry), specificity
        return best

    def quality(self, key: str) -> float:
        """Return the quality the client gives *key*; ``0`` if not accepted.

        The most specific matching entry decides, so ``text/html;q=0, */*``
        refuses HTML.

        :param key: The value to look up, e.g. ``"text/html"``.
        """
        found = self._best_entry(key)
        return 0 if found is None else found[1][1]

    def __contains__(self, value: object) -> bool:
        """Return whether the client accepts *value* with a quality above 0."""
        if isinstance(value, str):
            return self.quality(value) > 0
        return super().__contains__(value)

    def find(self, key: str) -> int:
        """Return the index of the entry that decides *key*'s quality, or -1.

        :param key: The value to look up.
        """
        found = self._best_entry(key)
        return -1 if found is None else found[0]

    @overload
    def best_match(self, matches: Iterable[str]) -> str | None: ...
    @overload
    def best_match(self, matches: Iterable[str], default: _D) -> str | _D: ...
    def best_match(
        self, matches: Iterable[str], default: str | None | object = None
    ) -> object:
        """Return the offered value the client likes best, or *default*.

        Ties go to the more specific client entry, then to the client's
        order, then to the order of *matches*.

        :param matches: The values the server can produce.
        :param default: Returned when the client accepts none of them.
        """
        best: str | None = None
        best_key: tuple[float, int, int] = (0, 0, 0)
        for item in matches:
            found = self._best_entry(item)
            if found is None or found[1][1] <= 0:
                continue
            index, (value, quality) = found
            key = (quality, self._specificity(value), -index)
            if best is None or key > best_key:
                best, best_key = item, key
        return default if best is None else best

    @property
    def best(self) -> str | None:
        """The client's most preferred value, or ``None`` if there is none."""
        return super().__getitem__(0)[0] if self else None

    def values(self) -> Iterator[str]:
        """Yield the values, best first."""
        for value, _ in self:
            yield value

    def to_header(self) -> str:
        """Return the header value, e.g. ``text/html,*/*;q=0.8``."""
        parts = []
        for value, quality in self:
            parts.append(value if quality == 1 else f"{value};q={quality:g}")
        return ",".join(parts)

    def __str__(self) -> str:
        """Return the header value."""
        return self.to_header()

    def __repr__(self) -> str:
        """Return a representation for debugging."""
        return f"{type(self).__name__}({list(self)!r})"


def _split_media(value: str) -> tuple[str, str]:
    """Return the lower-cased type and subtype of a media range."""
    main, _ = parse_options_header(value)
    kind, _, subtype = main.lower().partition("/")
    return kind.strip(), subtype.strip()


class MIMEAccept(Accept):
    """The ``Accept`` header: media ranges like ``text/*`` and ``*/*``.

    Parameters are ignored when matching: of several entries for the same
    type, the one with the highest quality decides.
    """

    def _specificity(self, value: str) -> int:
        kind, subtype = _split_media(value)
        if kind == "*" or value.strip() == "*":
            return 0
        return 1 if subtype == "*" else 2

    def _value_matches(self, value: str, item: str) -> bool:
        if value.strip() == "*":
            return True
        kind, subtype = _split_media(value)
        item_kind, item_subtype = _split_media(item)
        if kind == "*" or item_kind == "*":
            return True
        if kind != item_kind:
            return False
        return subtype == "*" or item_subtype == "*" or subtype == item_subtype

    @property
    def accept_html(self) -> bool:
        """Whether the client accepts HTML or XHTML."""
        return self.quality("text/html") > 0 or self.accept_xhtml

    @property
    def accept_xhtml(self) -> bool:
        """Whether the client accepts XHTML."""
        return (
            self.quality("application/xhtml+xml") > 0
            or self.quality("application/xml") > 0
        )

    @property
    def accept_json(self) -> bool:
        """Whether the client accepts JSON."""
        return self.quality("application/json") > 0


class LanguageAccept(Accept):
    """The ``Accept-Language`` header; ``en`` also covers ``en-US``."""

    def _value_matches(self, value: str, item: str) -> bool:
        if value == "*":
            return True
        value = value.lower().replace("_", "-")
        item = item.lower().replace("_", "-")
        # RFC 4647 basic filtering: a range matches tags that extend it.
        return item == value or item.startswith(value + "-")


class CharsetAccept(Accept):
    """The ``Accept-Charset`` header; ``utf8`` and ``UTF-8`` are the same."""

    def _value_matches(self, value: str, item: str) -> bool:
        return value == "*" or _charset_name(value) == _charset_name(item)


def _charset_name(name: str) -> str:
    """Return the canonical name of a charset, or the name lower-cased."""
    try:
        return codecs.lookup(name).name
    except (LookupError, ValueError):
        return name.lower()


def _parse_quality(text: str) -> float | None:
    """Parse a ``q`` value between 0 and 1; ``None`` if invalid."""
    text = text.strip()
    if not text or len(text) > 5 or not text.isascii():
        return None
    try:
        quality = float(text)
    except ValueError:
        return None
    return quality if 0 <= quality <= 1 else None


@overload
def parse_accept_header(value: str | None) -> Accept: ...
@overload
def parse_accept_header(value: str | None, cls: type[_A]) -> _A: ...
def parse_accept_header(value: str | None, cls: type[Accept] | None = None) -> Accept:
    """Parse an ``Accept*`` header into an :class:`Accept` of *cls*.

    Entries with an invalid ``q`` are skipped; parameters other than ``q``
    stay part of the value. Never raises.

    :param value: The header value, or ``None``.
    :param cls: The Accept class to build, e.g. :class:`MIMEAccept`.
    """
    cls = cls or Accept
    if not value:
        return cls()
    entries = []
    for item in split_quoted(value, ","):
        main, params = parse_options_header(item)
        if not main:
            continue
        quality = 1.0
        if "q" in params:
            parsed = _parse_quality(params.pop("q"))
            if parsed is None:
                continue
            quality = parsed
        if params:
            main += "".join(
                f";{key}={quote_header_value(val)}" for key, val in params.items()
            )
        entries.append((main, quality))
    return cls(entries)
