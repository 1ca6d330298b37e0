"""A JSON serializer that round-trips the Python types sessions hold.

Plain JSON loses types: bytes, tuples, datetimes, UUIDs and ``Markup`` come
back as something else. Each such value is written as a one-key object whose
key is a tag (``{" b": "<base64>"}``); tags start with a space, which no
ordinary key a developer writes does, and a dict whose only key is a tag is
itself wrapped (``{" di": {" b__": ...}}``) so it cannot be mistaken for one.
The format is Flask's, so a session signed by a Flask app loads in kolben with
the same key, and the other way round.

An app adds its own types by registering a :class:`JSONTag` subclass::

    class TagDecimal(JSONTag):
        key = " dec"

        def check(self, value):
            return isinstance(value, Decimal)

        def to_json(self, value):
            return str(value)

        def to_python(self, value):
            return Decimal(value)

    app.session_interface.serializer.register(TagDecimal)
"""

from __future__ import annotations

from base64 import b64decode, b64encode
from datetime import datetime
from typing import Any, ClassVar
from uuid import UUID

from markupsafe import Markup

from ..http.dates import http_date, parse_date
from . import dumps, loads

__all__ = [
    "JSONTag",
    "PassDict",
    "PassList",
    "TagBytes",
    "TagDateTime",
    "TagDict",
    "TagMarkup",
    "TagTuple",
    "TagUUID",
    "TaggedJSONSerializer",
]


def _expect(value: Any, kind: type, key: str) -> None:
    """Raise ValueError unless the JSON under tag ``key`` is of type ``kind``.

    SECURITY: the text may come from a client or a shared store; a value of
    the wrong type would make a loader raise TypeError or AttributeError,
    which the session back ends do not catch.
    """
    if not isinstance(value, kind):
        raise ValueError(
            f"The value tagged {key!r} must be a JSON {kind.__name__},"
            f" not {type(value).__name__}: the data is corrupt or forged."
        )


class JSONTag:
    """A type the :class:`TaggedJSONSerializer` writes under a tag key.

    Subclass it, set :attr:`key` and implement :meth:`check`,
    :meth:`to_json` and :meth:`to_python`; then pass the class to
    :meth:`TaggedJSONSerializer.register`.

    :param serializer: the serializer the tag belongs to; ``to_json`` uses
        ``self.serializer.tag`` to tag values nested in this one.
    """

    __slots__ = ("serializer",)

    #: The key the value is written under. An empty key means the tag only
    #: rewrites a value on the way out (as :class:`PassDict` does).
    key: str = ""

    def __init__(self, serializer: TaggedJSONSerializer) -> None:
        """Take the serializer that writes the tagged value's contents."""
        self.serializer = serializer

    def check(self, value: Any) -> bool:
        """Return whether this tag handles ``value``.

        :param value: the value being serialized.
        """
        raise NotImplementedError

    def to_json(self, value: Any) -> Any:
        """Return ``value`` as JSON-compatible data; the tag is added later.

        :param value: a value :meth:`check` accepted.
        """
        raise NotImplementedError

    def to_python(self, value: Any) -> Any:
        """Return the Python value for the JSON data found under the tag.

        Raise ValueError for data this tag never writes.

        :param value: the data under the tag, already untagged itself.
        """
        raise NotImplementedError

    def tag(self, value: Any) -> Any:
        """Return ``value`` converted and wrapped in its tag.

        :param value: a value :meth:`check` accepted.
        """
        return {self.key: self.to_json(value)}


class TagDict(JSONTag):
    """Wrap a one-key dict whose key is a registered tag.

    The key gets a ``__`` suffix so that it is not read as a tag; loading
    removes it again.
    """

    __slots__ = ()
    key = " di"

    def check(self, value: Any) -> bool:
        """Return whether ``value`` is a dict that would look like a tag.

        :param value: the value being serialized.
        """
        return (
            isinstance(value, dict)
            and len(value) == 1
            and next(iter(value)) in self.serializer.tags
        )

    def to_json(self, value: Any) -> Any:
        """Return the dict with its key suffixed and its value tagged.

        :param value: a one-key dict.
        """
        key = next(iter(value))
        return {f"{key}__": self.serializer.tag(value[key])}

    def to_python(self, value: Any) -> Any:
        """Return the dict with the suffix removed from its key.

        :param value: the wrapped one-key dict.
        """
        _expect(value, dict, self.key)
        if len(value) != 1:
            raise ValueError(f"The tagged dict {value!r} must have exactly one key.")
        ((key, item),) = value.items()
        if not key.endswith("__"):
            raise ValueError(f"The tagged dict key {key!r} must end with '__'.")
        return {key[:-2]: item}


