"""``OpenAPI(app)``: typed views switched on, the document and its pages."""

from __future__ import annotations

import json
import weakref
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from ..globals import current_app, request
from ..views import View, http_method_funcs
from . import _pages
from .errors import FORMATS
from .openapi import build_document
from .signature import RouteError, ViewSpec, inspect_view
from .validation import Binder, spec_of, validated

if TYPE_CHECKING:
    from ..app import Kolben
    from ..response import Response

__all__ = ["OpenAPI"]

_DATETIME_FORMATS = ("iso", "milliseconds")
#: The endpoints of the document and its pages, which are never typed views.
_OWN = frozenset(
    {"openapi.json", "openapi.yaml", "openapi.docs", "openapi.redoc", "openapi.assets"}
)


class OpenAPI:
    """Validate typed views and publish the app's OpenAPI 3.1 document.

    Example::

        app = Kolben(__name__)
        OpenAPI(app, title="Shop", version="1.0")   # /openapi.json, /docs, /redoc

    From then on a view's type hints are its contract: parameters are
    validated (a 422 otherwise), results converted through the return
    annotation's model, and the document lists every route. Without it
    annotations mean nothing to kolben.

    :param app: the app, or ``None`` to call :meth:`init_app` later.
    :param title: the document's title.
    :param version: the API's version.
    :param description: the API's description (Markdown).
    :param servers: ``servers``: URLs or OpenAPI server objects.
    :param openapi_url: where the document is served (and ``.yaml`` beside
        it when PyYAML is installed); ``None`` serves no document nor pages.
    :param docs_url: the Swagger UI page; ``None`` for none.
    :param redoc_url: the ReDoc page; ``None`` for none.
    :param assets_url: where the pages' scripts and styles are served from.
    :param info: more of the ``info`` object (``contact``, ``license``, ...).
    """

    def __init__(
        self,
        app: Kolben | None = None,
        *,
        title: str = "API",
        version: str = "0.1.0",
        description: str | None = None,
        servers: Iterable[str | dict[str, Any]] | None = None,
        openapi_url: str | None = "/openapi.json",
        docs_url: str | None = "/docs",
        redoc_url: str | None = "/redoc",
        assets_url: str = "/docs-assets",
        info: dict[str, Any] | None = None,
    ) -> None:
        """Take the app (or call :meth:`init_app` later) and the document's info."""
        self.info: dict[str, Any] = {"title": title, "version": version}
        if description:
            self.info["description"] = description
        self.info.update(info or {})
        self.servers = [
            {"url": s} if isinstance(s, str) else dict(s) for s in servers or ()
        ]
        self.openapi_url = openapi_url
        self.docs_url = docs_url if openapi_url else None
        self.redoc_url = redoc_url if openapi_url else None
        self.assets_url = assets_url
        self._specs: weakref.WeakKeyDictionary[Kolben, dict[str, Any]]
        self._specs = weakref.WeakKeyDictionary()
        self._documents: weakref.WeakKeyDictionary[Kolben, dict[str, Any]]
        self._documents = weakref.WeakKeyDictionary()
        if app is not None:
            self.init_app(app)

    def init_app(self, app: Kolben) -> None:
        """Switch typed views on for ``app`` and add the document's routes.

        :param app: the application.
        """
        app.extensions["openapi"] = self
        app.config.setdefault("API_ERROR_FORMAT", "problem")
        app.config.setdefault("API_DATETIME_FORMAT", "iso")
        app.config.setdefault("API_VALIDATION_ERROR_SCHEMA", None)
        app.config.setdefault("API_HTTP_ERROR_SCHEMA", None)
        self._specs[app] = {}
        app.view_wrappers.append(lambda endpoint, view: self._wrap(app, endpoint, view))
        _pages.add_routes(app, self)
        from .cli import openapi_command

        app.cli.add_command(openapi_command)

    # -- typed views ---------------------------------------------------------------

    def specs(self, app: Kolben, endpoint: str) -> dict[str, ViewSpec | None]:
        """Return the specs of an endpoint's view by method (``"*"``: every one).

        Read once per endpoint; a class-based view has one per handler.

        :param app: the application.
        :param endpoint: the endpoint.
        """
        cache = self._specs.setdefault(app, {})
        found = cache.get(endpoint)
        if found is None:
            found = cache[endpoint] = _inspect(app, endpoint)
        return found

    def _wrap(
        self, app: Kolben, endpoint: str, view: Callable[..., Any]
    ) -> Callable[..., Any]:
        if endpoint in _OWN:
            return view
        _check_settings(app)
        by_method = self.specs(app, endpoint)
        if spec_of(view) is not None:
            return view  # validated already, by kolben.rest say
        spec = by_method.get("*")
        if spec is not None:
            return validated(view, spec=spec) if spec.is_typed else view
        binders = {
            method: Binder(s)
            for method, s in by_method.items()
            if s is not None and s.is_typed and not s.validated
        }
        return _class_view(view, binders) if binders else view

    # -- the document ----------------------------------------------------------------

    def document(self, app: Kolben | None = None) -> dict[str, Any]:
        """Return the app's OpenAPI 3.1 document (kept once the app serves).

        :param app: the application; the current app if ``None``.
        """
        app = app or current_app._get_current_object()
        cached = self._documents.get(app)
        if cached is not None:
            return cached
        doc = build_document(
            app,
            dict(self.info),
            lambda endpoint: self.specs(app, endpoint),
            self.servers,
            _OWN,
        )
        if app._got_first_request:
            self._documents[app] = doc
        return doc

    def document_text(self, app: Kolben | None = None, format: str = "json") -> str:
        """Return the document as JSON or (with PyYAML) YAML text.

        :param app: the application; the current app if ``None``.
        :param format: ``"json"`` or ``"yaml"``.
        """
        doc = self.document(app)
        if format == "yaml":
            import yaml

            return str(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True))
        return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def _check_settings(app: Kolben) -> None:
    errors = app.config["API_ERROR_FORMAT"]
    if errors not in FORMATS:
        raise ValueError(f"API_ERROR_FORMAT must be one of {FORMATS}, not {errors!r}.")
    dates = app.config["API_DATETIME_FORMAT"]
    if dates not in _DATETIME_FORMATS:
        raise ValueError(
            f"API_DATETIME_FORMAT must be one of {_DATETIME_FORMATS}, not {dates!r}."
        )


