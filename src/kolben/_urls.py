"""Building URLs for endpoints: what ``url_for`` does."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .globals import _cv_app
from .http.urls import quote
from .routing import BuildError

if TYPE_CHECKING:
    from .app import Kolben


def build_url(
    app: Kolben,
    endpoint: str,
    anchor: str | None,
    method: str | None,
    scheme: str | None,
    external: bool | None,
    values: dict[str, Any],
) -> str:
    """Build the URL of ``endpoint`` with ``values``; see ``kolben.url_for``."""
    ctx = _cv_app.get(None)
    request = ctx.request if ctx is not None and ctx.app is app else None
    config = app.config
    server_name = config["SERVER_NAME"]
    if request is not None:
        if endpoint[:1] == ".":
            bp = request.blueprint
            endpoint = f"{bp}{endpoint}" if bp else endpoint[1:]
        if external is None:
            external = scheme is not None
        root = request.root_path
        current_scheme = request.scheme
    else:
        if not server_name:
            raise RuntimeError(
                "Unable to build URLs outside an active request without"
                " 'SERVER_NAME' configured. Also configure 'APPLICATION_ROOT'"
                " and 'PREFERRED_URL_SCHEME' as needed."
            )
        if external is None:
            external = True
        root = str(config["APPLICATION_ROOT"]).rstrip("/")
        current_scheme = config["PREFERRED_URL_SCHEME"]
    if scheme is not None and not external:
        raise ValueError("When specifying '_scheme', '_external' must be True.")
    app.inject_url_defaults(endpoint, values)
    try:
        domain, path = app.url_map.build(endpoint, values, method=method)
    except BuildError as error:
        return app.handle_url_build_error(error, endpoint, values)
    url = root + path
    if anchor is not None:
        url += "#" + quote(anchor, safe="%!#$&'()*+,/:;=?@")
    host = _host_for(app, request, domain)
    if request is not None and host != request.host:
        external = True
    if external:
        url = f"{scheme or current_scheme}://{host}{url}"
    return url


def _host_for(app: Kolben, request: Any, domain: str) -> str:
    server_name = app.config["SERVER_NAME"]
    if app.url_map.host_matching:
        if domain:
            return domain
        return request.host if request is not None else str(server_name)
    base = server_name or (request.host if request is not None else "")
    if domain and app.subdomain_matching:
        return f"{domain}.{base}"
    if request is not None and not domain:
        return str(request.host)
    return str(base)
