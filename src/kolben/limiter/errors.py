"""``RateLimitExceeded``: the 429 a breached limit answers with."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from ..globals import request
from ..http import MIMEAccept, parse_accept_header
from ..http.exceptions import TooManyRequests

if TYPE_CHECKING:
    from ._limits import RuntimeLimit

_JSON = ("Content-Type", "application/json")
_HTML = ("Content-Type", "text/html; charset=utf-8")


def _wants_json() -> bool:
    """Return whether the request prefers JSON to HTML; ties go to HTML."""
    try:
        accept = parse_accept_header(request.headers.get("Accept"), MIMEAccept)
    except RuntimeError:
        return False
    return accept.best_match(("text/html", "application/json")) == "application/json"


class RateLimitExceeded(TooManyRequests):
    """Raised when a rate limit is hit: a 429, in JSON or HTML.

    A client that prefers ``application/json`` (by its ``Accept`` header)
    gets ``{"code": 429, "name": "Too Many Requests", "description": ...}``;
    others get the HTML page every HTTP error has. ``Retry-After`` says when
    the breached limit's window resets. An error handler for 429 or for this
    class replaces the response, as for any HTTP error.

    :param limit: the limit that was hit; its error message, or the limit
        itself (``"5 per 1 minute"``), is the description.
    :param response: a response to send instead, e.g. from ``on_breach``.
    :param retry_after: seconds until the limit resets.
    """

    def __init__(
        self,
        limit: RuntimeLimit,
        response: Any = None,
        retry_after: int | None = None,
    ) -> None:
        """Take the breached limit, a response, and seconds until it resets."""
        message = limit.error_message
        if message is not None:
            description = message() if callable(message) else message
        else:
            description = str(limit.limit)
        super().__init__(description, response, retry_after)
        #: The limit that was hit.
        self.limit = limit
        self._json = _wants_json()

    def get_body(self) -> str:
        """Return the JSON document or HTML page of the error."""
        if self._json:
            return json.dumps(
                {"code": self.code, "name": self.name, "description": self.description}
            )
        return super().get_body()

    def get_headers(self) -> list[tuple[str, str]]:
        """Return the headers, with the body's type and ``Retry-After``."""
        headers = super().get_headers()
        if self._json:
            headers = [_JSON if h == _HTML else h for h in headers]
        return headers
