"""Small internal tools shared across kolben's layers."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Generic, TypeVar

T = TypeVar("T")

if TYPE_CHECKING:
    from functools import cached_property as lazy
else:

    class lazy(Generic[T]):
        """Compute an attribute on first access and keep it on the instance.

        PERF: unlike ``functools.cached_property`` on Python 3.11 this takes no
        lock, and because it is a non-data descriptor the second access is a
        plain instance-dict hit that never reaches this class again.
        """

        def __init__(self, func: Callable[[Any], T]) -> None:
            self.func = func
            self.name = func.__name__
            self.__doc__ = func.__doc__

        def __set_name__(self, owner: type, name: str) -> None:
            self.name = name

        def __get__(self, obj: Any, owner: type | None = None) -> Any:
            if obj is None:
                return self
            value = obj.__dict__[self.name] = self.func(obj)
            return value


__all__ = ["lazy"]
