"""MultiDict and its immutable and combined variants: one key, many values."""

from __future__ import annotations

import copy as _copy
from collections.abc import (
    Callable,
    ItemsView,
    Iterable,
    Iterator,
    KeysView,
    Mapping,
    MutableMapping,
    ValuesView,
)
from typing import Any, Generic, Literal, NoReturn, Self, TypeVar, overload

from .exceptions import BadRequestKeyError

__all__ = ["CombinedMultiDict", "ImmutableMultiDict", "MultiDict"]

K = TypeVar("K")
V = TypeVar("V")
T = TypeVar("T")
D = TypeVar("D")

_MISSING: Any = object()


def _fill(target: dict[Any, list[Any]], source: Any) -> None:
    """Add every value of *source* to *target* without replacing any.

    A MultiDict contributes all its values; a plain mapping contributes its
    values, expanding lists and tuples; anything else is read as pairs.
    """
    if isinstance(source, MultiDict):
        for key, values in source.lists():
            target.setdefault(key, []).extend(values)
    elif isinstance(source, Mapping):
        for key, value in source.items():
            if isinstance(value, (list, tuple)):
                if value:
                    target.setdefault(key, []).extend(value)
            else:
                target.setdefault(key, []).append(value)
    else:
        for key, value in source:
            target.setdefault(key, []).append(value)


