"""Helpers Flask-RESTful's ``utils`` module has: status messages, unpacking."""

from __future__ import annotations

from typing import Any

from ..http.status import HTTP_STATUS_CODES

__all__ = ["http_status_message", "unpack"]


def http_status_message(code: int) -> str:
    """Return the reason phrase of a status code, ``""`` if it has none.

    :param code: the status code.
    """
    return HTTP_STATUS_CODES.get(code, "")


def unpack(value: Any) -> tuple[Any, Any, Any]:
    """Return ``(data, code, headers)`` from what a handler returned.

    ``data``, ``(data, code)`` and ``(data, code, headers)`` are understood;
    any other tuple is the data itself.

    :param value: the return value.
    """
    if not isinstance(value, tuple):
        return value, 200, {}
    if len(value) == 3:
        return value[0], value[1], value[2]
    if len(value) == 2:
        return value[0], value[1], {}
    return value, 200, {}
