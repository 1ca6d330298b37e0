"""A dict that tells its owner when it changes, for header objects."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Self, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class CallbackDict(dict[K, V]):
    """A dict that calls ``on_update(self)`` after every change.

    A response's parsed headers use it so that editing the object edits
    the header it came from.

    :param initial: the starting items.
    :param on_update: called with the dict after each change.
    """

    def __init__(
        self,
        initial: Any = None,
        on_update: Callable[[Any], None] | None = None,
    ) -> None:
        super().__init__(initial or ())
        self.on_update = on_update

    def _changed(self) -> None:
        if self.on_update is not None:
            self.on_update(self)

    def __setitem__(self, key: K, value: V) -> None:
        super().__setitem__(key, value)
        self._changed()

    def __delitem__(self, key: K) -> None:
        super().__delitem__(key)
        self._changed()

    def __ior__(self, other: Any) -> Self:  # type: ignore[override,misc]
        self.update(other)
        return self

    def clear(self) -> None:
        """Remove every item."""
        super().clear()
        self._changed()

    def pop(self, key: K, *default: Any) -> Any:
        """Remove ``key`` and return its value, or ``default``.

        :param key: the key to remove.
        """
        rv = super().pop(key, *default)
        self._changed()
        return rv

    def popitem(self) -> tuple[K, V]:
        """Remove and return the last item."""
        rv = super().popitem()
        self._changed()
        return rv

    def setdefault(self, key: K, default: Any = None) -> Any:
        """Return ``key``'s value, setting it to ``default`` if missing.

        :param key: the key.
        :param default: the value to set when the key is missing.
        """
        missing = key not in self
        rv = super().setdefault(key, default)
        if missing:
            self._changed()
        return rv

    def update(self, *args: Any, **kwargs: Any) -> None:
        """Add items from a mapping or pairs, as ``dict.update`` does."""
        super().update(*args, **kwargs)
        self._changed()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {dict.__repr__(self)}>"


__all__ = ["CallbackDict"]