class MultiDict(MutableMapping[K, V], Generic[K, V]):
    """A mapping that keeps every value given for a key, in order.

    Item access returns a key's first value, as form and query data are
    mostly single-valued; :meth:`getlist` returns them all. A missing key
    raises :class:`BadRequestKeyError`, which is a ``KeyError`` that becomes
    a 400 response when a view does not catch it.

    :param mapping: A MultiDict, a mapping (list and tuple values become
        multiple values) or an iterable of ``(key, value)`` pairs.
    """

    __slots__ = ("_d",)

    _d: dict[K, list[V]]

    def __init__(
        self,
        mapping: MultiDict[K, V]
        | Mapping[K, V | list[V] | tuple[V, ...]]
        | Iterable[tuple[K, V]]
        | None = None,
    ) -> None:
        """Take a mapping, a MultiDict or ``(key, value)`` pairs."""
        self._d = {}
        if mapping is not None:
            _fill(self._d, mapping)

    @classmethod
    def _from_lists(cls, lists: dict[K, list[V]]) -> Self:
        """Wrap *lists* without copying; the caller gives up ownership."""
        # PERF: parsers build the dict of lists directly and hand it over.
        md = cls.__new__(cls)
        md._d = lists
        return md

    # -- reading -----------------------------------------------------------

    def __getitem__(self, key: K) -> V:
        """Return the first value of ``key``."""
        try:
            return self._d[key][0]
        except (KeyError, IndexError):
            raise BadRequestKeyError(key) from None

    @overload
    def get(self, key: K) -> V | None: ...
    @overload
    def get(self, key: K, default: V | T) -> V | T: ...
    @overload
    def get(
        self, key: K, default: None = None, *, type: Callable[[V], T]
    ) -> T | None: ...
    @overload
    def get(self, key: K, default: D, type: Callable[[V], T]) -> T | D: ...
    def get(
        self, key: K, default: Any = None, type: Callable[[V], Any] | None = None
    ) -> Any:
        """Return the first value for *key*, or *default* if there is none.

        :param key: The key to look up.
        :param default: Returned when the key is missing or conversion fails.
        :param type: A callable to convert the value, e.g. ``int``; when it
            raises ``ValueError`` or ``TypeError`` the default is returned.
        """
        # PERF: a dict lookup without raising keeps misses as cheap as hits.
        values = self._d.get(key)
        if not values:
            return default
        value = values[0]
        if type is None:
            return value
        try:
            return type(value)
        except (ValueError, TypeError):
            return default

    @overload
    def getlist(self, key: K) -> list[V]: ...
    @overload
    def getlist(self, key: K, type: Callable[[V], T]) -> list[T]: ...
    def getlist(self, key: K, type: Callable[[V], Any] | None = None) -> list[Any]:
        """Return a new list of all values for *key*; empty if it is missing.

        :param key: The key to look up.
        :param type: A callable to convert each value; values it cannot
            convert (``ValueError``/``TypeError``) are left out.
        """
        values = self._d.get(key)
        if not values:
            return []
        if type is None:
            return list(values)
        result = []
        for value in values:
            try:
                result.append(type(value))
            except (ValueError, TypeError):
                pass
        return result

    def __contains__(self, key: object) -> bool:
        """Tell whether ``key`` has a value."""
        return key in self._d

    def __iter__(self) -> Iterator[K]:
        """Iterate over the keys."""
        return iter(self._d)

    def __len__(self) -> int:
        """Return the number of keys."""
        return len(self._d)

    def keys(self) -> KeysView[K]:
        """Return a view of the keys."""
        return self._d.keys()

    def values(self) -> ValuesView[V]:
        """Return a view of the first value of every key."""
        return ValuesView(self)

    @overload
    def items(self, multi: Literal[False] = False) -> ItemsView[K, V]: ...
    @overload
    def items(self, multi: Literal[True]) -> Iterator[tuple[K, V]]: ...
    @overload
    def items(self, multi: bool) -> Iterable[tuple[K, V]]: ...
    def items(self, multi: bool = False) -> Iterable[tuple[K, V]]:
        """Return ``(key, first value)`` pairs, or every pair if *multi*.

        :param multi: Yield one pair per value instead of one per key.
        """
        if multi:
            return self._iter_multi()
        return ItemsView(self)

    def _iter_multi(self) -> Iterator[tuple[K, V]]:
        """Yield one ``(key, value)`` pair per stored value."""
        for key, values in self._d.items():
            for value in values:
                yield key, value

    def lists(self) -> Iterator[tuple[K, list[V]]]:
        """Yield ``(key, list of values)`` pairs; the lists are copies."""
        for key, values in self._d.items():
            yield key, list(values)

    def listvalues(self) -> Iterator[list[V]]:
        """Yield the list of values of every key; the lists are copies."""
        for values in self._d.values():
            yield list(values)

    @overload
    def to_dict(self, flat: Literal[True] = True) -> dict[K, V]: ...
    @overload
    def to_dict(self, flat: Literal[False]) -> dict[K, list[V]]: ...
    def to_dict(self, flat: bool = True) -> dict[K, V] | dict[K, list[V]]:
        """Return a plain dict of first values, or of value lists.

        :param flat: Map each key to its first value instead of all values.
        """
        if flat:
            return {key: values[0] for key, values in self._d.items() if values}
        return {key: list(values) for key, values in self._d.items()}

    # -- writing -----------------------------------------------------------

    def __setitem__(self, key: K, value: V) -> None:
        """Replace all values of ``key`` with ``value``."""
        self._d[key] = [value]

    def __delitem__(self, key: K) -> None:
        """Remove ``key`` and all its values."""
        del self._d[key]

    def add(self, key: K, value: V) -> None:
        """Append *value* to the values of *key*.

        :param key: The key to add to.
        :param value: The value to append.
        """
        self._d.setdefault(key, []).append(value)

    def setlist(self, key: K, new_list: Iterable[V]) -> None:
        """Replace all values of *key* with the items of *new_list*.

        :param key: The key to set.
        :param new_list: The new values, copied into a new list.
        """
        self._d[key] = list(new_list)

    def setdefault(self, key: K, default: V = None) -> V:  # type: ignore[assignment]
        """Return the first value of *key*, setting it to *default* if missing.

        :param key: The key to look up.
        :param default: The value to store when the key has no value.
        """
        values = self._d.get(key)
        if values:
            return values[0]
        self._d[key] = [default]
        return default

    def setlistdefault(
        self, key: K, default_list: Iterable[V] | None = None
    ) -> list[V]:
        """Return the stored list of values of *key*, creating it if missing.

        The list returned is the one stored, so appending to it adds values.

        :param key: The key to look up.
        :param default_list: The values to store when the key is missing.
        """
        values = self._d.get(key)
        if values is None:
            values = self._d[key] = list(default_list or ())
        return values

    def update(self, *args: Any, **kwargs: V) -> None:
        """Add the values of a mapping or pairs, keeping existing values.

        Unlike ``dict.update`` nothing is replaced, as in Werkzeug.

        :param args: At most one MultiDict, mapping or iterable of pairs.
        :param kwargs: More keys and values to add.
        """
        if len(args) > 1:
            raise TypeError(f"update expected at most 1 argument, got {len(args)}")
        if args:
            _fill(self._d, args[0])
        if kwargs:
            _fill(self._d, kwargs)

    @overload
    def pop(self, key: K) -> V: ...
    @overload
    def pop(self, key: K, default: V | T) -> V | T: ...
    def pop(self, key: K, default: Any = _MISSING) -> Any:
        """Remove *key* and return its first value.

        :param key: The key to remove.
        :param default: Returned if the key is missing; without it a missing
            key raises :class:`BadRequestKeyError`.
        """
        values = self._d.pop(key, None)
        if values:
            return values[0]
        if default is not _MISSING:
            return default
        raise BadRequestKeyError(key)

    def poplist(self, key: K) -> list[V]:
        """Remove *key* and return all its values; empty if it is missing.

        :param key: The key to remove.
        """
        return self._d.pop(key, [])

    def popitem(self) -> tuple[K, V]:
        """Remove the last key and return it with its first value."""
        key, values = self._popitem_lists()
        if not values:
            raise BadRequestKeyError(key)
        return key, values[0]

    def popitemlist(self) -> tuple[K, list[V]]:
        """Remove the last key and return it with all its values."""
        return self._popitem_lists()

    def _popitem_lists(self) -> tuple[K, list[V]]:
        """Pop the last ``(key, values)`` entry, raising a 400 error if empty."""
        try:
            return self._d.popitem()
        except KeyError:
            raise BadRequestKeyError() from None

    def clear(self) -> None:
        """Remove every key."""
        self._d.clear()

    # -- copying, comparing, pickling ---------------------------------------

    def copy(self) -> MultiDict[K, V]:
        """Return a shallow copy; value lists are copied, values are not."""
        return self._from_lists({key: list(vals) for key, vals in self._d.items()})

    def deepcopy(self, memo: dict[int, Any] | None = None) -> MultiDict[K, V]:
        """Return a deep copy, copying the values too.

        :param memo: The memo dict of :func:`copy.deepcopy`.
        """
        return self._from_lists(_copy.deepcopy(self._d, memo))

    def __copy__(self) -> MultiDict[K, V]:
        """Return a shallow copy."""
        return self.copy()

    def __deepcopy__(self, memo: dict[int, Any]) -> MultiDict[K, V]:
        """Return a deep copy."""
        return self.deepcopy(memo)

    def __eq__(self, other: object) -> bool:
        """Compare value lists with a MultiDict, or first values with a mapping.

        A plain mapping equals a MultiDict that holds exactly one value per
        key, those values being equal.
        """
        if isinstance(other, MultiDict):
            return self._lists() == other._lists()
        if isinstance(other, Mapping):
            lists = self._lists()
            if len(lists) != len(other):
                return False
            for key, values in lists.items():
                if len(values) != 1 or key not in other or other[key] != values[0]:
                    return False
            return True
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def _lists(self) -> dict[K, list[V]]:
        """Return the dict of value lists; not a copy."""
        return self._d

    def __getstate__(self) -> dict[K, list[V]]:
        """Return the state to pickle: every key with its values."""
        return self.to_dict(flat=False)

    def __setstate__(self, state: dict[K, list[V]]) -> None:
        """Restore the pickled state."""
        self._d = state

    def __repr__(self) -> str:
        """Return a representation for debugging."""
        return f"{type(self).__name__}({list(self.items(multi=True))!r})"


