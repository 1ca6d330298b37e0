"""``marshal`` and its decorators: filter and format what a handler returns."""

from __future__ import annotations

import functools
import inspect
from collections import OrderedDict
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from .fields import Raw
from .utils import unpack

F = TypeVar("F", bound=Callable[..., Any])


def _make(field: Any) -> Any:
    return field() if isinstance(field, type) else field


def marshal(data: Any, fields: Mapping[str, Any], envelope: str | None = None) -> Any:
    """Return the ``fields`` of ``data`` (a dict, an object or a list of them).

    Example::

        >>> marshal({"a": 100, "b": "foo"}, {"a": fields.Raw})
        OrderedDict([('a', 100)])
        >>> marshal({"a": 100}, {"a": fields.Raw}, envelope="data")
        OrderedDict([('data', OrderedDict([('a', 100)]))])

    :param data: the object or objects to read the values from.
    :param fields: output name to field (a class or an instance), or to a
        dict of fields for a nested object.
    :param envelope: a key to put the result under.
    """
    if isinstance(data, list | tuple):
        items = [marshal(d, fields) for d in data]
        return OrderedDict([(envelope, items)]) if envelope else items
    out = OrderedDict(
        (
            key,
            marshal(data, value)
            if isinstance(value, dict)
            else _make(value).output(key, data),
        )
        for key, value in fields.items()
    )
    return OrderedDict([(envelope, out)]) if envelope else out


def _wrap_result(f: F, convert: Callable[[Any], Any]) -> F:
    """Wrap ``f`` so that ``convert`` rewrites its data, keeping code and headers."""

    def rewrite(rv: Any) -> Any:
        if isinstance(rv, tuple):
            data, code, headers = unpack(rv)
            return convert(data), code, headers
        return convert(rv)

    if inspect.iscoroutinefunction(f):

        @functools.wraps(f)
        async def async_wrapper(*args: Any, **kwargs: Any) -> Any:
            return rewrite(await f(*args, **kwargs))

        return async_wrapper  # type: ignore[return-value]

    @functools.wraps(f)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        return rewrite(f(*args, **kwargs))

    return wrapper  # type: ignore[return-value]


class marshal_with:
    """Marshal what the decorated handler returns with ``fields``.

    A ``(data, code, headers)`` return keeps its code and headers. Works on
    ``async def`` handlers too.

    Example::

        class Todo(Resource):
            @marshal_with({"id": fields.Integer, "task": fields.String})
            def get(self, todo_id):
                return db.get_or_404(TodoModel, todo_id)

    :param fields: as for :func:`marshal`.
    :param envelope: a key to put the result under.
    """

    def __init__(self, fields: Mapping[str, Any], envelope: str | None = None) -> None:
        self.fields = fields
        self.envelope = envelope

    def __call__(self, f: F) -> F:
        """Return ``f`` wrapped."""
        return _wrap_result(f, lambda data: marshal(data, self.fields, self.envelope))


class marshal_with_field:
    """Format what the decorated handler returns with one field.

    Example::

        @marshal_with_field(fields.List(fields.Integer))
        def get(self):
            return ["1", 2, 3.0]  # [1, 2, 3]

    :param field: the field: a class or an instance.
    """

    def __init__(self, field: type[Raw] | Raw) -> None:
        self.field: Raw = field() if isinstance(field, type) else field

    def __call__(self, f: F) -> F:
        """Return ``f`` wrapped."""
        return _wrap_result(f, self.field.format)
