"""The errors typed views answer with: 422, 400 and 415 as problem details.

A request that does not validate raises :class:`RequestValidationError`, an
HTTP 422 whose body is RFC 9457 problem details (``application/problem+json``)
with an ``errors`` list, one ``{loc, msg, type}`` per error::

    {"type": "about:blank", "title": "Unprocessable Content", "status": 422,
     "detail": "body.price: Input should be greater than 0",
     "errors": [{"loc": ["body", "price"], "msg": "Input should be greater
     than 0", "type": "greater_than"}]}

With ``API_ERROR_FORMAT = "fastapi"`` the body is FastAPI's instead,
``{"detail": [{"loc": [...], "msg": ..., "type": ...}]}`` as
``application/json``. A malformed JSON body answers 400 and a body of the
wrong media type 415, in the same format. Each is an ``HTTPException``, so
``app.errorhandler(RequestValidationError)`` (or ``errorhandler(422)``)
replaces the answer.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from ..http.exceptions import (
    BadRequest,
    HTTPException,
    UnprocessableEntity,
    UnsupportedMediaType,
)

__all__ = [
    "MalformedBody",
    "ProblemMixin",
    "RequestValidationError",
    "UnsupportedBody",
]

PROBLEM_JSON = "application/problem+json"
#: The error formats ``API_ERROR_FORMAT`` names.
FORMATS = ("problem", "fastapi")


class ProblemMixin(HTTPException):
    """An HTTP error answered as problem details, or FastAPI's ``detail``."""

    #: ``"problem"`` (RFC 9457) or ``"fastapi"``; set by the raising view.
    error_format: str = "problem"

    def problem(self) -> dict[str, Any]:
        """Return the RFC 9457 problem details of this error."""
        return {
            "type": "about:blank",
            "title": self.name,
            "status": self.code,
            "detail": self.description or "",
        }

    def fastapi_detail(self) -> Any:
        """Return what FastAPI puts in ``detail`` for this error."""
        return self.description or ""

    def get_body(self) -> str:
        """Return the JSON body in the error's format."""
        if self.error_format == "fastapi":
            return json.dumps({"detail": self.fastapi_detail()})
        return json.dumps(self.problem())

    def get_headers(self) -> list[tuple[str, str]]:
        """Return the Content-Type of the error's format."""
        mimetype = (
            "application/json" if self.error_format == "fastapi" else PROBLEM_JSON
        )
        return [("Content-Type", mimetype)]


class RequestValidationError(ProblemMixin, UnprocessableEntity):
    """422: the request's parameters or body do not match the view's types.

    :param errors: one ``{"loc": [...], "msg": str, "type": str}`` per error;
        ``loc`` starts with where the value was (``body``, ``query``,
        ``path``, ``header``, ``cookie``, ``form``, ``file``).
    :param body: the body that did not validate, if it was parsed.
    """

    def __init__(self, errors: Sequence[dict[str, Any]], body: Any = None) -> None:
        """Keep the validation ``errors`` and, if given, the refused ``body``."""
        self._errors = [dict(e) for e in errors]
        self.body = body
        super().__init__(_summary(self._errors))

    def errors(self) -> list[dict[str, Any]]:
        """Return the errors: dicts with ``loc``, ``msg`` and ``type``."""
        return self._errors

    def problem(self) -> dict[str, Any]:
        """Return the problem details, with the ``errors`` list."""
        return {**super().problem(), "errors": self._errors}

    def fastapi_detail(self) -> Any:
        """Return the errors, as FastAPI's ``detail``."""
        return self._errors


class MalformedBody(ProblemMixin, BadRequest):
    """400: the JSON body of a typed view could not be parsed."""


class UnsupportedBody(ProblemMixin, UnsupportedMediaType):
    """415: the body of a typed view is not of a media type it reads."""


def _summary(errors: Iterable[dict[str, Any]]) -> str:
    """Return ``body.price: Input should be ...; query.q: ...``."""
    return "; ".join(
        f"{'.'.join(str(part) for part in e['loc'])}: {e['msg']}" for e in errors
    )


def from_pydantic(
    errors: Iterable[Any], prefix: tuple[str | int, ...] = ()
) -> list[dict[str, Any]]:
    """Return pydantic's errors as ``{loc, msg, type}`` dicts, located.

    :param errors: ``ValidationError.errors()`` items.
    :param prefix: what goes before each error's own ``loc``.
    """
    return [
        {"loc": [*prefix, *e["loc"]], "msg": e["msg"], "type": e["type"]}
        for e in errors
    ]
