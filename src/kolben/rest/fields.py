"""Output fields for :func:`kolben.rest.marshal`: Flask-RESTful's ``fields``.

A dict of fields says which keys a response has and how each value is
written::

    resource_fields = {
        "id": fields.Integer,
        "title": fields.String(attribute="name"),
        "created": fields.DateTime(dt_format="iso8601"),
        "uri": fields.Url("todo", absolute=True),
    }

    @marshal_with(resource_fields)
    def get(self, todo_id): ...

Values are read from dicts by key and from other objects by attribute;
``attribute="a.b"`` follows a path, and a callable attribute is called with
the object.
"""

from __future__ import annotations

from calendar import timegm
from collections.abc import Callable, Mapping
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from email.utils import formatdate
from typing import Any
from urllib.parse import urlparse, urlunparse

from ..globals import request
from ..helpers import url_for

__all__ = [
    "Arbitrary",
    "Boolean",
    "DateTime",
    "Fixed",
    "Float",
    "FormattedString",
    "Integer",
    "List",
    "MarshallingException",
    "Nested",
    "Price",
    "Raw",
    "String",
    "Url",
]


class MarshallingException(Exception):
    """A value could not be written by its field.

    :param underlying_exception: the error the field's formatting raised.
    """

    def __init__(self, underlying_exception: Any) -> None:
        """Keep the exception the field raised."""
        super().__init__(str(underlying_exception))


def is_indexable_but_not_string(obj: Any) -> bool:
    """Tell whether ``obj`` can be iterated and is not a string."""
    return not hasattr(obj, "strip") and hasattr(obj, "__iter__")


def get_value(key: Any, obj: Any, default: Any = None) -> Any:
    """Return the value of ``key`` in ``obj``: an index, a dotted path or a callable.

    :param key: an int index, a name (``"a.b"`` follows a path), or a
        callable that gets ``obj``.
    :param obj: a dict, a sequence or any object.
    :param default: what a missing key gives.
    """
    if isinstance(key, int):
        return _get_value_for_key(key, obj, default)
    if callable(key):
        return key(obj)
    for part in key.split("."):
        obj = _get_value_for_key(part, obj, default)
    return obj


def _get_value_for_key(key: Any, obj: Any, default: Any) -> Any:
    if is_indexable_but_not_string(obj):
        try:
            return obj[key]
        except (IndexError, TypeError, KeyError):
            pass
    return getattr(obj, key, default) if isinstance(key, str) else default


def to_marshallable_type(obj: Any) -> Any:
    """Return ``obj`` as something indexable by name: itself, or its ``__dict__``."""
    if obj is None:
        return None
    if hasattr(obj, "__marshallable__"):
        return obj.__marshallable__()
    if hasattr(obj, "__getitem__"):
        return obj
    return dict(obj.__dict__)


class Raw:
    """A value as it is; the base of the other fields.

    :param default: the value when the key is missing or ``None``.
    :param attribute: the key or attribute to read, if not the field's name;
        a dotted path, or a callable that gets the object.
    """

    def __init__(self, default: Any = None, attribute: Any = None) -> None:
        """Take the value used when missing and the attribute to read."""
        self.attribute = attribute
        self.default = default

    def format(self, value: Any) -> Any:
        """Return ``value`` formatted; override to change how it is written.

        :param value: the value read from the object.
        :raises MarshallingException: the value cannot be formatted.
        """
        return value

    def output(self, key: Any, obj: Any) -> Any:
        """Read ``key`` (or the attribute) from ``obj`` and format it.

        :param key: the field's name in the output.
        :param obj: the object being marshalled.
        """
        value = get_value(key if self.attribute is None else self.attribute, obj)
        if value is None:
            return self.default
        return self.format(value)


