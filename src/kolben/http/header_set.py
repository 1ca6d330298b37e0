"""HeaderSet: a case-insensitive, ordered set of header tokens.

``Allow``, ``Vary``, ``Content-Language``, ``Pragma`` and the CORS
``Access-Control-*-Headers`` fields each hold a comma-separated list of
tokens in which order is kept and case does not matter.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, MutableSet
from typing import Any, SupportsIndex

from ._header_syntax import parse_list_header, quote_header_value

__all__ = ["HeaderSet", "dump_header", "parse_set_header"]


class HeaderSet(MutableSet[str]):
    """An ordered set of header tokens, compared case-insensitively.

    :param headers: the starting tokens, in order.
    :param on_update: called with the set after each change; a response
        uses it to write the header back.
    """

    def __init__(
        self,
        headers: Iterable[str] | None = None,
        on_update: Callable[[HeaderSet], None] | None = None,
    ) -> None:
        """Take the initial tokens and a callback run on every change."""
        self._headers: list[str] = []
        self._set: set[str] = set()
        for header in headers or ():
            if header.lower() not in self._set:
                self._headers.append(header)
                self._set.add(header.lower())
        self.on_update = on_update

    def _changed(self) -> None:
        if self.on_update is not None:
            self.on_update(self)

    def add(self, header: str) -> None:
        """Add a token, unless one equal to it ignoring case is present.

        :param header: the token.
        """
        self.update((header,))

    def update(self, iterable: Iterable[str]) -> None:
        """Add every token of ``iterable`` that is not present yet.

        :param iterable: the tokens.
        """
        added = False
        for header in iterable:
            key = header.lower()
            if key not in self._set:
                self._headers.append(header)
                self._set.add(key)
                added = True
        if added:
            self._changed()

    def remove(self, header: str) -> None:
        """Remove a token; :exc:`KeyError` if it is not present.

        :param header: the token, in any case.
        """
        del self[self._find_or_raise(header, KeyError)]

    def discard(self, header: str) -> None:
        """Remove a token if present.

        :param header: the token, in any case.
        """
        if header.lower() in self._set:
            self.remove(header)

    def find(self, header: str) -> int:
        """Return the position of a token, or ``-1`` if it is not present.

        :param header: the token, in any case.
        """
        key = header.lower()
        for index, item in enumerate(self._headers):
            if item.lower() == key:
                return index
        return -1

    def index(self, header: str) -> int:
        """Return the position of a token; :exc:`IndexError` if not present.

        :param header: the token, in any case.
        """
        return self._find_or_raise(header, IndexError)

    def _find_or_raise(self, header: str, error: type[Exception]) -> int:
        index = self.find(header)
        if index < 0:
            raise error(header)
        return index

    def clear(self) -> None:
        """Remove every token."""
        self._headers.clear()
        self._set.clear()
        self._changed()

    def as_set(self, preserve_casing: bool = False) -> set[str]:
        """Return the tokens as a plain ``set``, lower-cased unless asked.

        :param preserve_casing: keep each token's case as given.
        """
        if preserve_casing:
            return set(self._headers)
        return set(self._set)

    def to_header(self) -> str:
        """Return the header value, tokens joined by ``", "``."""
        return ", ".join(map(quote_header_value, self._headers))

    def __getitem__(self, index: SupportsIndex) -> str:
        """Return the token at ``index``."""
        return self._headers[index]

    def __setitem__(self, index: SupportsIndex, value: str) -> None:
        """Replace the token at ``index``."""
        old = self._headers[index]
        if value.lower() != old.lower() and value.lower() in self._set:
            raise ValueError(f"{value!r} is already in the set.")
        self._set.discard(old.lower())
        self._headers[index] = value
        self._set.add(value.lower())
        self._changed()

    def __delitem__(self, index: SupportsIndex) -> None:
        """Remove the token at ``index``."""
        old = self._headers.pop(index)
        self._set.discard(old.lower())
        self._changed()

    def __contains__(self, header: object) -> bool:
        """Tell whether the set has ``header``, ignoring case."""
        return isinstance(header, str) and header.lower() in self._set

    def __iter__(self) -> Iterator[str]:
        """Iterate over the tokens in order."""
        return iter(self._headers)

    def __len__(self) -> int:
        """Return the number of tokens."""
        return len(self._headers)

    def __bool__(self) -> bool:
        """Tell whether the set has any token."""
        return bool(self._headers)

    def __str__(self) -> str:
        """Return the header value."""
        return self.to_header()

    def __repr__(self) -> str:
        """Return a representation for debugging."""
        return f"{type(self).__name__}({self._headers!r})"


def parse_set_header(
    value: str | None, on_update: Callable[[HeaderSet], None] | None = None
) -> HeaderSet:
    """Parse a comma-separated header into a :class:`HeaderSet`.

    Quoted tokens are unquoted; a missing or empty header gives an empty
    set. Never raises.

    :param value: the header value, e.g. ``"Accept, Cookie"``.
    :param on_update: see :class:`HeaderSet`.
    """
    if not value:
        return HeaderSet(None, on_update)
    return HeaderSet(parse_list_header(value), on_update)


def dump_header(iterable: Iterable[Any] | dict[str, Any]) -> str:
    """Join items into a comma-separated header value, quoting as needed.

    A dict gives ``key=value`` items (a ``None`` value gives the bare key,
    and a ``key*`` value is written as it is, already encoded).

    :param iterable: the items, or a dict of parameters.
    """
    if isinstance(iterable, dict):
        items = []
        for key, value in iterable.items():
            if value is None:
                items.append(key)
            elif key.endswith("*"):
                items.append(f"{key}={value}")
            else:
                items.append(f"{key}={quote_header_value(value)}")
        return ", ".join(items)
    return ", ".join(quote_header_value(item) for item in iterable)
