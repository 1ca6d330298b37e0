"""The proxy behind ``current_user``: every operation goes to the user."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


class UserProxy:
    """Stand for the object ``get`` returns, looked up on every use.

    Attribute access, comparison, hashing, ``str``, ``bool`` and
    ``isinstance`` all see the user itself, as with Flask-Login's proxy.

    :param get: returns the current user (``None`` outside a request).
    """

    __slots__ = ("_get",)

    def __init__(self, get: Callable[[], Any]) -> None:
        object.__setattr__(self, "_get", get)

    def _get_current_object(self) -> Any:
        """Return the user this proxy stands for in the current request."""
        return self._get()

    @property  # type: ignore[misc]
    def __class__(self) -> type:  # noqa: D105
        return type(self._get())

    def __getattr__(self, name: str) -> Any:
        return getattr(self._get(), name)

    def __setattr__(self, name: str, value: Any) -> None:
        setattr(self._get(), name, value)

    def __delattr__(self, name: str) -> None:
        delattr(self._get(), name)

    def __eq__(self, other: object) -> bool:
        return bool(self._get() == other)

    def __ne__(self, other: object) -> bool:
        return bool(self._get() != other)

    def __hash__(self) -> int:
        return hash(self._get())

    def __bool__(self) -> bool:
        return bool(self._get())

    def __str__(self) -> str:
        return str(self._get())

    def __repr__(self) -> str:
        return repr(self._get())
