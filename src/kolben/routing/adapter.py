"""A map bound to one host and script root: Werkzeug's ``MapAdapter`` API.

kolben matches and builds with :meth:`Map.match` and :meth:`Map.build`, which
take everything per call. Flask extensions and Flask's docs use the bound
form instead (``app.create_url_adapter(request).match()``,
``app.url_map.bind("example.com").build("index")``); this is that form, over
the same matcher and builder.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from .exceptions import RequestRedirect

if TYPE_CHECKING:
    from .map import Map

__all__ = ["MapAdapter"]


class MapAdapter:
    """Match and build URLs for one server name, script root and subdomain.

    Made by :meth:`Map.bind` or :meth:`Map.bind_to_environ`, or by
    ``app.create_url_adapter(request)``.

    :param map: the URL map.
    :param server_name: the host (and port) URLs are built for.
    :param script_name: the prefix the app is mounted at.
    :param subdomain: the current subdomain; ``None`` with host matching.
    :param url_scheme: the scheme of external URLs.
    :param path_info: the path :meth:`match` matches by default.
    :param default_method: the method :meth:`match` uses by default.
    :param query_args: the query string redirects carry over.
    """

    def __init__(
        self,
        map: Map,
        server_name: str,
        script_name: str,
        subdomain: str | None,
        url_scheme: str,
        path_info: str,
        default_method: str,
        query_args: str | Mapping[str, Any] | None = None,
    ) -> None:
        """Take the map and the server name, script root, subdomain and path."""
        self.map = map
        self.server_name = server_name
        if not script_name.endswith("/"):
            script_name += "/"
        self.script_name = script_name
        self.subdomain = subdomain
        self.url_scheme = url_scheme
        self.path_info = path_info
        self.default_method = default_method
        self.query_args = query_args
        self.websocket = url_scheme in ("ws", "wss")

    def get_host(self, domain_part: str | None) -> str:
        """Return the host of a URL whose rule has ``domain_part``.

        :param domain_part: the rule's subdomain, or its host with host
            matching; ``None`` for the current one.
        """
        if self.map.host_matching:
            return domain_part or self.server_name
        subdomain = self.subdomain if domain_part is None else domain_part
        return f"{subdomain}.{self.server_name}" if subdomain else self.server_name

    def match(
        self,
        path_info: str | None = None,
        method: str | None = None,
        return_rule: bool = False,
        query_args: str | Mapping[str, Any] | None = None,
        websocket: bool | None = None,
    ) -> tuple[Any, dict[str, Any]]:
        """Match a path and return ``(endpoint, values)``.

        Example::

            adapter = app.url_map.bind("example.com")
            endpoint, values = adapter.match("/users/1")

        :param path_info: the path; the bound one by default.
        :param method: the method; the bound one by default.
        :param return_rule: return the :class:`Rule` instead of its endpoint.
        :param query_args: the query string a redirect keeps.
        :param websocket: match WebSocket rules; by the bound scheme by default.
        :raises NotFound: no rule matches.
        :raises MethodNotAllowed: rules match, none takes the method.
        :raises RequestRedirect: the URL should be redirected; its
            ``new_url`` is absolute, as Werkzeug's is.
        """
        path = self.path_info if path_info is None else path_info
        path = "/" + path.lstrip("/")
        domain = self.server_name if self.map.host_matching else self.subdomain
        try:
            rule, values = self.map.match(
                path,
                (method or self.default_method).upper(),
                domain=domain or "",
                websocket=self.websocket if websocket is None else websocket,
            )
        except RequestRedirect as e:
            query = self.query_args if query_args is None else query_args
            raise RequestRedirect(self._absolute(e.new_url, domain, query)) from None
        return (rule if return_rule else rule.endpoint), values

    def _absolute(
        self, new_url: str, domain: str | None, query: str | Mapping[str, Any] | None
    ) -> str:
        if "://" in new_url:
            return new_url
        if query and not isinstance(query, str):
            from ..http.urls import url_encode

            query = url_encode(query)
        url = f"{self.url_scheme}://{self.get_host(domain)}"
        url += self.script_name.rstrip("/") + new_url
        return f"{url}?{query}" if query else url

    def build(
        self,
        endpoint: str,
        values: Mapping[str, Any] | None = None,
        method: str | None = None,
        force_external: bool = False,
        append_unknown: bool = True,
        url_scheme: str | None = None,
    ) -> str:
        """Build the URL of ``endpoint``; relative unless it needs a host.

        Example::

            adapter.build("user", {"user_id": 1})  # "/users/1"
            adapter.build("user", {"user_id": 1}, force_external=True)

        :param endpoint: the endpoint.
        :param values: the rule's variables and query arguments.
        :param method: only use rules allowing this method.
        :param force_external: always include scheme and host.
        :param append_unknown: put unknown values into the query string.
        :param url_scheme: the scheme of an external URL.
        :raises BuildError: no rule of ``endpoint`` can be built.
        """
        if values is not None and hasattr(values, "to_dict"):
            values = values.to_dict(flat=False)
        domain, path = self.map.build(
            endpoint, values, method=method, append_unknown=append_unknown
        )
        own = self.server_name if self.map.host_matching else self.subdomain
        if not force_external and domain == (own or ""):
            return f"{self.script_name.rstrip('/')}/{path.lstrip('/')}"
        scheme = url_scheme or self.url_scheme
        host = self.get_host(domain)
        return f"{scheme}://{host}{self.script_name.rstrip('/')}/{path.lstrip('/')}"

    def allowed_methods(self, path_info: str | None = None) -> list[str]:
        """Return the methods the rules matching a path allow.

        :param path_info: the path; the bound one by default.
        """
        path = self.path_info if path_info is None else path_info
        domain = self.server_name if self.map.host_matching else self.subdomain
        return sorted(self.map.allowed_methods(path, domain=domain or ""))

    def __repr__(self) -> str:
        """Return a representation for debugging."""
        return f"<{type(self).__name__} {self.server_name!r}{self.script_name!r}>"
