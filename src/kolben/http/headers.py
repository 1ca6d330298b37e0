"""Headers, an ordered case-insensitive multi-map, and header value parsing."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any, TypeVar, overload

from ._header_syntax import dump_options_header as dump_options_header
from ._header_syntax import parse_dict_header as parse_dict_header
from ._header_syntax import parse_list_header as parse_list_header
from ._header_syntax import parse_options_header as parse_options_header
from ._header_syntax import quote_header_value as quote_header_value
from ._header_syntax import unquote_header_value as unquote_header_value
from .exceptions import BadRequestKeyError

__all__ = [
    "Headers",
    "dump_options_header",
    "parse_dict_header",
    "parse_list_header",
    "parse_options_header",
    "quote_header_value",
    "unquote_header_value",
]

T = TypeVar("T")
D = TypeVar("D")

_MISSING: Any = object()
_NEWLINE_ERROR = "Header values must not contain newline characters."


def _check(name: str, value: Any) -> tuple[str, str]:
    """Return a validated ``(name, value)`` pair, converting value to str."""
    if type(value) is not str:
        value = str(value)
    if type(name) is not str and not isinstance(name, str):
        raise TypeError(f"Header names must be str, not {type(name).__name__}.")
    # SECURITY: CR, LF or NUL would let a value inject headers or a body.
    # PERF: one scan of the joined pair is cheaper than six of the parts.
    joined = name + value
    if "\n" in joined or "\r" in joined or "\0" in joined:
        raise ValueError(_NEWLINE_ERROR)
    return name, value


def _check_list(pairs: Iterable[tuple[str, Any]]) -> list[tuple[str, str]]:
    """Validate many pairs; the loop is inlined for response construction."""
    checked = []
    for name, value in pairs:
        if type(value) is not str:
            value = str(value)
        if type(name) is not str and not isinstance(name, str):
            raise TypeError(f"Header names must be str, not {type(name).__name__}.")
        # SECURITY: as in _check; PERF: inlined, this runs for every response.
        joined = name + value
        if "\n" in joined or "\r" in joined or "\0" in joined:
            raise ValueError(_NEWLINE_ERROR)
        checked.append((name, value))
    return checked


def _with_options(value: Any, options: Mapping[str, Any]) -> Any:
    """Append ``; key=value`` parameters to a value, as ``add`` accepts."""
    # Python keywords cannot hold dashes, so ``file_name`` means ``file-name``.
    params = {key.replace("_", "-"): opt for key, opt in options.items()}
    return dump_options_header(str(value), params)


def _pairs(source: Any) -> Iterator[tuple[str, Any]]:
    """Yield ``(name, value)`` pairs from headers, a mapping or pairs.

    A multidict (``items(multi=True)`` or ``getlist``) gives every value of
    each name; an object with ``items()`` that is not a mapping (Werkzeug's
    Headers, ``email.message.Message``) gives its pairs.
    """
    if isinstance(source, Headers):
        yield from source._list
    elif isinstance(source, Mapping):
        if callable(getattr(source, "getlist", None)):
            yield from _multidict_pairs(source)
            return
        for name, value in source.items():
            if isinstance(value, (list, tuple)):
                for item in value:
                    yield name, item
            else:
                yield name, value
    elif callable(getattr(source, "items", None)):
        yield from source.items()
    else:
        yield from source


def _multidict_pairs(source: Any) -> Iterable[tuple[str, Any]]:
    """Return every ``(name, value)`` of a multidict, repeated names included."""
    try:
        return list(source.items(multi=True))
    except TypeError:
        # A multidict whose items() takes no ``multi``: ask for each list.
        return [(name, value) for name in source for value in source.getlist(name)]


class Headers:
    """An ordered, case-insensitive collection of HTTP header fields.

    Names keep the case they were given in; lookups ignore case. A name may
    appear several times (``Set-Cookie``). Iterating yields ``(name, value)``
    pairs, as Werkzeug's Headers do. Values are validated: CR, LF and NUL are
    refused so a header can never be split into two.

    :param defaults: ``None``, a list of pairs, a mapping (list and tuple
        values become repeated fields) or another Headers.
    """

    __slots__ = ("_list",)

    def __init__(
        self,
        defaults: Headers | Mapping[str, Any] | Iterable[tuple[str, Any]] | None = None,
    ) -> None:
        """Take initial headers: a mapping, pairs or another ``Headers``."""
        self._list: list[tuple[str, str]]
        if defaults is None:
            self._list = []
        elif type(defaults) is list:
            # PERF: the common case when a response is built.
            self._list = _check_list(defaults)
        elif isinstance(defaults, Headers):
            # PERF: already validated, one list copy.
            self._list = defaults._list.copy()
        else:
            self._list = _check_list(_pairs(defaults))

    @classmethod
    def _trusted(cls, pairs: list[tuple[str, str]]) -> Headers:
        """Wrap a list of pairs that is known to be valid, without copying it.

        PERF: for fields kolben builds itself (a response's Content-Type and
        Content-Length) and for request headers a server has already parsed,
        which cannot hold CR or LF. The list is used as given.
        """
        self = cls.__new__(cls)
        self._list = pairs
        return self

    # -- reading -----------------------------------------------------------

    @overload
    def __getitem__(self, key: str) -> str: ...
    @overload
    def __getitem__(self, key: int) -> tuple[str, str]: ...
    @overload
    def __getitem__(self, key: slice) -> Headers: ...
    def __getitem__(self, key: str | int | slice) -> str | tuple[str, str] | Headers:
        """Return a header's first value, or the field(s) at an index or slice."""
        if isinstance(key, str):
            ikey = key.lower()
            for name, value in self._list:
                if name.lower() == ikey:
                    return value
            raise BadRequestKeyError(key)
        if isinstance(key, slice):
            new = Headers()
            new._list = self._list[key]
            return new
        return self._list[key]

    @overload
    def get(self, name: str) -> str | None: ...
    @overload
    def get(self, name: str, default: str | T) -> str | T: ...
    @overload
    def get(
        self, name: str, default: None = None, *, type: Callable[[str], T]
    ) -> T | None: ...
    @overload
    def get(self, name: str, default: D, type: Callable[[str], T]) -> T | D: ...
    def get(
        self, name: str, default: Any = None, type: Callable[[str], Any] | None = None
    ) -> Any:
        """Return the first value of header *name*, or *default*.

        :param name: The header name, in any case.
        :param default: Returned when the header is missing or conversion fails.
        :param type: A callable to convert the value, e.g. ``int``; when it
            raises ``ValueError`` or ``TypeError`` the default is returned.
        """
        ikey = name.lower()
        for key, value in self._list:
            if key.lower() == ikey:
                if type is None:
                    return value
                try:
                    return type(value)
                except (ValueError, TypeError):
                    return default
        return default

    @overload
    def getlist(self, name: str) -> list[str]: ...
    @overload
    def getlist(self, name: str, type: Callable[[str], T]) -> list[T]: ...
    def getlist(self, name: str, type: Callable[[str], Any] | None = None) -> list[Any]:
        """Return all values of header *name*, in order; empty if missing.

        :param name: The header name, in any case.
        :param type: A callable to convert each value; values it cannot
            convert are left out.
        """
        ikey = name.lower()
        if type is None:
            return [value for key, value in self._list if key.lower() == ikey]
        result = []
        for key, value in self._list:
            if key.lower() == ikey:
                try:
                    result.append(type(value))
                except (ValueError, TypeError):
                    pass
        return result

    get_all = getlist

    def __contains__(self, name: object) -> bool:
        """Tell whether a header is present, ignoring case."""
        if not isinstance(name, str):
            return False
        ikey = name.lower()
        # PERF: a plain loop; any() over a generator costs several times more.
        for key, _ in self._list:
            if key.lower() == ikey:
                return True
        return False

    def __iter__(self) -> Iterator[tuple[str, str]]:
        """Iterate over ``(name, value)`` pairs in order."""
        return iter(self._list)

    def __len__(self) -> int:
        """Return the number of header fields."""
        return len(self._list)

    def __bool__(self) -> bool:
        """Tell whether there is any header field."""
        return bool(self._list)

    def keys(self, lower: bool = False) -> Iterator[str]:
        """Yield the name of every field, repeated names included.

        :param lower: Yield names in lower case.
        """
        for name, _ in self._list:
            yield name.lower() if lower else name

    def values(self) -> Iterator[str]:
        """Yield the value of every field."""
        for _, value in self._list:
            yield value

    def items(self, lower: bool = False) -> Iterator[tuple[str, str]]:
        """Yield ``(name, value)`` for every field.

        :param lower: Yield names in lower case.
        """
        if not lower:
            yield from self._list
            return
        for name, value in self._list:
            yield name.lower(), value

    def to_wsgi_list(self) -> list[tuple[str, str]]:
        """Return the fields as a new list of pairs for ``start_response``."""
        # PERF: values were validated and converted on the way in.
        return self._list.copy()

    # -- writing -----------------------------------------------------------

    def add(self, name: str, value: Any, **options: Any) -> None:
        """Append a field, keeping fields that have the same name.

        Keyword arguments become parameters: ``add("Content-Disposition",
        "attachment", filename="a.txt")`` adds ``attachment;
        filename=a.txt``. Underscores in keywords become dashes.

        :param name: The header name.
        :param value: The value; non-str values are converted with ``str``.
        :param options: Parameters appended to the value.
        """
        if options:
            value = _with_options(value, options)
        self._list.append(_check(name, value))

    add_header = add

    def set(self, name: str, value: Any, **options: Any) -> None:
        """Replace every field named *name* with one field.

        The new field takes the place of the first old one; when there is
        none it is appended.

        :param name: The header name.
        :param value: The value; non-str values are converted with ``str``.
        :param options: Parameters appended to the value, as in :meth:`add`.
        """
        if options:
            value = _with_options(value, options)
        self._replace(_check(name, value))

    def _replace(self, pair: tuple[str, str]) -> None:
        """Put *pair* where its name first occurs, dropping later duplicates."""
        ikey = pair[0].lower()
        lst = self._list
        first = -1
        duplicates = False
        # PERF: plain loops; this runs for most headers a response sets.
        for index, (key, _) in enumerate(lst):
            if key.lower() == ikey:
                if first >= 0:
                    duplicates = True
                    break
                first = index
        if first < 0:
            lst.append(pair)
            return
        lst[first] = pair
        if duplicates:
            tail = [item for item in lst[first + 1 :] if item[0].lower() != ikey]
            lst[first + 1 :] = tail

    def __setitem__(self, key: str | int, value: Any) -> None:
        """Set a header by name, or replace the pair at an index."""
        if isinstance(key, str):
            self._replace(_check(key, value))
        else:
            name, field_value = value
            self._list[key] = _check(name, field_value)

    def setdefault(self, name: str, default: Any) -> str:
        """Return the first value of *name*, adding *default* if missing.

        :param name: The header name.
        :param default: The value to add when the header is missing.
        """
        value = self.get(name)
        if value is not None:
            return value
        pair = _check(name, default)
        self._list.append(pair)
        return pair[1]

    def setlist(self, name: str, values: Iterable[Any]) -> None:
        """Replace every field named *name* with one field per value.

        :param name: The header name.
        :param values: The values; an empty iterable removes the header.
        """
        iterator = iter(values)
        first = next(iterator, _MISSING)
        if first is _MISSING:
            self.remove(name)
            return
        rest = [_check(name, value) for value in iterator]
        self.set(name, first)
        self._list.extend(rest)

    def setlistdefault(self, name: str, default: Iterable[Any]) -> list[str]:
        """Return all values of *name*, setting *default* if it is missing.

        :param name: The header name.
        :param default: The values to set when the header is missing.
        """
        if name not in self:
            self.setlist(name, default)
        return self.getlist(name)

    def extend(self, *args: Any, **kwargs: Any) -> None:
        """Add fields from headers, a mapping or pairs, keeping existing ones.

        :param args: At most one Headers, mapping or iterable of pairs.
        :param kwargs: More names and values to add.
        """
        if len(args) > 1:
            raise TypeError(f"extend expected at most 1 argument, got {len(args)}")
        for source in (*args, kwargs):
            self._list.extend(_check_list(_pairs(source)))

    def update(self, *args: Any, **kwargs: Any) -> None:
        """Replace the fields of each name found in a mapping or pairs.

        Every name in the source replaces all fields of that name; repeated
        names in the source are all kept.

        :param args: At most one Headers, mapping or iterable of pairs.
        :param kwargs: More names and values to set.
        """
        if len(args) > 1:
            raise TypeError(f"update expected at most 1 argument, got {len(args)}")
        grouped: dict[str, tuple[str, list[Any]]] = {}
        for source in (*args, kwargs):
            for name, value in _pairs(source):
                grouped.setdefault(name.lower(), (name, []))[1].append(value)
        for name, values in grouped.values():
            self.setlist(name, values)

    def remove(self, name: str) -> None:
        """Remove every field named *name*; a missing name is ignored.

        :param name: The header name, in any case.
        """
        ikey = name.lower()
        self._list = [item for item in self._list if item[0].lower() != ikey]

    def __delitem__(self, key: str | int | slice) -> None:
        """Remove every field of a name, or the pairs at an index or slice."""
        if isinstance(key, str):
            self.remove(key)
        else:
            del self._list[key]

    def pop(self, key: str | int | None = None, default: Any = _MISSING) -> Any:
        """Remove and return a header's first value, or the pair at an index.

        :param key: A header name; an index; ``None`` for the last pair.
        :param default: Returned when the name is missing; without it a
            missing name raises :class:`BadRequestKeyError`.
        """
        if key is None:
            return self._list.pop()
        if isinstance(key, int):
            return self._list.pop(key)
        values = self.getlist(key)
        if not values:
            if default is _MISSING:
                raise BadRequestKeyError(key)
            return default
        self.remove(key)
        return values[0]

    def popitem(self) -> tuple[str, str]:
        """Remove and return the last ``(name, value)`` pair."""
        return self._list.pop()

    def clear(self) -> None:
        """Remove every field."""
        self._list.clear()

    # -- copying, comparing, formatting ---------------------------------------

    def copy(self) -> Headers:
        """Return a copy of these headers."""
        return Headers(self)

    def __copy__(self) -> Headers:
        """Return a shallow copy."""
        return self.copy()

    def __eq__(self, other: object) -> bool:
        """Compare fields; name case and the order of distinct names ignored."""
        if not isinstance(other, Headers):
            return NotImplemented
        return _grouped(self._list) == _grouped(other._list)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        """Return a representation for debugging."""
        return f"{type(self).__name__}({self._list!r})"

    def __str__(self) -> str:
        """Return the header block: one ``Name: value`` line each, then CRLF."""
        lines = [f"{name}: {value}\r\n" for name, value in self._list]
        lines.append("\r\n")
        return "".join(lines)


def _grouped(pairs: list[tuple[str, str]]) -> dict[str, list[str]]:
    """Group values by lower-cased name, keeping their order per name."""
    grouped: dict[str, list[str]] = {}
    for name, value in pairs:
        grouped.setdefault(name.lower(), []).append(value)
    return grouped
