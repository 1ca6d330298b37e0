"""URL converters: how a rule's ``<converter:name>`` matches, parses and builds."""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

if TYPE_CHECKING:
    from .map import Map

__all__ = [
    "DEFAULT_CONVERTERS",
    "AnyConverter",
    "BaseConverter",
    "FloatConverter",
    "IntegerConverter",
    "NumberConverter",
    "PathConverter",
    "UUIDConverter",
    "UnicodeConverter",
    "ValidationError",
]

# Characters left unquoted in one path segment: the WHATWG "path percent-encode
# set" complement, minus "/" so a value can never split into two segments.
_SEGMENT_SAFE = "!$&'()*+,:;=@"
# The path converter's values are meant to span segments, so "/" stays.
_PATH_SAFE = _SEGMENT_SAFE + "/"


class ValidationError(ValueError):
    """Raised by a converter's ``to_python`` when a value does not fit.

    The matcher treats it as "this rule does not match" and tries the next
    rule in priority order; it never reaches the client.
    """


class BaseConverter:
    """Base class for converters: match a URL part, parse it, build it.

    Subclasses set :attr:`regex` (a class attribute, or an instance attribute
    set in ``__init__``). It must not contain named groups or back references;
    use ``(?:...)`` for grouping. A subclass that sets a ``regex`` containing
    ``/`` is not part isolating unless it says otherwise.

    :param map: The :class:`~kolben.routing.Map` the rule is bound to.
    :param args: Positional converter arguments from the rule string.
    :param kwargs: Keyword converter arguments from the rule string.
    """

    #: The regular expression one value must match (the whole value).
    regex: str = "[^/]+"
    #: Lower weights are tried first when two converters compete for a part.
    weight: int = 100
    #: ``True`` when a value never contains ``/`` (it stays in one segment).
    part_isolating: bool = True

    def __init_subclass__(cls, **kwargs: Any) -> None:
        """Make a subclass whose own regex contains ``/`` span segments.

        Unless the subclass sets ``part_isolating`` itself (as Werkzeug 2.3).

        :param kwargs: Passed on to ``object.__init_subclass__``.
        """
        super().__init_subclass__(**kwargs)
        if "regex" in cls.__dict__ and "part_isolating" not in cls.__dict__:
            cls.part_isolating = "/" not in cls.regex

    def __init__(self, map: Map, *args: Any, **kwargs: Any) -> None:
        # Extra arguments are accepted and ignored, as in Werkzeug, because
        # custom converters commonly forward theirs with super().__init__.
        """Take the map, and the arguments given in the rule."""
        self.map = map

    def to_python(self, value: str) -> Any:
        """Convert the matched (percent-decoded) text into a Python value.

        Raise :class:`ValidationError` to make the rule not match.

        :param value: The text the :attr:`regex` matched.
        """
        return value

    def to_url(self, value: Any) -> str:
        """Convert a value into percent-encoded text for a URL.

        The base implementation quotes ``str(value)`` and also quotes ``/``,
        so a value always stays inside its own path segment.

        :param value: The value given to ``url_for``/``Map.build``.
        """
        return quote(str(value), safe=_SEGMENT_SAFE)


class UnicodeConverter(BaseConverter):
    """Match one path segment of any text (the default converter).

    ``Rule("/<string(length=2):lang>")`` matches exactly two characters.

    :param map: The :class:`~kolben.routing.Map` the rule is bound to.
    :param minlength: The minimum length of the value.
    :param maxlength: The maximum length of the value, or ``None``.
    :param length: The exact length; overrides the other two.
    """

    def __init__(
        self,
        map: Map,
        minlength: int = 1,
        maxlength: int | None = None,
        length: int | None = None,
    ) -> None:
        """Take the map and the segment's length limits."""
        super().__init__(map)
        if length is not None:
            quantifier = f"{{{int(length)}}}"
        else:
            upper = "" if maxlength is None else str(int(maxlength))
            quantifier = f"{{{int(minlength)},{upper}}}"
        self.regex = f"[^/]{quantifier}"


class AnyConverter(BaseConverter):
    """Match one of a fixed set of strings.

    ``Rule('/<any(about, help, "a b"):page>')`` matches ``/about``,
    ``/help`` and ``/a b``.

    :param map: The :class:`~kolben.routing.Map` the rule is bound to.
    :param items: The accepted values.
    """

    def __init__(self, map: Map, *items: Any) -> None:
        """Take the map and the strings to accept."""
        super().__init__(map)
        if not items:
            raise ValueError("any() needs at least one item, e.g. any(a, b)")
        self.items = frozenset(str(item) for item in items)
        # Longest first, so an item that is a prefix of another cannot cut the
        # match short before the end anchor forces a retry.
        ordered = sorted(self.items, key=lambda item: (-len(item), item))
        self.regex = f"(?:{'|'.join(re.escape(item) for item in ordered)})"

    def to_url(self, value: Any) -> str:
        """Quote ``value`` after checking it is one of the items.

        :param value: One of the converter's items.
        :raises ValueError: If ``value`` is not one of the items.
        """
        text = str(value)
        if text not in self.items:
            valid = ", ".join(repr(item) for item in sorted(self.items))
            raise ValueError(f"{value!r} is not one of {valid}")
        return quote(text, safe=_SEGMENT_SAFE)