class PassDict(JSONTag):
    """Tag the values of any other dict; its keys are strings already."""

    __slots__ = ()

    def check(self, value: Any) -> bool:
        """Return whether ``value`` is a dict.

        :param value: the value being serialized.
        """
        return isinstance(value, dict)

    def to_json(self, value: Any) -> Any:
        """Return a copy of the dict with each value tagged.

        :param value: a dict.
        """
        tag = self.serializer.tag
        return {k: tag(v) for k, v in value.items()}

    tag = to_json


class TagTuple(JSONTag):
    """Write a tuple as a list under ``" t"``, so it loads as a tuple."""

    __slots__ = ()
    key = " t"

    def check(self, value: Any) -> bool:
        """Return whether ``value`` is a tuple.

        :param value: the value being serialized.
        """
        return isinstance(value, tuple)

    def to_json(self, value: Any) -> Any:
        """Return the items, each tagged, as a list.

        :param value: a tuple.
        """
        tag = self.serializer.tag
        return [tag(item) for item in value]

    def to_python(self, value: Any) -> Any:
        """Return the list as a tuple.

        :param value: the list under the tag.
        """
        _expect(value, list, self.key)
        return tuple(value)


class PassList(JSONTag):
    """Tag the items of a list."""

    __slots__ = ()

    def check(self, value: Any) -> bool:
        """Return whether ``value`` is a list.

        :param value: the value being serialized.
        """
        return isinstance(value, list)

    def to_json(self, value: Any) -> Any:
        """Return a copy of the list with each item tagged.

        :param value: a list.
        """
        tag = self.serializer.tag
        return [tag(item) for item in value]

    tag = to_json


class TagBytes(JSONTag):
    """Write bytes as base64 text under ``" b"``."""

    __slots__ = ()
    key = " b"

    def check(self, value: Any) -> bool:
        """Return whether ``value`` is bytes.

        :param value: the value being serialized.
        """
        return isinstance(value, bytes)

    def to_json(self, value: Any) -> Any:
        """Return the bytes as base64 text.

        :param value: bytes.
        """
        return b64encode(value).decode("ascii")

    def to_python(self, value: Any) -> Any:
        """Return the bytes the base64 text holds.

        :param value: the text under the tag.
        """
        _expect(value, str, self.key)
        # binascii.Error and non-ASCII text both raise ValueError subclasses.
        return b64decode(value)


class TagMarkup(JSONTag):
    """Write anything with an ``__html__`` method as its markup, under ``" m"``.

    It always loads as :class:`~markupsafe.Markup`.
    """

    __slots__ = ()
    key = " m"

    def check(self, value: Any) -> bool:
        """Return whether ``value`` has an ``__html__`` method.

        :param value: the value being serialized.
        """
        return callable(getattr(value, "__html__", None))

    def to_json(self, value: Any) -> Any:
        """Return the value's markup as a string.

        :param value: an object with ``__html__``.
        """
        return str(value.__html__())

    def to_python(self, value: Any) -> Any:
        """Return the text as safe markup.

        :param value: the text under the tag.
        """
        _expect(value, str, self.key)
        return Markup(value)


class TagUUID(JSONTag):
    """Write a UUID as its hex digits under ``" u"``."""

    __slots__ = ()
    key = " u"

    def check(self, value: Any) -> bool:
        """Return whether ``value`` is a UUID.

        :param value: the value being serialized.
        """
        return isinstance(value, UUID)

    def to_json(self, value: Any) -> Any:
        """Return the UUID's 32 hex digits.

        :param value: a UUID.
        """
        return value.hex

    def to_python(self, value: Any) -> Any:
        """Return the UUID the text spells.

        :param value: the text under the tag.
        """
        _expect(value, str, self.key)
        return UUID(value)


