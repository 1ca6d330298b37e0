"""Label sets: static values and callables of the request or the response."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from typing import Any

#: A label's value: a constant, a callable of no argument (which reads
#: ``request``) or a callable of the response.
LabelValue = Any


def _reader(value: LabelValue) -> tuple[Callable[[Any], Any], bool]:
    """Return a function of the response giving the label's value.

    The flag says whether the value depends on the response.
    """
    if not callable(value):
        return (lambda response: value), False
    if inspect.getfullargspec(value).args:
        return value, True
    return (lambda response: value()), False


class Labels:
    """The label names of a metric and how to find their values, worked out once.

    :param labels: ``{name: value_or_callable}``, the metric's own labels
        followed by the instance's ``default_labels``.
    """

    __slots__ = ("names", "readers", "needs_response", "static")

    def __init__(self, labels: Mapping[str, LabelValue]) -> None:
        self.names = tuple(labels)
        pairs = [_reader(value) for value in labels.values()]
        self.readers = tuple(reader for reader, _ in pairs)
        #: Whether some value is a callable of the response.
        self.needs_response = any(needs for _, needs in pairs)
        #: The values, when none is callable; ``None`` otherwise.
        self.static: tuple[Any, ...] | None = (
            tuple(labels.values())
            if not any(callable(v) for v in labels.values())
            else None
        )

    def values_for(self, response: Any) -> tuple[Any, ...]:
        """Return the label values for this request and ``response``."""
        if self.static is not None:
            return self.static
        return tuple(read(response) for read in self.readers)
