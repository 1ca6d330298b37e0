"""Every error as RealWorld's clients read it: ``{"errors": {"<field>": [...]}}``.

- a body or query that does not validate (kolben.api's
  ``RequestValidationError``): 422, one key per field;
- a missing, malformed, expired or forged token (kolben.jwt's error
  loaders): 401 under ``token``;
- wrong credentials: 401; someone else's article or comment: 403; no such
  thing: 404; a taken username, email or title: 409 (:class:`APIError`);
- any other HTTP error (an unknown URL, a malformed JSON body): its status,
  under ``request``.
"""

from __future__ import annotations

from typing import Any, NoReturn

from kolben import Kolben
from kolben.api import RequestValidationError
from kolben.http.exceptions import HTTPException
from kolben.jwt import JWTManager

from .schemas import NOT_BLANK, GenericErrorModel

#: How an error answer is documented in the OpenAPI document.
ERRORS = GenericErrorModel
#: The wrappers of request bodies, left out of an error's field name.
_WRAPPERS = frozenset({"user", "article", "comment"})
_BLANK_PATTERN = f"String should match pattern '{NOT_BLANK}'"
_TOO_SHORT_TO_SEE = "String should have at least 1 character"


class APIError(Exception):
    """An answer with a status and messages about fields or things.

    :param status: the HTTP status.
    :param errors: the messages about each field or thing
        (``{"article": ["not found"]}``).
    """

    def __init__(self, status: int, errors: dict[str, list[str]]) -> None:
        super().__init__(f"{status}: {errors}")
        self.status = status
        self.errors = errors


def fail(status: int, field: str, message: str) -> NoReturn:
    """Stop the request with one message about one field or thing.

    :param status: the HTTP status.
    :param field: what the message is about (``"article"``, ``"email"``).
    :param message: the message (``"not found"``).
    """
    raise APIError(status, {field: [message]})


def field_of(loc: list[Any]) -> str:
    """Return the field a validation error is about: ``email``, ``limit``."""
    path = list(loc[1:])
    if loc and loc[0] == "body" and len(path) > 1 and path[0] in _WRAPPERS:
        path = path[1:]
    names = [part for part in path if isinstance(part, str)]
    return names[0] if names else str(loc[0]) if loc else "body"


def message_of(error: dict[str, Any]) -> str:
    """Return a validation error's message, in RealWorld's words where it has them.

    Missing, empty and blank values ``can't be blank``; a value of the wrong
    form (a username with a space, an email without ``@``) ``is invalid``;
    any other error keeps pydantic's message.
    """
    msg = str(error["msg"])
    if error["type"] == "missing" or msg in (_BLANK_PATTERN, _TOO_SHORT_TO_SEE):
        return "can't be blank"
    if error["type"] == "string_pattern_mismatch":
        return "is invalid"
    return msg


def _answer(errors: dict[str, list[str]], status: int) -> Any:
    return {"errors": errors}, status


def register(app: Kolben, jwt: JWTManager) -> None:
    """Answer every error of ``app`` in RealWorld's shape.

    :param app: the application.
    :param jwt: its JWT manager, whose error loaders are set here.
    """

    @app.errorhandler(RequestValidationError)
    def invalid(e: RequestValidationError) -> Any:
        errors: dict[str, list[str]] = {}
        for error in e.errors():
            messages = errors.setdefault(field_of(error["loc"]), [])
            if (message := message_of(error)) not in messages:
                messages.append(message)
        return _answer(errors, 422)

    @app.errorhandler(APIError)
    def api_error(e: APIError) -> Any:
        return _answer(e.errors, e.status)

    @app.errorhandler(HTTPException)
    def http_error(e: HTTPException) -> Any:
        return _answer({"request": [e.description or e.name]}, e.code or 500)

    def token_error(message: str) -> Any:
        return _answer({"token": [message]}, 401)

    jwt.unauthorized_loader(lambda reason: token_error("is missing"))
    jwt.invalid_token_loader(lambda reason: token_error("is invalid"))
    jwt.expired_token_loader(lambda header, payload: token_error("has expired"))
    jwt.revoked_token_loader(lambda header, payload: token_error("has been revoked"))
