"""The document's routes, and the Swagger UI and ReDoc pages, served offline.

The pages' scripts and styles come from the ``openapi-ui-bundles`` package
(Swagger UI and ReDoc builds, a dependency of ``kolben[api]``), served by the
app itself: a page makes no request beyond the app's own address.
"""

from __future__ import annotations

import html
import importlib.util
import json
from typing import TYPE_CHECKING

from ..files import send_from_directory
from ..globals import current_app, request
from ..http.exceptions import NotFound

if TYPE_CHECKING:
    from ..app import Kolben
    from ..response import Response
    from .extension import OpenAPI

#: SECURITY and privacy: the pages may load nothing but the app's own
#: resources. ReDoc's menu shows a logo from its vendor's CDN, which this
#: policy keeps the browser from requesting at all.
_POLICY = (
    "default-src 'self'; script-src 'self' 'unsafe-inline' blob:;"
    " style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:;"
    " font-src 'self' data:; worker-src 'self' blob:; connect-src 'self'"
)

#: The asset folders, by the name the pages use, in ``openapi_ui_bundles``.
_BUNDLES = {"swagger-ui": "swagger_ui", "redoc": "redoc"}

_SWAGGER = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{title}</title>
<link rel="stylesheet" href="{assets}/swagger-ui/swagger-ui.css">
<link rel="icon" type="image/png" href="{assets}/swagger-ui/favicon-32x32.png">
</head>
<body>
<div id="swagger-ui"></div>
<script src="{assets}/swagger-ui/swagger-ui-bundle.js"></script>
<script>
window.ui = SwaggerUIBundle({{
  url: {spec_url},
  dom_id: "#swagger-ui",
  deepLinking: true,
  validatorUrl: null,
  presets: [SwaggerUIBundle.presets.apis],
  layout: "BaseLayout"
}});
</script>
</body>
</html>
"""

_REDOC = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{title}</title>
</head>
<body>
<div id="redoc"></div>
<script src="{assets}/redoc/redoc.standalone.js"></script>
<script>Redoc.init({spec_url}, {{}}, document.getElementById("redoc"));</script>
</body>
</html>
"""


def add_routes(app: Kolben, ext: OpenAPI) -> None:
    """Add the document's routes and pages that ``ext`` asks for to ``app``."""
    if ext.openapi_url is None:
        return
    app.add_url_rule(ext.openapi_url, "openapi.json", _document_json)
    if importlib.util.find_spec("yaml") is not None:
        base = ext.openapi_url.removesuffix(".json")
        app.add_url_rule(f"{base}.yaml", "openapi.yaml", _document_yaml)
    if ext.docs_url:
        app.add_url_rule(ext.docs_url, "openapi.docs", _swagger_page)
    if ext.redoc_url:
        app.add_url_rule(ext.redoc_url, "openapi.redoc", _redoc_page)
    if ext.docs_url or ext.redoc_url:
        app.add_url_rule(
            f"{ext.assets_url}/<any(swagger-ui, redoc):tool>/<path:filename>",
            "openapi.assets",
            _asset,
        )


def _ext() -> OpenAPI:
    return current_app.extensions["openapi"]  # type: ignore[no-any-return]


def _document_json() -> Response:
    text = _ext().document_text(format="json")
    return current_app.response_class(text, mimetype="application/json")


def _document_yaml() -> Response:
    text = _ext().document_text(format="yaml")
    return current_app.response_class(text, mimetype="application/yaml")


def _page(template: str, suffix: str) -> Response:
    ext = _ext()
    root = request.script_root
    assert ext.openapi_url is not None
    body = template.format(
        title=html.escape(f"{ext.info['title']} - {suffix}"),
        assets=html.escape(root + ext.assets_url),
        # SECURITY: a JSON string inside <script>, with "<" escaped so the
        # URL cannot close the element.
        spec_url=json.dumps(root + ext.openapi_url).replace("<", "\\u003c"),
    )
    response = current_app.response_class(body, mimetype="text/html")
    response.headers["Content-Security-Policy"] = _POLICY
    return response


def _swagger_page() -> Response:
    return _page(_SWAGGER, "Swagger UI")


def _redoc_page() -> Response:
    return _page(_REDOC, "ReDoc")


def _asset(tool: str, filename: str) -> Response:
    from importlib import resources

    try:
        folder = resources.files(f"openapi_ui_bundles.{_BUNDLES[tool]}") / "vendor"
    except ModuleNotFoundError:
        raise NotFound(
            "The API docs pages need the openapi-ui-bundles package: install"
            " it with 'pip install kolben[api]'."
        ) from None
    return send_from_directory(str(folder), filename, max_age=86400)
