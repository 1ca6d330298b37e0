"""How an :class:`~kolben.rest.Api` answers the errors of its own endpoints.

Flask-RESTful replaces ``app.handle_exception`` and
``app.handle_user_exception`` on the app. kolben's Api uses the app's
error-handler registry instead: it registers one router for
``HTTPException`` and one for ``Exception`` at the app's scope and at its
blueprint's. A router asks the app's Apis whether the request is theirs
(its endpoint is an Api's, a 405 on an Api's URL, a 404 anywhere for an Api
with ``catch_all_404s``); the owner's :meth:`~kolben.rest.Api.handle_error`
answers it. Any other request's error goes on to the handler that would
have answered it without the Api (one registered in the same place before
the Api, or the next one in Flask's order), so non-API views keep their
error pages.

For errors other than HTTP errors, a handler registered for the error's own
class (or any base below ``Exception``) answers it in API endpoints too.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..ctx import has_request_context
from ..globals import current_app, request
from ..http.exceptions import HTTPException, MethodNotAllowed, NotFound

if TYPE_CHECKING:
    from ..app import Kolben
    from ._api import Api

#: The key of the app's extensions that holds its :class:`Registry`.
EXTENSION = "restful"


class Router:
    """The error handler an Api registers for one class at one scope.

    :param registry: the app's Apis.
    :param previous: the handler that held the place before, if any.
    """

    def __init__(self, registry: Registry, previous: Callable[..., Any] | None) -> None:
        self.registry = registry
        self.previous = previous

    def __call__(self, e: Exception) -> Any:
        """Answer ``e`` by the Api that owns the request, or pass it on."""
        api = self.registry.owner()
        if api is not None:
            if isinstance(e, api._typed_errors):
                # A typed handler's 422, 400 or 415: as in every typed view,
                # the app's handler for it, or its own problem details.
                return fall_through(e)
            if isinstance(e, HTTPException):
                return api.handle_error(e)
            found = next_handler(current_app, e)
            if found is None or found[1] is Exception:
                return api.handle_error(e)
            return current_app.ensure_sync(found[0])(e)
        return fall_through(e)


class Registry:
    """The Apis of one app, and the routers they share."""

    def __init__(self) -> None:
        self.apis: list[Api] = []

    def install(self, app: Kolben, api: Api, scope: str | None) -> None:
        """Register ``api`` and put routers at ``scope`` and the app's."""
        if api not in self.apis:
            self.apis.append(api)
        for where in {None, scope}:
            by_code = app.error_handler_spec[where]
            handlers = by_code[None]
            for cls in (HTTPException, Exception):
                current = handlers.get(cls)
                if not isinstance(current, Router):
                    handlers[cls] = Router(self, current)

    def owner(self) -> Api | None:
        """Return the Api whose endpoint (or URL) the current request is for."""
        if not has_request_context():
            return None
        for api in self.apis:
            if api._owns_request():
                return api
        return None


def registry_of(app: Kolben) -> Registry:
    """Return the app's registry of Apis, making it on first use."""
    registry = app.extensions.get(EXTENSION)
    if not isinstance(registry, Registry):
        registry = app.extensions[EXTENSION] = Registry()
    return registry


def owns_routing_error(api: Api) -> bool:
    """Tell whether a request no rule answered belongs to ``api``.

    A 405 does when a rule of the Api matches the URL with another method;
    a 404 when the Api catches every 404.
    """
    exc = request.routing_exception
    if isinstance(exc, MethodNotAllowed):
        if not exc.valid_methods:
            return False
        adapter = current_app.create_url_adapter(request)
        if adapter is None:
            return False
        try:
            rule, _ = adapter.match(method=exc.valid_methods[0], return_rule=True)
        except HTTPException:
            return False
        return api.owns_endpoint(rule.endpoint)
    return isinstance(exc, NotFound) and api.catch_all_404s


def next_handler(
    app: Kolben, e: BaseException
) -> tuple[Callable[..., Any], type[BaseException]] | None:
    """Find the handler Flask's order gives ``e`` with the Apis' routers left out.

    A router that took the place of another handler stands for it.

    :return: the handler and the class it was registered for.
    """
    code = e.code if isinstance(e, HTTPException) else None
    scopes = (*request.blueprints, None)
    for c in (code, None) if code is not None else (None,):
        for name in scopes:
            handlers = app.error_handler_spec.get(name, {}).get(c)
            if not handlers:
                continue
            for cls in type(e).__mro__:
                handler = handlers.get(cls)
                if isinstance(handler, Router):
                    handler = handler.previous
                if handler is not None:
                    return handler, cls
    return None


def fall_through(e: Exception) -> Any:
    """Answer ``e`` as the app would without an Api."""
    found = next_handler(current_app, e)
    if found is not None:
        return current_app.ensure_sync(found[0])(e)
    if isinstance(e, HTTPException):
        return e
    raise e
