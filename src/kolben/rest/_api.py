"""``Api``: resources on an app or a blueprint, their responses and errors."""

from __future__ import annotations

import functools
import inspect
import weakref
from collections import OrderedDict
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, TypeVar

from .. import signals
from ..blueprints import Blueprint, BlueprintSetupState
from ..globals import current_app, request
from ..helpers import url_for as _url_for
from ..http.exceptions import HTTPException, InternalServerError, NotAcceptable
from ..response import Response
from ..views import http_method_funcs
from . import _errors
from ._resource import PREPARED, Resource, then
from .representations.json import output_json
from .utils import http_status_message, unpack

if TYPE_CHECKING:
    from ..app import Kolben

R = TypeVar("R", bound=type[Resource])

#: The representations every Api starts with.
DEFAULT_REPRESENTATIONS = [("application/json", output_json)]

_Handler = Callable[..., Any]


class Api:
    """The entry point of a REST API: resources on an app or a blueprint.

    Example::

        app = Kolben(__name__)
        api = Api(app, prefix="/v1")

        class HelloWorld(Resource):
            def get(self):
                return {"hello": "world"}

        api.add_resource(HelloWorld, "/")

    :param app: an app or a blueprint; or call :meth:`init_app` later.
    :param prefix: a path before every URL of the Api.
    :param default_mediatype: the media type of responses when the client
        accepts none of the representations; ``None`` answers 406 then.
    :param decorators: decorators for every resource's view function.
    :param catch_all_404s: answer every 404 of the app, not only those of
        the Api's endpoints, with :meth:`handle_error`.
    :param serve_challenge_on_401: add a ``WWW-Authenticate: Basic``
        challenge to 401s (realm: ``HTTP_BASIC_AUTH_REALM``).
    :param url_part_order: the order of the blueprint prefix (``b``), the
        Api's prefix (``a``) and the resource's URL (``e``) in a rule.
    :param errors: an exception class name to the body of its response,
        whose ``status`` key is the status code (500 if absent).
    """

    def __init__(
        self,
        app: Kolben | Blueprint | None = None,
        prefix: str = "",
        default_mediatype: str | None = "application/json",
        decorators: Iterable[Callable[..., Any]] | None = None,
        catch_all_404s: bool = False,
        serve_challenge_on_401: bool = False,
        url_part_order: str = "bae",
        errors: dict[str, dict[str, Any]] | None = None,
    ) -> None:
        self.representations: OrderedDict[str, _Handler] = OrderedDict(
            DEFAULT_REPRESENTATIONS
        )
        self.urls: dict[str, Any] = {}
        self.prefix = prefix
        self.default_mediatype = default_mediatype
        self.decorators = list(decorators) if decorators else []
        self.catch_all_404s = catch_all_404s
        self.serve_challenge_on_401 = serve_challenge_on_401
        self.url_part_order = url_part_order
        self.errors = errors or {}
        #: The blueprint's registration, once it is registered.
        self.blueprint_setup: BlueprintSetupState | None = None
        #: The endpoints of the resources, without a blueprint's name.
        self.endpoints: set[str] = set()
        #: ``(resource, urls, options)`` of every resource added.
        self.resources: list[tuple[type[Resource], tuple[str, ...], dict[str, Any]]]
        self.resources = []
        self.app: Kolben | Blueprint | None = None
        self.blueprint: Blueprint | None = None
        self._apps: list[Kolben] = []
        self._app_endpoints: set[str] = set()
        #: The errors that answer as the app answers them, not with the
        #: Api's body: kolben.api's 422, 400 and 415 once a handler is typed.
        self._typed_errors: tuple[type[HTTPException], ...] = ()
        if app is not None:
            self.app = app
            self.init_app(app)

    # -- setup -------------------------------------------------------------

    def init_app(self, app: Kolben | Blueprint) -> None:
        """Serve the Api's resources on ``app`` (an app, or a blueprint).

        On a blueprint the resources are registered when the blueprint is.
        Resources added later are registered at once.

        :param app: the app or blueprint.
        """
        if isinstance(app, Blueprint):
            self.blueprint = app
            app.record(self._deferred_blueprint_init)
        else:
            self._init_app(app, None)

    def _deferred_blueprint_init(self, setup_state: BlueprintSetupState) -> None:
        if not setup_state.first_registration:
            raise ValueError("kolben.rest blueprints can only be registered once.")
        self.blueprint_setup = setup_state
        self._init_app(setup_state.app, setup_state.full_name)

    def _init_app(self, app: Kolben, scope: str | None) -> None:
        _errors.registry_of(app).install(app, self, scope)
        # First of the app's view wrappers: the handlers are prepared before
        # any battery wraps the view function (kolben.api's then finds them
        # validated and leaves the view as it is).
        app.view_wrappers.insert(0, functools.partial(self._compile_view, app))
        self._apps.append(app)
        for resource, urls, kwargs in self.resources:
            self._register_view(app, resource, *urls, **kwargs)

    def add_resource(self, resource: type[Resource], *urls: str, **kwargs: Any) -> None:
        """Serve ``resource`` at ``urls``.

        Example::

            api.add_resource(Todo, "/todos/<int:todo_id>", endpoint="todo")

        :param resource: the :class:`Resource` subclass.
        :param urls: its URL rules; their variables are the handlers'
            keyword arguments.
        :param kwargs: ``endpoint`` (the class name in lowercase by default),
            ``resource_class_args`` and ``resource_class_kwargs`` (for the
            class's constructor); the rest go to ``app.add_url_rule``.
        """
        self.resources.append((resource, urls, kwargs))
        for app in self._apps:
            self._register_view(app, resource, *urls, **kwargs)

    def resource(self, *urls: str, **kwargs: Any) -> Callable[[R], R]:
        """Add the decorated resource class; as :meth:`add_resource`.

        Example::

            @api.resource("/foo")
            class Foo(Resource):
                def get(self):
                    return "Hello, World!"
        """

        def decorator(cls: R) -> R:
            self.add_resource(cls, *urls, **kwargs)
            return cls

        return decorator

    def _register_view(
        self, app: Kolben, resource: type[Resource], *urls: str, **kwargs: Any
    ) -> None:
        kwargs = dict(kwargs)
        endpoint: str = kwargs.pop("endpoint", None) or resource.__name__.lower()
        args = kwargs.pop("resource_class_args", ())
        class_kwargs = kwargs.pop("resource_class_kwargs", None) or {}
        setup = self.blueprint_setup
        full = f"{setup.full_name}.{endpoint}" if setup else endpoint
        existing = app.view_functions.get(full)
        previous = getattr(existing, "view_class", resource)
        if previous is not resource:
            raise ValueError(
                f"This endpoint ({endpoint}) is already set to the class"
                f" {previous.__name__}."
            )
        self.endpoints.add(endpoint)
        self._app_endpoints.add(full)
        resource.endpoint = endpoint
        if existing is not None:
            # More URLs for an endpoint already served: the same view.
            view = existing
        else:
            view = self._make_view(resource, endpoint, args, class_kwargs)
        kwargs.setdefault("methods", resource.methods)
        if setup is not None:
            kwargs.setdefault("subdomain", setup.subdomain)
            defaults = {**setup.url_defaults, **(kwargs.pop("defaults", None) or {})}
            kwargs["defaults"] = defaults or None
        prefix = (setup.url_prefix or "") if setup else ""
        for url in urls:
            app.add_url_rule(self._complete_url(url, prefix), full, view, **kwargs)

    def _make_view(
        self,
        resource: type[Resource],
        endpoint: str,
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
    ) -> _Handler:
        """Return the view function of a resource, wrapped in the Api's layers."""
        view = self.output(resource.as_view(endpoint, *args, **kwargs))
        for decorator in self.decorators:
            view = decorator(view)
        return self._answering_errors(view)

    def _complete_url(self, url_part: str, registration_prefix: str) -> str:
        """Join the blueprint prefix, the Api prefix and a URL in ``url_part_order``.

        :param url_part: the resource's URL.
        :param registration_prefix: the blueprint's URL prefix.
        """
        parts = {"b": registration_prefix, "a": self.prefix, "e": url_part}
        rule = ""
        for key in self.url_part_order:
            part = parts[key]
            if part:
                rule = rule.rstrip("/") + "/" + part.lstrip("/") if rule else part
        return rule

    # -- typed handlers ------------------------------------------------------

    def _compile_view(self, app: Kolben, endpoint: str, view: _Handler) -> _Handler:
        """Prepare the handlers of a resource when ``app`` compiles its routes."""
        resource = getattr(view, "view_class", None)
        if endpoint in self._app_endpoints and (
            isinstance(resource, type) and issubclass(resource, Resource)
        ):
            self._prepare_resource(app, endpoint, resource)
        return view

    def _prepare_resource(
        self, app: Kolben, endpoint: str, resource: type[Resource]
    ) -> None:
        handlers: dict[str, _Handler] = {}
        for name in sorted(http_method_funcs):
            handler = getattr(resource, name, None)
            if inspect.isfunction(handler):
                wrapped = self._prepare_handler(
                    handler, resource=resource, method=name, app=app, endpoint=endpoint
                )
                if wrapped is not handler:
                    handlers[name] = wrapped
        if handlers:
            table = resource.__dict__.get(PREPARED)
            if table is None:
                table = weakref.WeakKeyDictionary()
                setattr(resource, PREPARED, table)
            table.setdefault(app, {})[endpoint] = handlers

    def _prepare_handler(
        self,
        handler: _Handler,
        *,
        resource: type[Resource],
        method: str,
        app: Kolben,
        endpoint: str,
    ) -> _Handler:
        """Return the function that answers ``method`` for ``resource`` in ``app``.

        The one place where the typed-views battery plugs in: called once per
        handler of each resource endpoint, when ``app`` compiles its routes
        (its first request), with the plain function (``self`` first, the
        URL's variables as keyword arguments). The resource's
        ``method_decorators`` wrap what it returns, so authentication runs
        before validation.

        **Meeting point with kolben.api.** Once ``kolben.api.OpenAPI`` is
        initialised on ``app``, a handler with type hints comes back as
        ``kolben.api.validated(handler, spec=...)``, from the spec that
        ``OpenAPI.specs`` read (the same one the document is built from): its
        parameters and body are validated, its result converted through its
        response model, and its 422, 400 and 415 answered as kolben.api
        answers them. A handler without hints, or an app without
        ``OpenAPI``, gets ``handler`` itself: nothing changes per request.

        :param handler: the resource's function for the method.
        :param resource: the resource class.
        :param method: the lowercase method name, e.g. ``"get"``.
        :param app: the app compiling its routes.
        :param endpoint: the resource's endpoint in ``app``.
        """
        if "openapi" not in app.extensions:
            return handler
        from .. import api as typed  # the meeting point with kolben.api

        openapi = app.extensions["openapi"]
        if not isinstance(openapi, typed.OpenAPI):
            return handler
        spec = openapi.specs(app, endpoint).get(method.upper())
        if spec is None or spec.validated or not spec.is_typed:
            return handler
        self._typed_errors = (typed.errors.ProblemMixin,)
        return typed.validated(handler, spec=spec)

    # -- responses -----------------------------------------------------------

    def output(self, resource: _Handler) -> _Handler:
        """Wrap a resource's view so that data it returns becomes a response.

        :param resource: the view function of a resource.
        """
        if inspect.iscoroutinefunction(resource):

            @functools.wraps(resource)
            async def async_wrapper(*args: Any, **kwargs: Any) -> Any:
                return self._finish(await resource(*args, **kwargs))

            return async_wrapper

        @functools.wraps(resource)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            return then(resource(*args, **kwargs), self._finish)

        return wrapper

    def _finish(self, rv: Any) -> Any:
        if isinstance(rv, Response):
            return rv
        data, code, headers = unpack(rv)
        if code is None:
            code = 200
        elif not isinstance(code, int | str):
            # ``(data, headers)``, as Flask reads a pair whose second item
            # is not a status.
            code, headers = 200, code
        return self.make_response(data, code, headers=headers)

    def _answering_errors(self, view: _Handler) -> _Handler:
        """Wrap the outermost view so that HTTP errors it raises get the Api's body."""

        async def answer_async(rv: Any) -> Any:
            try:
                return await rv
            except HTTPException as e:
                return self._answer(e)

        if inspect.iscoroutinefunction(view):

            @functools.wraps(view)
            async def async_wrapper(*args: Any, **kwargs: Any) -> Any:
                return await answer_async(view(*args, **kwargs))

            return async_wrapper

        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            try:
                rv = view(*args, **kwargs)
            except HTTPException as e:
                return self._answer(e)
            return answer_async(rv) if inspect.iscoroutine(rv) else rv

        return wrapper

    def _answer(self, e: HTTPException) -> Any:
        if e.code is None or e.code < 400 or isinstance(e, self._typed_errors):
            raise e
        return self.handle_error(e)

    def make_response(self, data: Any, *args: Any, **kwargs: Any) -> Response:
        """Return ``data`` in the representation the client accepts best.

        :param data: the data.
        :param args: the status code.
        :param kwargs: ``headers``, and ``fallback_mediatype`` (instead of
            ``default_mediatype`` when the client accepts none).
        :raises NotAcceptable: the client accepts none and there is no
            default media type.
        """
        default = kwargs.pop("fallback_mediatype", None) or self.default_mediatype
        mediatype = request.accept_mimetypes.best_match(
            self.representations, default=default
        )
        if mediatype is None:
            raise NotAcceptable()
        if mediatype in self.representations:
            response: Response = self.representations[mediatype](data, *args, **kwargs)
            response.headers["Content-Type"] = mediatype
            return response
        if mediatype == "text/plain":
            code = args[0] if args else kwargs.get("code", 200)
            headers = kwargs.get("headers", args[1] if len(args) > 1 else None)
            response = current_app.response_class(str(data), status=code)
            response.headers.extend(headers or {})
            response.headers["Content-Type"] = "text/plain"
            return response
        raise InternalServerError()

    def mediatypes(self) -> list[str]:
        """Return the media types of the request's Accept header, best first."""
        return [mediatype for mediatype, _ in request.accept_mimetypes]

    def mediatypes_method(self) -> Callable[[Any], list[str | None]]:
        """Return a function that gives the accepted types and the default."""
        return lambda resource_cls: [*self.mediatypes(), self.default_mediatype]

    def representation(self, mediatype: str) -> Callable[[_Handler], _Handler]:
        """Register the decorated function as the representation of ``mediatype``.

        It gets ``(data, code, headers)`` and returns a response.

        Example::

            @api.representation("application/xml")
            def xml(data, code, headers):
                response = make_response(to_xml(data), code)
                response.headers.extend(headers or {})
                return response

        :param mediatype: the media type it writes.
        """

        def wrapper(func: _Handler) -> _Handler:
            self.representations[mediatype] = func
            return func

        return wrapper

    def url_for(self, resource: type[Resource], **values: Any) -> str:
        """Return the URL of ``resource``; ``values`` as for ``url_for``.

        :param resource: a resource class added to this Api.
        """
        endpoint = resource.endpoint
        if self.blueprint is not None:
            name = self.blueprint_setup.full_name if self.blueprint_setup else None
            endpoint = f"{name or self.blueprint.name}.{endpoint}"
        return _url_for(endpoint, **values)

    # -- errors ---------------------------------------------------------------

    def owns_endpoint(self, endpoint: str) -> bool:
        """Tell whether ``endpoint`` (an app endpoint name) is one of the Api's.

        :param endpoint: the endpoint, with its blueprint's name.
        """
        if endpoint in self._app_endpoints:
            return True
        if self.blueprint is not None:
            prefix = self.blueprint.name + "."
            if not endpoint.startswith(prefix):
                return False
            endpoint = endpoint[len(prefix) :]
        return endpoint in self.endpoints

    def _owns_request(self) -> bool:
        rule = request.url_rule
        if rule is not None:
            return rule.endpoint is not None and self.owns_endpoint(rule.endpoint)
        return _errors.owns_routing_error(self)

    def error_router(self, original_handler: _Handler, e: Exception) -> Any:
        """Answer ``e`` with :meth:`handle_error` if the request is the Api's.

        Otherwise, or if that fails, ``original_handler`` answers it.

        :param original_handler: the handler to fall back on.
        :param e: the error.
        """
        if self._owns_request():
            try:
                return self.handle_error(e)
            except Exception:
                pass
        return original_handler(e)

    def handle_error(self, e: Exception) -> Response:
        """Return the response to an error in one of the Api's endpoints.

        HTTP errors answer with their code and ``{"message": description}``
        (or the ``data`` that :func:`~kolben.rest.abort` gave them); any other
        error with a logged 500, unless it is in :attr:`errors`. When the app
        propagates exceptions (testing and debug mode), errors that are
        neither are raised again. Override to answer errors another way.

        :param e: the error.
        """
        app = current_app
        custom = self.errors.get(type(e).__name__)
        if not isinstance(e, HTTPException) and custom is None and _propagates(app):
            raise e
        signals.got_request_exception.send(
            app._get_current_object(), _async_wrapper=app.ensure_sync, exception=e
        )
        headers: list[tuple[str, str]] = []
        if isinstance(e, HTTPException):
            if e.response is not None:
                return e.get_response()  # type: ignore[no-any-return]
            code = e.code or 500
            message = e.description or http_status_message(code)
            headers = [
                (k, v)
                for k, v in e.get_headers()
                if k.lower() not in ("content-type", "content-length")
            ]
        else:
            code = 500
            message = http_status_message(code)
        data = getattr(e, "data", None)
        if data is None:
            data = {"message": message}
        if code >= 500:
            app.log_exception((type(e), e, e.__traceback__))
        if custom is not None:
            code = custom.get("status", 500)
            data = {**data, **custom}
        fallback = self.default_mediatype or next(iter(self.representations), None)
        try:
            response = self.make_response(data, code, headers)
        except NotAcceptable:
            response = self.make_response(
                data, code, headers, fallback_mediatype=fallback or "text/plain"
            )
        if code == 401:
            response = self.unauthorized(response)
        return response

    def unauthorized(self, response: Response) -> Response:
        """Add a Basic challenge to a 401 if ``serve_challenge_on_401`` says so.

        :param response: the 401 response.
        """
        if self.serve_challenge_on_401:
            realm = current_app.config.get("HTTP_BASIC_AUTH_REALM", "flask-restful")
            response.headers["WWW-Authenticate"] = f'Basic realm="{realm}"'
        return response


def _propagates(app: Any) -> bool:
    propagate = app.config.get("PROPAGATE_EXCEPTIONS")
    if propagate is None:
        return bool(app.testing or app.debug)
    return bool(propagate)