class TagDateTime(JSONTag):
    """Write a datetime as an HTTP date under ``" d"`` (whole seconds, UTC)."""

    __slots__ = ()
    key = " d"

    def check(self, value: Any) -> bool:
        """Return whether ``value`` is a datetime.

        :param value: the value being serialized.
        """
        return isinstance(value, datetime)

    def to_json(self, value: Any) -> Any:
        """Return the datetime as an HTTP date; a naive one is taken as UTC.

        :param value: a datetime.
        """
        return http_date(value)

    def to_python(self, value: Any) -> Any:
        """Return the aware UTC datetime the HTTP date names.

        :param value: the text under the tag.
        """
        _expect(value, str, self.key)
        parsed = parse_date(value)
        if parsed is None:
            raise ValueError(f"The value tagged ' d' is not an HTTP date: {value!r}")
        return parsed


class TaggedJSONSerializer:
    """Serialize to compact JSON, keeping the types registered as tags.

    Out of the box: dicts that look like tags, tuples, bytes, ``Markup``,
    UUIDs and datetimes. Inside an app context the app's JSON provider
    writes the text (so its ``default`` handles other types, as ``jsonify``
    does, and keys are sorted); outside one, kolben's defaults.
    """

    __slots__ = ("order", "tags")

    #: The tag classes every new serializer registers, in checking order.
    default_tags: ClassVar[list[type[JSONTag]]] = [
        TagDict,
        PassDict,
        TagTuple,
        PassList,
        TagBytes,
        TagMarkup,
        TagUUID,
        TagDateTime,
    ]

    def __init__(self) -> None:
        """Register the default tags."""
        self.tags: dict[str, JSONTag] = {}
        self.order: list[JSONTag] = []
        for cls in self.default_tags:
            self.register(cls)

    def register(
        self,
        tag_class: type[JSONTag],
        force: bool = False,
        index: int | None = None,
    ) -> None:
        """Add a tag: an instance of ``tag_class`` bound to this serializer.

        :param tag_class: the :class:`JSONTag` subclass to register.
        :param force: replace a tag already registered under the same key.
        :param index: where the tag goes in the checking order; ``None``
            appends it. Put a tag for a subclass of a tagged type (an
            ``OrderedDict``) before the tag of its base (``index=0``).
        :raises KeyError: the key is taken and ``force`` is false.
        """
        tag = tag_class(self)
        key = tag.key
        if key:
            if not force and key in self.tags:
                raise KeyError(
                    f"A tag with the key {key!r} is already registered. Pick"
                    " another key, or pass force=True to replace it."
                )
            self.tags[key] = tag
        if index is None:
            self.order.append(tag)
        else:
            self.order.insert(index, tag)

    def tag(self, value: Any) -> Any:
        """Return ``value`` with every registered type replaced by its tag.

        :param value: the value to serialize.
        """
        for tag in self.order:
            if tag.check(value):
                return tag.tag(value)
        return value

    def untag(self, value: dict[str, Any]) -> Any:
        """Return the Python value a tagged dict stands for; others as they are.

        :param value: a dict parsed from JSON, its values already untagged.
        :raises ValueError: the dict has a tag but malformed data under it.
        """
        if len(value) != 1:
            return value
        key = next(iter(value))
        tag = self.tags.get(key)
        if tag is None:
            return value
        try:
            return tag.to_python(value[key])
        except (TypeError, AttributeError, LookupError, ArithmeticError) as e:
            # SECURITY: an app's own tag may not check its input; whatever it
            # raises on bad data becomes the ValueError the back ends expect.
            raise ValueError(f"The value tagged {key!r} cannot be loaded: {e}") from e

    def _untag_scan(self, value: Any) -> Any:
        """Return ``value`` with every tagged dict in it untagged, innermost first.

        :param value: data parsed from JSON.
        """
        if isinstance(value, dict):
            return self.untag({k: self._untag_scan(v) for k, v in value.items()})
        if isinstance(value, list):
            return [self._untag_scan(item) for item in value]
        return value

    def dumps(self, value: Any) -> str:
        """Return ``value`` tagged, as compact JSON text.

        :param value: the value to serialize.
        """
        return dumps(self.tag(value), separators=(",", ":"))

    def loads(self, value: str | bytes) -> Any:
        """Parse text written by :meth:`dumps`, restoring the tagged types.

        :param value: JSON text or UTF-8 bytes.
        :raises ValueError: the text is not JSON, nests too deeply, or holds
            a malformed tag.
        """
        try:
            return self._untag_scan(loads(value))
        except RecursionError:
            raise ValueError("The tagged JSON is nested too deeply.") from None
