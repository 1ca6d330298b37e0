"""Building URLs for endpoints: what ``url_for`` does."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .globals import _cv_app
from .http.urls import quote
from .routing import BuildError
from .routing.map import subdomain_of

if TYPE_CHECKING:
    from .app import Kolben
    from .ctx import AppContext
    from .request import Request


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
    else:
        if not server_name:
            raise RuntimeError(
                "Unable to build URLs outside an active request without"
                " 'SERVER_NAME' configured. Also configure 'APPLICATION_ROOT'"
                " and 'PREFERRED_URL_SCHEME' as needed."
            )
        if external is None:
            external = True
    if scheme is not None and not external:
        raise ValueError("When specifying '_scheme', '_external' must be True.")
    app.inject_url_defaults(endpoint, values)
    try:
        if app._custom_adapter:
            url = _build_with_adapter(
                app, ctx, request, endpoint, values, method, scheme, external
            )
        else:
            url = _build(app, request, endpoint, values, method, scheme, external)
    except BuildError as error:
        values.update(
            _anchor=anchor, _method=method, _scheme=scheme, _external=external
        )
        return app.handle_url_build_error(error, endpoint, values)
    if anchor is not None:
        url += "#" + quote(anchor, safe="%!#$&'()*+,/:;=?@")
    return url


def _build(
    app: Kolben,
    request: Request | None,
    endpoint: str,
    values: dict[str, Any],
    method: str | None,
    scheme: str | None,
    external: bool,
) -> str:
    """Build as a Werkzeug adapter bound to the request (or the config) would."""
    config = app.config
    domain, path = app.url_map.build(endpoint, values, method=method)
    if request is not None:
        url = request.root_path + path
        current_scheme = request.scheme
    else:
        url = str(config["APPLICATION_ROOT"]).rstrip("/") + path
        current_scheme = config["PREFERRED_URL_SCHEME"]
    host, own = _host_for(app, request, domain)
    if external or not own:
        url = f"{scheme or current_scheme}://{host}{url}"
    return url


def _build_with_adapter(
    app: Kolben,
    ctx: AppContext | None,
    request: Request | None,
    endpoint: str,
    values: dict[str, Any],
    method: str | None,
    scheme: str | None,
    external: bool,
) -> str:
    """Build with what the app's own ``create_url_adapter`` returns."""
    if request is not None and ctx is not None:
        adapter = ctx.url_adapter
    else:
        adapter = app.create_url_adapter(None)
    if adapter is None:
        raise RuntimeError(
            "Unable to build URLs: the app's create_url_adapter() returned None."
        )
    return adapter.build(
        endpoint, values, method=method, url_scheme=scheme, force_external=external
    )


def _host_for(app: Kolben, request: Request | None, domain: str) -> tuple[str, bool]:
    """Return the host of a URL with ``domain``, and whether it is the current one.

    Without host matching, ``domain`` is the rule's subdomain: it goes in
    front of ``SERVER_NAME`` (or of the request's host), whether or not
    requests are matched on subdomains, as in Flask.
    """
    server_name = app.config["SERVER_NAME"]
    if app.url_map.host_matching:
        current = request.host if request is not None else str(server_name)
        return (domain or current), (not domain or domain == current)
    current_sub = app.url_map.default_subdomain or ""
    if request is None:
        base = str(server_name)
    elif server_name:
        base = str(server_name).lower()
        if app.subdomain_matching:
            current_sub = subdomain_of(request.host.lower(), base)
    else:
        base = request.host
    host = f"{domain}.{base}" if domain else base
    return host, domain == current_sub
