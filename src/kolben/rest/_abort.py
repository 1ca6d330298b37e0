"""``abort`` with a body: Flask-RESTful's, which keeps keyword arguments."""

from __future__ import annotations

from typing import Any, NoReturn

from ..helpers import abort as _abort
from ..http.exceptions import HTTPException


def abort(http_status_code: int, **kwargs: Any) -> NoReturn:
    """Stop the request with an HTTP error whose body is ``kwargs``.

    Example::

        abort(404, message=f"Todo {todo_id} doesn't exist")
        # 404 {"message": "Todo 3 doesn't exist"}

    Without keyword arguments the body is ``{"message": <description>}``.

    :param http_status_code: the status code.
    :param kwargs: the body, as the error's ``data``.
    """
    try:
        _abort(http_status_code)
    except HTTPException as e:
        if kwargs:
            e.data = kwargs  # type: ignore[attr-defined]
        raise