class Nested(Raw):
    """A dict of fields inside another.

    :param nested: the fields of the inner object.
    :param allow_null: give ``None`` rather than a dict of ``None`` values
        when the inner object is missing.
    :param kwargs: ``default`` (the output when it is missing) and
        ``attribute``.
    """

    def __init__(
        self, nested: Mapping[str, Any], allow_null: bool = False, **kwargs: Any
    ) -> None:
        """Take the nested fields, and whether a missing value writes null."""
        self.nested = nested
        self.allow_null = allow_null
        super().__init__(**kwargs)

    def output(self, key: Any, obj: Any) -> Any:
        """Marshal the inner object with the nested fields."""
        from ._marshal import marshal

        value = get_value(key if self.attribute is None else self.attribute, obj)
        if value is None:
            if self.allow_null:
                return None
            if self.default is not None:
                return self.default
        return marshal(value, self.nested)


class List(Raw):
    """A list whose items are written by another field.

    :param cls_or_instance: the field of the items: a class or an instance.
    :param kwargs: ``default`` and ``attribute``.
    :raises MarshallingException: it is not a field.
    """

    def __init__(self, cls_or_instance: type[Raw] | Raw, **kwargs: Any) -> None:
        """Take the field (class or instance) that writes each item."""
        super().__init__(**kwargs)
        message = "The type of the list elements must be a subclass of fields.Raw"
        if isinstance(cls_or_instance, type):
            if not issubclass(cls_or_instance, Raw):
                raise MarshallingException(message)
            self.container = cls_or_instance()
        else:
            if not isinstance(cls_or_instance, Raw):
                raise MarshallingException(message)
            self.container = cls_or_instance

    def format(self, value: Any) -> list[Any]:
        """Write each item with the items' field."""
        if isinstance(value, set):
            value = list(value)
        container = self.container
        # An item is read as an object (by its own keys) only when the item
        # field reads from one; a plain field reads the item itself.
        by_item = not isinstance(container, Nested) and type(container) is not Raw
        return [
            container.output(
                index,
                item
                if by_item
                and (
                    isinstance(item, dict)
                    or (container.attribute and hasattr(item, container.attribute))
                )
                else value,
            )
            for index, item in enumerate(value)
        ]

    def output(self, key: Any, data: Any) -> Any:
        """Read the list and write its items; a single object becomes a list."""
        value = get_value(key if self.attribute is None else self.attribute, data)
        if is_indexable_but_not_string(value) and not isinstance(value, dict):
            return self.format(value)
        if value is None:
            return self.default
        from ._marshal import marshal

        nested = getattr(self.container, "nested", None)
        if nested is None:
            return [self.container.format(value)]
        return [marshal(value, nested)]


class String(Raw):
    """A value written as a string."""

    def format(self, value: Any) -> str:
        """Return ``str(value)``."""
        try:
            return str(value)
        except ValueError as e:
            raise MarshallingException(e) from e


class Integer(Raw):
    """A value written as an integer; ``0`` when missing.

    :param default: the value when the key is missing.
    """

    def __init__(self, default: Any = 0, **kwargs: Any) -> None:
        """Take the value written when the attribute is missing."""
        super().__init__(default=default, **kwargs)

    def format(self, value: Any) -> Any:
        """Return ``int(value)``."""
        try:
            if value is None:
                return self.default
            return int(value)
        except (TypeError, ValueError, OverflowError) as e:
            raise MarshallingException(e) from e


class Boolean(Raw):
    """A value written as a boolean; empty values are ``False``."""

    def format(self, value: Any) -> bool:
        """Return ``bool(value)``."""
        return bool(value)


class FormattedString(Raw):
    """A string made from the object's other values with ``str.format``.

    Example::

        fields.FormattedString("Hello {name}")

    :param src_str: the format string; names refer to the object's keys.
    """

    def __init__(self, src_str: str) -> None:
        """Take the ``str.format`` template."""
        super().__init__()
        self.src_str = str(src_str)

    def output(self, key: Any, obj: Any) -> str:
        """Format the string with the object's values."""
        try:
            data = to_marshallable_type(obj)
            return self.src_str.format(**data)
        except (TypeError, IndexError, KeyError) as e:
            raise MarshallingException(e) from e


