"""Matching request paths against an application's URL map, and building.

Input: a request method, a NUL, then the percent-decoded path. The map
holds the kinds of rules a real app registers.
"""

from __future__ import annotations

from typing import Any

from fuzz.harnesses._contract import split, text
from kolben.http.exceptions import HTTPException
from kolben.http.urls import unquote_path
from kolben.routing import Map, Rule


def _url_map() -> Map:
    """Return a map with static, dynamic, defaulted and redirecting rules."""
    return Map(
        [
            Rule("/", endpoint="index"),
            Rule("/about/", endpoint="about"),
            Rule("/users/", endpoint="users", defaults={"page": 1}),
            Rule("/users/page/<int(min=1):page>", endpoint="users"),
            Rule("/users/<int:user_id>", endpoint="user", methods=["GET", "PUT"]),
            Rule("/users/<int:user_id>/edit", endpoint="edit", methods=["POST"]),
            Rule(
                "/posts/<int(fixed_digits=4):year>/<string(length=2):month>",
                endpoint="archive",
            ),
            Rule("/price/<float(signed=True):amount>", endpoint="price"),
            Rule("/items/<uuid:item>", endpoint="item"),
            Rule("/<any(en, de, 'pt-br'):lang>/docs/<path:page>", endpoint="docs"),
            Rule("/files/<path:name>", endpoint="files", strict_slashes=False),
            Rule("/old/<name>", endpoint="old", redirect_to="/new/<name>"),
            Rule("/new/<string(minlength=2, maxlength=8):name>", endpoint="new"),
            Rule("/ws/<name>", endpoint="ws", websocket=True),
            Rule("/<name>.json", endpoint="json"),
        ]
    )


_MAP = _url_map()


def TestOneInput(data: bytes) -> None:
    """Match *data*'s path; only routing errors escape, and matches build."""
    method_bytes, path_bytes = split(data, 2)
    method = text(method_bytes).upper() or "GET"
    path = "/" + text(path_bytes).lstrip("/")
    _MAP.allowed_methods(path)
    for websocket in (False, True):
        try:
            rule, values = _MAP.match(path, method, websocket=websocket)
        except HTTPException as exc:
            # 404, 405, a redirect or the wrong protocol; never a 5xx.
            assert exc.code is not None and exc.code < 500, repr(exc)
            continue
        _check_build(rule, values, method, websocket)


def _check_build(
    rule: Rule, values: dict[str, Any], method: str, websocket: bool
) -> None:
    """A match's values build a URL that matches the same endpoint again."""
    if rule.redirect_to is not None:
        return
    _, built = _MAP.build(str(rule.endpoint), values, method=method)
    again, again_values = _MAP.match(unquote_path(built), method, websocket=websocket)
    assert again.endpoint == rule.endpoint, (built, again)
    assert again_values == values, (built, again_values, values)