class PathConverter(BaseConverter):
    """Match the rest of the path, slashes included (at least one character).

    ``Rule("/files/<path:name>")`` matches ``/files/a/b.txt``.
    """

    regex = "[^/].*?"
    weight = 200
    part_isolating = False

    def to_url(self, value: Any) -> str:
        """Quote ``value``, keeping ``/`` so it can span segments.

        :param value: The path to put into the URL.
        """
        return quote(str(value), safe=_PATH_SAFE)


class NumberConverter(BaseConverter):
    """Base class for :class:`IntegerConverter` and :class:`FloatConverter`.

    :param map: The :class:`~kolben.routing.Map` the rule is bound to.
    :param fixed_digits: The exact number of characters, zero-padded when
        building; ``0`` means any length.
    :param min: The smallest accepted value, or ``None``.
    :param max: The largest accepted value, or ``None``.
    :param signed: Accept a leading ``-``.
    """

    weight = 50
    #: Turns the matched text (or a value to build) into the number type.
    num_convert: staticmethod[[Any], Any] = staticmethod(int)

    def __init__(
        self,
        map: Map,
        fixed_digits: int = 0,
        min: float | None = None,
        max: float | None = None,
        signed: bool = False,
    ) -> None:
        """Take the map, a digit count, bounds, and whether signs are allowed."""
        super().__init__(map)
        _check_number_arguments(fixed_digits, min, max)
        self.fixed_digits = fixed_digits
        self.min = min
        self.max = max
        self.signed = signed
        if signed:
            self.regex = f"-?{self.regex}"

    def to_python(self, value: str) -> Any:
        """Parse the number and check the length and the bounds.

        :param value: The matched digits.
        :raises ValidationError: If the value is out of bounds.
        """
        if self.fixed_digits and len(value) != self.fixed_digits:
            raise ValidationError()
        try:
            number = self.num_convert(value)
        except ValueError as exc:
            raise ValidationError() from exc
        if (self.min is not None and number < self.min) or (
            self.max is not None and number > self.max
        ):
            raise ValidationError()
        return number

    def to_url(self, value: Any) -> str:
        """Format the number, zero-padded to ``fixed_digits``.

        :param value: The number.
        """
        text = str(self.num_convert(value))
        if self.fixed_digits:
            text = text.zfill(self.fixed_digits)
        return text


def _check_number_arguments(fixed_digits: Any, low: Any, high: Any) -> None:
    """Raise ValueError unless the arguments of a number converter are numbers.

    Checked when the rule is added: a str bound would otherwise fail only at
    the first request, comparing it with the matched number.
    """
    if not _is_number(fixed_digits, int) or fixed_digits < 0:
        raise ValueError(
            f"fixed_digits must be a whole number of 0 or more, not {fixed_digits!r}"
        )
    for name, bound in (("min", low), ("max", high)):
        if bound is not None and not _is_number(bound, (int, float)):
            raise ValueError(
                f"{name} must be a number, e.g. <int({name}=1):n>, not {bound!r}"
            )


def _is_number(value: Any, kinds: type | tuple[type, ...]) -> bool:
    """Tell whether *value* is one of the number *kinds*; a bool is not."""
    return isinstance(value, kinds) and not isinstance(value, bool)


class IntegerConverter(NumberConverter):
    """Match ASCII digits and convert them to ``int``.

    ``Rule("/page/<int:page>")``; ``<int(signed=True):n>`` accepts ``-3``,
    ``<int(fixed_digits=4):year>`` only four digits, ``<int(min=1):n>`` no 0.
    Digits are ASCII on purpose: Python's ``int`` would also accept other
    scripts' digits, giving one resource many URLs.
    """

    regex = "[0-9]+"


class FloatConverter(NumberConverter):
    """Match ``digits.digits`` and convert it to ``float``.

    :param map: The :class:`~kolben.routing.Map` the rule is bound to.
    :param min: The smallest accepted value, or ``None``.
    :param max: The largest accepted value, or ``None``.
    :param signed: Accept a leading ``-``.
    """

    regex = r"[0-9]+\.[0-9]+"
    num_convert = staticmethod(float)

    def __init__(
        self,
        map: Map,
        min: float | None = None,
        max: float | None = None,
        signed: bool = False,
    ) -> None:
        """Take the map, bounds, and whether signs are allowed."""
        super().__init__(map, min=min, max=max, signed=signed)


class UUIDConverter(BaseConverter):
    """Match a hyphenated UUID and convert it to :class:`uuid.UUID`."""

    regex = (
        "[A-Fa-f0-9]{8}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{12}"
    )

    def to_python(self, value: str) -> uuid.UUID:
        """Parse the UUID.

        :param value: The matched UUID text.
        """
        return uuid.UUID(value)

    def to_url(self, value: Any) -> str:
        """Format a UUID (or its string) in canonical lower-case form.

        :param value: A :class:`uuid.UUID` or a UUID string.
        """
        return str(value if isinstance(value, uuid.UUID) else uuid.UUID(str(value)))


#: The converters every :class:`~kolben.routing.Map` starts with (read-only;
#: extend ``Map.converters`` instead).
DEFAULT_CONVERTERS: Mapping[str, type[BaseConverter]] = MappingProxyType(
    {
        "default": UnicodeConverter,
        "string": UnicodeConverter,
        "any": AnyConverter,
        "path": PathConverter,
        "int": IntegerConverter,
        "float": FloatConverter,
        "uuid": UUIDConverter,
    }
)
