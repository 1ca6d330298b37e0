"""The app's URL side: matching requests, building URLs, URL adapters.

Requests are matched with the compiled matcher directly; an app whose class
overrides :meth:`URLMixin.create_url_adapter` is matched, and builds URLs,
through the adapter it returns instead, as Flask does for every request.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

from . import _dispatch
from ._urls import build_url
from .http.exceptions import HTTPException, NotFound
from .routing import BuildError, MapAdapter, RequestRedirect
from .routing.map import subdomain_of

if TYPE_CHECKING:
    from .app import Kolben
    from .request import Request

UrlBuildErrorHandler = Callable[[BuildError, str, dict[str, Any]], str | None]


class URLMixin:
    """Flask's URL methods of the application object."""

    if TYPE_CHECKING:
        _custom_adapter: bool
        _default_plan: _dispatch.Plan
        _plans: dict[str, _dispatch.Plan]
        url_build_error_handlers: list[UrlBuildErrorHandler]

        def __getattr__(self, name: str) -> Any: ...

    def create_url_adapter(self, request: Request | None) -> MapAdapter | None:
        """Return the URL adapter of a request, or of the app outside one.

        kolben matches with its compiled matcher unless a subclass overrides
        this; then each request is matched with ``adapter.match()`` and
        ``url_for`` builds with ``adapter.build()``, as in Flask.

        :param request: the request; ``None`` for an adapter from
            ``SERVER_NAME``, ``APPLICATION_ROOT`` and ``PREFERRED_URL_SCHEME``.
        :return: the adapter, or ``None`` outside a request without
            ``SERVER_NAME``.
        """
        config = self.config
        server_name = config["SERVER_NAME"]
        if request is None:
            if server_name is None:
                return None
            return self.url_map.bind(  # type: ignore[no-any-return]
                server_name,
                script_name=config["APPLICATION_ROOT"],
                url_scheme=config["PREFERRED_URL_SCHEME"],
            )
        trusted = config["TRUSTED_HOSTS"]
        if trusted:
            request.check_trusted_host(list(trusted))
        host = request.host.lower()
        subdomain: str | None = None
        if self.url_map.host_matching:
            server_name = host
        elif not self.subdomain_matching:
            subdomain = self.url_map.default_subdomain or ""
        server_name = (server_name or host).lower()
        if subdomain is None and not self.url_map.host_matching:
            subdomain = subdomain_of(host, server_name)
        return self.url_map.bind(  # type: ignore[no-any-return]
            server_name,
            script_name=request.root_path,
            subdomain=subdomain,
            url_scheme=request.scheme,
            default_method=request.method,
            path_info=request.path,
            query_args=request._query,
        )

    def _match(self, request: Request) -> _dispatch.Plan:
        """Match the request's URL and return the plan for its endpoint.

        Routing errors (404, 405, redirects, bad Host) are kept on the request
        and raised after the before-request hooks, as Flask does.
        """
        if request.routing_exception is not None:
            return self._default_plan
        try:
            if self._custom_adapter:
                rule, args = self._match_with_adapter(request)
            else:
                if self._trusted_hosts:
                    request.check_trusted_host(self._trusted_hosts)
                if self._matches_domains:
                    rule, args = self.url_map.match(
                        request.path, request.method, domain=self._domain(request)
                    )
                else:
                    rule, args = self._match_path(
                        request.path, request.method, "", False
                    )
        except HTTPException as e:
            request.routing_exception = _absolute_redirect(
                cast("Kolben", self), request, e
            )
            return self._default_plan
        request.url_rule = rule
        request.view_args = args
        return self._plans.get(rule.endpoint) or self._default_plan

    def _match_with_adapter(self, request: Request) -> tuple[Any, Any]:
        adapter = self.create_url_adapter(request)
        request.url_adapter = adapter
        if adapter is None:
            raise NotFound()
        return adapter.match(return_rule=True)

    def _match_unfrozen(self, request: Request) -> _dispatch.Plan:
        """Match as :meth:`_match` does, before the app has compiled anything."""
        if request.routing_exception is None:
            try:
                if type(self).create_url_adapter is not URLMixin.create_url_adapter:
                    rule, args = self._match_with_adapter(request)
                else:
                    trusted = list(self.config["TRUSTED_HOSTS"] or ())
                    if trusted:
                        request.check_trusted_host(trusted)
                    rule, args = self.url_map.match(
                        request.path, request.method, domain=self._domain(request)
                    )
                request.url_rule, request.view_args = rule, args
            except HTTPException as e:
                request.routing_exception = _absolute_redirect(
                    cast("Kolben", self), request, e
                )
        return self._plan_for(request)

    def _plan_for(self, request: Request) -> _dispatch.Plan:
        """Return the plan of the request's endpoint; made afresh before serving."""
        endpoint = request.url_rule.endpoint if request.url_rule else None
        if not self._got_first_request:
            return _dispatch.Plan(cast("Kolben", self), endpoint)
        return self._plans.get(endpoint) or self._default_plan  # type: ignore[arg-type]

    def _domain(self, request: Request) -> str:
        """Return the host or subdomain rules match on; ``""`` if neither is used.

        :raises NotFound: with subdomain matching, the host is not
            ``SERVER_NAME`` or one of its subdomains.
        """
        if self.url_map.host_matching:
            return request.host
        server_name = self.config["SERVER_NAME"]
        if self.subdomain_matching and server_name:
            subdomain = subdomain_of(request.host.lower(), server_name.lower())
            if subdomain == "<invalid>":
                raise NotFound(
                    f"The host {request.host!r} is not served here ({server_name!r})."
                )
            return subdomain
        return ""

    def url_for(
        self,
        endpoint: str,
        *,
        _anchor: str | None = None,
        _method: str | None = None,
        _scheme: str | None = None,
        _external: bool | None = None,
        **values: Any,
    ) -> str:
        """Build the URL of ``endpoint``; see :func:`kolben.url_for`."""
        return build_url(
            cast("Kolben", self), endpoint, _anchor, _method, _scheme, _external, values
        )

    def inject_url_defaults(self, endpoint: str, values: dict[str, Any]) -> None:
        """Let the ``url_defaults`` functions fill in ``values`` for ``endpoint``.

        :param endpoint: the endpoint being built.
        :param values: the values, changed in place.
        """
        names: tuple[str | None, ...] = (None,)
        names += tuple(reversed(_dispatch.blueprint_chain(endpoint)))
        for name in names:
            for f in self.url_default_functions.get(name, ()):
                f(endpoint, values)

    def handle_url_build_error(
        self, error: BuildError, endpoint: str, values: dict[str, Any]
    ) -> str:
        """Ask ``url_build_error_handlers`` for a URL ``url_for`` cannot build.

        The first handler that returns a value other than ``None`` gives the
        URL; a handler may raise another ``BuildError``, which replaces the
        error. Without an answer the error is raised.

        :param error: the error the URL map raised.
        :param endpoint: the endpoint that was asked for.
        :param values: the values, with ``_anchor``, ``_method``, ``_scheme``
            and ``_external`` added.
        """
        for handler in self.url_build_error_handlers:
            try:
                rv = handler(error, endpoint, values)
            except BuildError as e:
                error = e
            else:
                if rv is not None:
                    return rv
        if error is sys.exc_info()[1]:
            raise  # noqa: PLE0704 - keeps the traceback of the active error
        raise error


def _absolute_redirect(
    app: Kolben, request: Request, e: HTTPException
) -> HTTPException:
    """Give a routing redirect an absolute ``Location``, as Werkzeug's has."""
    if not isinstance(e, RequestRedirect) or e.response is not None:
        return e
    url = e.new_url
    if "://" not in url:
        from .http.urls import quote

        url = f"{request.scheme}://{request.host}{quote(request.root_path)}{url}"
        if request._query:
            url += "?" + request._query
    e.new_url = url
    from .helpers import _redirect_response

    e.response = _redirect_response(url, e.code or 308, app.response_class)
    return e