class Url(Raw):
    """The URL of an endpoint, built from the object's values.

    :param endpoint: the endpoint; the request's own by default.
    :param absolute: include the scheme and host.
    :param scheme: the scheme of an absolute URL, if not the request's.
    """

    def __init__(
        self,
        endpoint: str | None = None,
        absolute: bool = False,
        scheme: str | None = None,
        **kwargs: Any,
    ) -> None:
        """Take the endpoint, and whether to build an absolute URL."""
        super().__init__(**kwargs)
        self.endpoint = endpoint
        self.absolute = absolute
        self.scheme = scheme

    def output(self, key: Any, obj: Any) -> str:
        """Build the URL with the object's values as the rule's variables."""
        try:
            data = to_marshallable_type(obj)
            endpoint = self.endpoint if self.endpoint is not None else request.endpoint
            assert endpoint is not None
            o = urlparse(url_for(endpoint, _external=self.absolute, **data))
        except TypeError as e:
            raise MarshallingException(e) from e
        if self.absolute:
            scheme = self.scheme if self.scheme is not None else o.scheme
            return urlunparse((scheme, o.netloc, o.path, "", "", ""))
        return urlunparse(("", "", o.path, "", "", ""))


class Float(Raw):
    """A value written as a float."""

    def format(self, value: Any) -> float:
        """Return ``float(value)``."""
        try:
            return float(value)
        except (TypeError, ValueError) as e:
            raise MarshallingException(e) from e


def _decimal(value: Any) -> Decimal:
    try:
        return Decimal(value)
    except (InvalidOperation, TypeError, ValueError) as e:
        raise MarshallingException(e) from e


class Arbitrary(Raw):
    """A number of any precision, written as a string: ``"634271127864378216.23"``."""

    def format(self, value: Any) -> str:
        """Return the value as a decimal string."""
        return str(_decimal(value))


class Fixed(Raw):
    """A number with a fixed number of decimals, written as a string.

    :param decimals: the number of decimals, rounded half to even.
    """

    def __init__(self, decimals: int = 5, **kwargs: Any) -> None:
        """Take the number of decimals."""
        super().__init__(**kwargs)
        self.precision = Decimal("0." + "0" * (decimals - 1) + "1")

    def format(self, value: Any) -> str:
        """Return the value rounded to the decimals, as a string."""
        number = _decimal(value)
        if not number.is_normal() and number != 0:
            raise MarshallingException("Invalid Fixed precision number.")
        return str(number.quantize(self.precision, rounding=ROUND_HALF_EVEN))


#: Another name of :class:`Fixed`.
Price = Fixed


class DateTime(Raw):
    """A datetime written in UTC, as RFC 822 or ISO 8601.

    :param dt_format: ``"rfc822"`` (``"Sat, 01 Jan 2011 00:00:00 -0000"``) or
        ``"iso8601"`` (``"2011-01-01T00:00:00"``).
    """

    def __init__(self, dt_format: str = "rfc822", **kwargs: Any) -> None:
        """Take the format: ``"rfc822"`` or ``"iso8601"``."""
        super().__init__(**kwargs)
        self.dt_format = dt_format

    def format(self, value: Any) -> str:
        """Return the datetime in the field's format."""
        formatters: dict[str, Callable[[Any], str]] = {
            "rfc822": _rfc822,
            "iso8601": _iso8601,
        }
        formatter = formatters.get(self.dt_format)
        if formatter is None:
            raise MarshallingException(f"Unsupported date format {self.dt_format}")
        try:
            return formatter(value)
        except AttributeError as e:
            raise MarshallingException(e) from e


def _rfc822(dt: Any) -> str:
    """Write a datetime as RFC 822, in UTC: ``"Sat, 01 Jan 2011 00:00:00 -0000"``."""
    written: str = formatdate(timegm(dt.utctimetuple()))
    return written


def _iso8601(dt: Any) -> str:
    """Write a datetime as ISO 8601: ``"2012-01-01T00:00:00"``."""
    written: str = dt.isoformat()
    return written
