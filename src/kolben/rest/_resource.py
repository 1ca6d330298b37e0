"""``Resource``: a class of method handlers that an :class:`~kolben.rest.Api` serves."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from types import MethodType
from typing import Any, ClassVar

from .._concurrency import _ready
from ..globals import current_app, request
from ..response import Response
from ..views import MethodView
from .utils import unpack

#: The attribute of a resource class that holds its handlers as an Api
#: prepared them (see ``Api._prepare_handler``), by app and endpoint; only
#: set when one changed, so other resources never look.
PREPARED = "_kolben_rest_handlers"


def then(rv: Any, f: Callable[[Any], Any]) -> Any:
    """Return ``f(rv)``; if ``rv`` is a coroutine, a coroutine of that.

    An async handler's result is still to come when a sync layer (a method
    decorator, a resource mixing sync and async handlers) hands it on: the
    work after it then runs once it has been awaited.
    """
    if inspect.iscoroutine(rv):

        async def chained() -> Any:
            return f(await rv)

        return chained()
    return f(rv)


class Resource(MethodView):
    """A REST resource: one method per HTTP method, as Flask-RESTful's.

    Example::

        class Todo(Resource):
            method_decorators = [login_required]

            def get(self, todo_id):
                return {"id": todo_id}, 200, {"ETag": "..."}

            async def delete(self, todo_id):
                await remove(todo_id)
                return "", 204

        api.add_resource(Todo, "/todos/<int:todo_id>")

    A handler returns data (made a response by the Api's representation of
    the media type the client accepts), ``(data, code)``, ``(data, code,
    headers)`` or a :class:`~kolben.Response`. A method the class has no
    handler for answers 405. Handlers may be ``async def``.
    """

    #: Media type to representation function, for this resource only;
    #: consulted before the Api's representations.
    representations: ClassVar[Mapping[str, Callable[..., Any]] | None] = None
    #: Decorators for every handler, applied in order (the last is the
    #: outermost); or a dict from a lowercase method name to its list.
    method_decorators: ClassVar[
        list[Callable[..., Any]] | Mapping[str, list[Callable[..., Any]]]
    ] = []
    #: The endpoint the Api registered the resource under.
    endpoint: ClassVar[str]
    #: Whether ``as_view`` makes an async view: every handler is async.
    _async_view: ClassVar[bool] = False

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls._async_view = cls._is_async()

    def _handler(self, name: str) -> Callable[..., Any] | None:
        """Return the bound handler for a lowercase method name, if any."""
        # PERF: one dict lookup for a resource no Api prepared a handler of.
        prepared = type(self).__dict__.get(PREPARED)
        if prepared is not None:
            by_endpoint = prepared.get(current_app._get_current_object())
            if by_endpoint:
                handlers = by_endpoint.get(request.endpoint) or {}
                if name in handlers:
                    return MethodType(handlers[name], self)
        return getattr(self, name, None)

    def dispatch_request(self, *args: Any, **kwargs: Any) -> Any:
        """Call the handler of the request's method, with its decorators.

        ``HEAD`` uses ``get`` when there is no ``head``.
        """
        method = request.method.lower()
        meth = self._handler(method)
        if meth is None and method == "head":
            meth = self._handler("get")
        if meth is None:
            raise AssertionError(f"Unimplemented method {request.method!r}")
        decorators = self.method_decorators
        if isinstance(decorators, Mapping):
            decorators = decorators.get(method, [])
        for decorator in decorators:
            meth = decorator(meth)
        rv = then(meth(*args, **kwargs), self._represent)
        if self._async_view and not inspect.isawaitable(rv):
            # The async view awaits this; a sync decorator may have answered.
            return _ready(rv)
        return rv

    def _represent(self, rv: Any) -> Any:
        """Apply the resource's own representation of the accepted type."""
        if isinstance(rv, Response) or not self.representations:
            return rv
        representations = self.representations
        mediatype = request.accept_mimetypes.best_match(representations, default=None)
        if mediatype is None or mediatype not in representations:
            return rv
        data, code, headers = unpack(rv)
        response = representations[mediatype](data, code, headers)
        response.headers["Content-Type"] = mediatype
        return response
