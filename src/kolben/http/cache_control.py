"""The ``Cache-Control`` header for requests and responses (RFC 9111 5.2)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, Self, TypeVar, overload

from .headers import parse_dict_header

__all__ = [
    "RequestCacheControl",
    "ResponseCacheControl",
    "parse_cache_control_header",
]

T = TypeVar("T")
_CC = TypeVar("_CC", bound="_CacheControl")

# How a directive is stored: absent, present without a value, or a value.
_Raw = tuple[bool, str | None]


class _Directive(Generic[T]):
    """A typed attribute for one directive, e.g. ``max_age`` for max-age."""

    def __init__(
        self,
        name: str,
        read: Callable[[bool, str | None], T],
        write: Callable[[Any], _Raw],
        doc: str,
    ) -> None:
        self.name = name
        self.read = read
        self.write = write
        self.__doc__ = doc

    @overload
    def __get__(self, obj: None, owner: type[Any]) -> Self: ...
    @overload
    def __get__(self, obj: _CacheControl, owner: type[Any]) -> T: ...
    def __get__(self, obj: _CacheControl | None, owner: type[Any]) -> Self | T:
        if obj is None:
            return self
        directives = obj._directives
        return self.read(self.name in directives, directives.get(self.name))

    def __set__(self, obj: _CacheControl, value: T | None) -> None:
        if obj._read_only:
            raise AttributeError(
                f"{type(obj).__name__} is read-only: the request's Cache-Control"
                " header cannot be changed."
            )
        present, raw = self.write(value)
        if present:
            obj._directives[self.name] = raw
        else:
            obj._directives.pop(self.name, None)
        obj._changed()

    def __delete__(self, obj: _CacheControl) -> None:
        self.__set__(obj, None)


def _read_flag(present: bool, value: str | None) -> bool:
    return present


def _write_flag(value: Any) -> _Raw:
    return bool(value), None


def _read_seconds(present: bool, value: str | None) -> int | None:
    if value is not None and value.isascii() and value.isdigit():
        return int(value)
    return None


def _write_seconds(value: Any) -> _Raw:
    if value is None or value is False:
        return False, None
    return True, str(int(value))


def _read_flag_or_value(present: bool, value: str | None) -> bool | str:
    if not present:
        return False
    return True if value is None else value


def _write_flag_or_value(value: Any) -> _Raw:
    if value is True:
        return True, None
    if not value:
        return False, None
    return True, str(value)


def _read_max_stale(present: bool, value: str | None) -> int | str | None:
    if not present:
        return None
    if value is None:
        return "*"
    return _read_seconds(present, value)


def _flag(name: str) -> _Directive[bool]:
    return _Directive(
        name, _read_flag, _write_flag, f"``{name}``: set to True to add it."
    )


def _seconds(name: str) -> _Directive[int | None]:
    return _Directive(
        name, _read_seconds, _write_seconds, f"``{name}`` in seconds, or None."
    )


def _flag_or_value(name: str) -> _Directive[bool | str]:
    return _Directive(
        name,
        _read_flag_or_value,
        _write_flag_or_value,
        f"``{name}``: True when bare, its field names as a str, else False.",
    )


class _CacheControl:
    """Directives of a ``Cache-Control`` header, in header order."""

    _read_only = False

    def __init__(
        self,
        values: str | dict[str, str | None] | None = None,
        on_update: Callable[[Any], None] | None = None,
    ) -> None:
        if isinstance(values, str):
            values = parse_dict_header(values)
        self._directives: dict[str, str | None] = {
            key.lower(): value for key, value in (values or {}).items()
        }
        self.on_update = on_update

    def _changed(self) -> None:
        """Tell the owner (the response) that a directive changed."""
        if self.on_update is not None:
            self.on_update(self)

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name.lower() in self._directives

    def get(self, name: str) -> str | None:
        """Return the raw value of a directive; ``None`` if bare or missing.

        :param name: The directive, e.g. ``"max-age"``.
        """
        return self._directives.get(name.lower())

    def to_header(self) -> str:
        """Return the directives as a header value."""
        parts = []
        for name, value in self._directives.items():
            parts.append(name if value is None else f"{name}={_dump(value)}")
        return ", ".join(parts)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, _CacheControl):
            return NotImplemented
        return self._directives == other._directives

    __hash__ = None  # type: ignore[assignment]

    def __bool__(self) -> bool:
        return bool(self._directives)

    def __str__(self) -> str:
        return self.to_header()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.to_header()!r}>"


def _dump(value: str) -> str:
    """Format a directive value: digits bare, anything else quoted.

    RFC 9111 wants field-name lists (``no-cache="Set-Cookie"``) quoted.
    """
    if value.isascii() and value.isdigit():
        return value
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


class RequestCacheControl(_CacheControl):
    """The request's ``Cache-Control`` header; read-only.

    :param values: The header value or a dict of directives.
    :param on_update: Not called, as nothing can change; kept for symmetry.
    """

    _read_only = True

    no_cache = _flag("no-cache")
    no_store = _flag("no-store")
    max_age = _seconds("max-age")
    max_stale: _Directive[int | str | None] = _Directive(
        "max-stale",
        _read_max_stale,
        _write_flag_or_value,
        "``max-stale`` in seconds, ``'*'`` when given without a value.",
    )
    min_fresh = _seconds("min-fresh")
    no_transform = _flag("no-transform")
    only_if_cached = _flag("only-if-cached")
    stale_if_error = _seconds("stale-if-error")


class ResponseCacheControl(_CacheControl):
    """A response's ``Cache-Control`` header; changes call ``on_update``.

    :param values: The header value or a dict of directives.
    :param on_update: Called with this object after every change; the
        response uses it to write the header back.
    """

    no_cache = _flag_or_value("no-cache")
    no_store = _flag("no-store")
    max_age = _seconds("max-age")
    s_maxage = _seconds("s-maxage")
    public = _flag("public")
    private = _flag_or_value("private")
    must_revalidate = _flag("must-revalidate")
    proxy_revalidate = _flag("proxy-revalidate")
    no_transform = _flag("no-transform")
    immutable = _flag("immutable")
    stale_while_revalidate = _seconds("stale-while-revalidate")
    stale_if_error = _seconds("stale-if-error")
    must_understand = _flag("must-understand")


@overload
def parse_cache_control_header(
    value: str | None,
    on_update: Callable[[Any], None] | None = None,
    cls: None = None,
) -> RequestCacheControl: ...
@overload
def parse_cache_control_header(
    value: str | None,
    on_update: Callable[[Any], None] | None = None,
    *,
    cls: type[_CC],
) -> _CC: ...
def parse_cache_control_header(
    value: str | None,
    on_update: Callable[[Any], None] | None = None,
    cls: type[_CacheControl] | None = None,
) -> _CacheControl:
    """Parse a ``Cache-Control`` header; never raises.

    :param value: The header value, or ``None``.
    :param on_update: Passed to the object, called after every change.
    :param cls: :class:`RequestCacheControl` (the default) or
        :class:`ResponseCacheControl`.
    """
    return (cls or RequestCacheControl)(value or None, on_update)