def _inspect(app: Kolben, endpoint: str) -> dict[str, ViewSpec | None]:
    """Read an endpoint's view (or the handlers of its class) once."""
    view = app.view_functions[endpoint]
    rules = list(app.url_map.iter_rules(endpoint))
    path: dict[str, Any] = {}
    options: dict[str, Any] = {}
    for rule in reversed(rules):  # the first rule's options win
        path.update(dict.fromkeys(rule.defaults or ()))
        options.update(rule.options)
    for rule in rules:
        if rule.map is not None:
            from ..routing.rules import bound_of

            path.update(bound_of(rule).converters)
    try:
        view_class = getattr(view, "view_class", None)
        if not (isinstance(view_class, type) and issubclass(view_class, View)):
            return {
                "*": spec_of(view) or inspect_view(view, path=path, options=options)
            }
        specs: dict[str, ViewSpec | None] = {}
        for name in sorted(http_method_funcs):
            handler = getattr(view_class, name, None)
            if handler is not None and name != "options":
                specs[name.upper()] = spec_of(handler) or inspect_view(
                    handler, path=path, options=options, skip=1
                )
        if "GET" in specs and "HEAD" not in specs:
            specs["HEAD"] = specs["GET"]
        return specs
    except RouteError as exc:
        raise RouteError(f"{exc} (endpoint {endpoint!r})") from None


def _class_view(
    view: Callable[..., Any], binders: dict[str, Binder]
) -> Callable[..., Any]:
    """Wrap a class-based view: each handler's request and result, by method."""
    import functools
    import inspect

    if inspect.iscoroutinefunction(view):

        async def typed_async(**values: Any) -> Any:
            binder = binders.get(request.method)
            if binder is None:
                return await view(**values)
            return binder.render(await view(**binder.arguments(values)))

        return functools.update_wrapper(typed_async, view)

    def typed(**values: Any) -> Any:
        binder = binders.get(request.method)
        if binder is None:
            return view(**values)
        rv = view(**binder.arguments(values))
        if inspect.iscoroutine(rv):
            return _later(binder, rv)
        return binder.render(rv)

    return functools.update_wrapper(typed, view)


async def _later(binder: Binder, coroutine: Any) -> Response:
    return binder.render(await coroutine)  # type: ignore[no-any-return]