class ImmutableMultiDict(MultiDict[K, V]):
    """A MultiDict that cannot be changed, so it is hashable.

    Request data (``request.args``, ``request.form``) uses it.
    """

    __slots__ = ()

    def _immutable(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise TypeError(f"{type(self).__name__!r} objects are immutable")

    __setitem__ = _immutable
    __delitem__ = _immutable
    add = _immutable
    setlist = _immutable
    setdefault = _immutable
    setlistdefault = _immutable
    update = _immutable
    pop = _immutable
    poplist = _immutable
    popitem = _immutable
    popitemlist = _immutable
    clear = _immutable

    def copy(self) -> MultiDict[K, V]:
        """Return a mutable :class:`MultiDict` copy."""
        return MultiDict._from_lists(
            {key: list(vals) for key, vals in self._lists().items()}
        )

    def deepcopy(self, memo: dict[int, Any] | None = None) -> MultiDict[K, V]:
        """Return a mutable deep copy.

        :param memo: The memo dict of :func:`copy.deepcopy`.
        """
        return MultiDict._from_lists(_copy.deepcopy(self._lists(), memo))

    def __copy__(self) -> ImmutableMultiDict[K, V]:
        """Return the object itself: it cannot change."""
        return self

    def __hash__(self) -> int:  # type: ignore[override]
        # Key order does not matter for equality, so it must not for hashing.
        """Hash every key and value."""
        return hash(frozenset((k, tuple(v)) for k, v in self._lists().items()))


class CombinedMultiDict(ImmutableMultiDict[K, V]):
    """A read-only view over several MultiDicts, searched in order.

    ``request.values`` combines ``request.args`` and ``request.form`` this
    way. Changes to the underlying dicts show through.

    :param dicts: The MultiDicts to search, first match wins.
    """

    __slots__ = ("dicts",)

    def __init__(self, dicts: Iterable[MultiDict[K, V]] | None = None) -> None:
        """Take the MultiDicts to search, first first."""
        super().__init__()
        self.dicts: list[MultiDict[K, V]] = list(dicts or ())

    def __getitem__(self, key: K) -> V:
        """Return the first value of ``key`` in the first dict that has it."""
        for d in self.dicts:
            values = d._lists().get(key)
            if values:
                return values[0]
        raise BadRequestKeyError(key)

    def get(
        self, key: K, default: Any = None, type: Callable[[V], Any] | None = None
    ) -> Any:
        """Return the first value for *key* in any dict, or *default*.

        :param key: The key to look up.
        :param default: Returned when the key is missing or conversion fails.
        :param type: A callable to convert the value, as in
            :meth:`MultiDict.get`.
        """
        for d in self.dicts:
            values = d._lists().get(key)
            if values:
                if type is None:
                    return values[0]
                try:
                    return type(values[0])
                except (ValueError, TypeError):
                    return default
        return default

    def getlist(self, key: K, type: Callable[[V], Any] | None = None) -> list[Any]:
        """Return the values for *key* from all dicts, in order.

        :param key: The key to look up.
        :param type: A callable to convert each value; failures are skipped.
        """
        result: list[Any] = []
        for d in self.dicts:
            result.extend(d.getlist(key, type) if type else d.getlist(key))
        return result

    def __contains__(self, key: object) -> bool:
        """Tell whether any dict has ``key``."""
        return any(key in d for d in self.dicts)

    def __iter__(self) -> Iterator[K]:
        """Iterate over the keys of all dicts, each once."""
        return iter(self._lists())

    def __len__(self) -> int:
        """Return the number of distinct keys."""
        return len(self._lists())

    def keys(self) -> KeysView[K]:
        """Return a view of the keys of all dicts, without duplicates."""
        return KeysView(self)

    def _lists(self) -> dict[K, list[V]]:
        """Return a new dict merging the value lists of all dicts in order."""
        merged: dict[K, list[V]] = {}
        for d in self.dicts:
            for key, values in d._lists().items():
                merged.setdefault(key, []).extend(values)
        return merged

    def _iter_multi(self) -> Iterator[tuple[K, V]]:
        for key, values in self._lists().items():
            for value in values:
                yield key, value

    def lists(self) -> Iterator[tuple[K, list[V]]]:
        """Yield ``(key, values)`` pairs merged across all dicts."""
        return iter(self._lists().items())

    def listvalues(self) -> Iterator[list[V]]:
        """Yield the merged list of values of every key."""
        return iter(self._lists().values())

    @overload
    def to_dict(self, flat: Literal[True] = True) -> dict[K, V]: ...
    @overload
    def to_dict(self, flat: Literal[False]) -> dict[K, list[V]]: ...
    def to_dict(self, flat: bool = True) -> dict[K, V] | dict[K, list[V]]:
        """Return a plain dict merged across all dicts.

        :param flat: Map each key to its first value instead of all values.
        """
        lists = self._lists()
        if flat:
            return {key: values[0] for key, values in lists.items() if values}
        return lists

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickle the view by its dicts."""
        return (type(self), (list(self.dicts),))

    def __repr__(self) -> str:
        """Return a representation for debugging."""
        return f"{type(self).__name__}({self.dicts!r})"
