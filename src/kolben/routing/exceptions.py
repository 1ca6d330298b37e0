"""Routing errors: redirects the matcher asks for, and URL build failures."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from kolben.http.exceptions import BadRequest, HTTPException

if TYPE_CHECKING:
    from .rules import Rule

__all__ = ["BuildError", "RequestRedirect", "RoutingException", "WebsocketMismatch"]


class RoutingException(Exception):
    """Base class of the routing errors that are not plain HTTP errors."""


class RequestRedirect(HTTPException, RoutingException):
    """The URL is not canonical: answer ``308`` and point to ``new_url``.

    Raised for a missing trailing slash on a strict-slashes rule, for
    repeated slashes when slashes are merged, for ``redirect_defaults`` and
    for rules with ``redirect_to``. 308 keeps the method and the body.

    :param new_url: The new path, percent-encoded and ready for a
        ``Location`` header (an absolute URL only for an absolute
        ``redirect_to``). The app adds the script root and the query string.
    """

    code = 308

    def __init__(self, new_url: str) -> None:
        """Take the canonical URL."""
        super().__init__(f"The resource is at {new_url}.")
        self.new_url = new_url


class WebsocketMismatch(BadRequest):
    """400: the URL only serves WebSocket requests, or only HTTP ones."""

    description = (
        "The URL exists, but for a different protocol: the rule is a WebSocket"
        " rule and this is an HTTP request, or the other way around."
    )


#: The 400's message for an HTTP request to a WebSocket rule: served under
#: WSGI, the only way such a request comes.
HTTP_TO_WEBSOCKET_RULE = (
    "This route is a WebSocket route: it needs an ASGI server (uvicorn,"
    " hypercorn, granian in ASGI mode) and a WebSocket client. A WSGI server"
    " cannot serve WebSockets."
)


class BuildError(RoutingException, LookupError):
    """No rule could build a URL for an endpoint with the given values.

    The message names the closest rule and what to change.

    :param endpoint: The endpoint that was asked for.
    :param values: The values that were given.
    :param method: The method that was asked for, or ``None``.
    :param rules: The map's rules, used to suggest a fix.
    """

    def __init__(
        self,
        endpoint: str,
        values: Mapping[str, Any] | None,
        method: str | None,
        *,
        rules: Iterable[Rule] = (),
    ) -> None:
        """Take the endpoint, the values and method, and the rules tried."""
        super().__init__(endpoint, values, method)
        self.endpoint = endpoint
        self.values: Mapping[str, Any] = values or {}
        self.method = method
        self._rules = tuple(rules)

    @property
    def suggested(self) -> Rule | None:
        """The rule most like the one that was asked for, or ``None``."""
        own = [rule for rule in self._rules if rule.endpoint == self.endpoint]
        if own:
            return min(own, key=self._distance)
        endpoints = sorted({str(rule.endpoint) for rule in self._rules})
        close = difflib.get_close_matches(str(self.endpoint), endpoints, n=1)
        if not close:
            return None
        return next(rule for rule in self._rules if str(rule.endpoint) == close[0])

    def _distance(self, rule: Rule) -> tuple[bool, int]:
        """Rank a rule of the same endpoint: right method, then fewest gaps."""
        wrong_method = bool(
            self.method and rule.methods is not None and self.method not in rule.methods
        )
        return wrong_method, len(_required(rule) - set(self.values))

    def __str__(self) -> str:
        """Explain what was asked for and what could have been meant."""
        message = [f"Could not build url for endpoint {self.endpoint!r}"]
        if self.method:
            message.append(f" ({self.method!r})")
        if self.values:
            message.append(f" with values {sorted(self.values)!r}")
        message.append(".")
        rule = self.suggested
        if rule is None:
            message.append(
                " No rule is registered for it; check the endpoint name"
                " (blueprint endpoints are 'blueprint.function')."
            )
        elif rule.endpoint != self.endpoint:
            message.append(f" Did you mean {rule.endpoint!r} instead?")
        else:
            message.append(self._same_endpoint_hint(rule))
        return "".join(message)

    def _same_endpoint_hint(self, rule: Rule) -> str:
        """Explain why ``rule``, registered for the endpoint, did not build."""
        if self.method and rule.methods is not None and self.method not in rule.methods:
            return f" Did you mean to use methods {sorted(rule.methods)!r}?"
        missing = _required(rule) - set(self.values)
        if missing:
            return f" Did you forget to specify values {sorted(missing)!r}?"
        conflicting = sorted(
            key
            for key, value in (rule.defaults or {}).items()
            if key in self.values and self.values[key] != value
        )
        if conflicting:
            return (
                f" The values {conflicting!r} differ from the rule's defaults"
                f" {rule.defaults!r}; a rule with defaults only builds for them."
            )
        return " A converter rejected one of the values."


def _required(rule: Rule) -> set[str]:
    """Return the variables of a rule that its defaults do not fill."""
    return set(rule.arguments) - set(rule.defaults or ())
