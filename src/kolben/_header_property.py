"""A descriptor for one header read (and written) as a typed attribute."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar, overload

T = TypeVar("T")


class header_property(Generic[T]):  # noqa: N801 - named like property
    """Read a header as an attribute, converted by ``load_func``.

    A missing header, or one ``load_func`` cannot read, gives ``default``.
    Unless ``read_only``, assigning writes the header (through
    ``dump_func``), and assigning ``None`` or ``del`` removes it.

    :param name: the header name.
    :param default: the value when the header is missing or unreadable.
    :param load_func: turns the header value into the attribute's value.
    :param dump_func: turns an assigned value into the header value.
    :param read_only: refuse assignment (request headers).
    :param doc: the attribute's docstring.
    """

    def __init__(
        self,
        name: str,
        default: Any = None,
        load_func: Callable[[str], Any] | None = None,
        dump_func: Callable[[Any], Any] | None = None,
        read_only: bool = False,
        doc: str | None = None,
    ) -> None:
        self.name = name
        self.default = default
        self.load_func = load_func
        self.dump_func = dump_func
        self.read_only = read_only
        self.__doc__ = doc

    def __set_name__(self, owner: type, name: str) -> None:
        self.attr = name

    @overload
    def __get__(self, obj: None, owner: type[Any]) -> header_property[T]: ...
    @overload
    def __get__(self, obj: object, owner: type[Any]) -> T: ...
    def __get__(self, obj: Any, owner: type[Any] | None = None) -> Any:
        if obj is None:
            return self
        value = obj.headers.get(self.name)
        if value is None:
            return self.default
        if self.load_func is None:
            return value
        try:
            return self.load_func(value)
        except (ValueError, TypeError):
            return self.default

    def __set__(self, obj: Any, value: Any) -> None:
        if self.read_only:
            raise AttributeError(
                f"{self.attr!r} is read-only: it is the request's"
                f" {self.name} header. Build a request with the header instead."
            )
        if value is None:
            obj.headers.pop(self.name, None)
            return
        obj.headers[self.name] = (
            self.dump_func(value) if self.dump_func is not None else value
        )

    def __delete__(self, obj: Any) -> None:
        if self.read_only:
            raise AttributeError(f"{self.attr!r} is read-only.")
        obj.headers.pop(self.name, None)


__all__ = ["header_property"]
