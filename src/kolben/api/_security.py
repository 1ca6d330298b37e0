"""OpenAPI security from the requirements kolben.jwt and kolben.login record.

**Meeting point with kolben.jwt and kolben.login.** Their decorators
(``jwt_required``, ``login_required``, ``fresh_login_required``) put
``__kolben_auth__`` on the view they return: a tuple with one dict per
decorator, ``{"battery": "jwt" | "login", "locations": (...), "optional":
bool, "fresh": bool, "refresh": bool}``. Each dict becomes alternatives (one
per location) and stacked decorators must all be met:

- jwt ``headers``: HTTP bearer when :meth:`JWTManager.header_scheme` is
  ``Authorization: Bearer``, else an ``apiKey`` in that header;
- jwt ``cookies`` and ``query_string``: an ``apiKey`` cookie
  (``JWT_ACCESS_COOKIE_NAME`` or ``JWT_REFRESH_COOKIE_NAME``) or query key
  (``JWT_QUERY_STRING_NAME``); a token in the JSON body has no scheme;
- login ``session`` and ``cookies``: ``apiKey`` cookies, the session cookie
  (``SESSION_COOKIE_NAME``) and the remember cookie (``REMEMBER_COOKIE_NAME``).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..app import Kolben
    from .signature import ViewSpec

#: The attribute kolben.jwt and kolben.login record requirements in.
AUTH_ATTR = "__kolben_auth__"


class Security:
    """Gathers the security schemes of one document.

    :param app: the application whose settings name headers and cookies.
    """

    def __init__(self, app: Kolben) -> None:
        self.app = app
        self.schemes: dict[str, dict[str, Any]] = {}

    def of(
        self, view: Callable[..., Any], spec: ViewSpec | None
    ) -> list[dict[str, list[str]]]:
        """Return the ``security`` of an operation; ``[]`` when it has none.

        :param view: the registered view (its decorators record theirs).
        :param spec: the operation's handler, whose own decorators count too.
        """
        entries = list(getattr(view, AUTH_ATTR, ()))
        if spec is not None and spec.func is not view:
            entries += [
                e for e in getattr(spec.func, AUTH_ATTR, ()) if e not in entries
            ]
        if not entries:
            return []
        choices = [self._alternatives(entry) for entry in entries]
        requirements: list[dict[str, list[str]]] = []
        for combination in itertools.product(*choices):
            merged: dict[str, list[str]] = {}
            for names in combination:
                merged.update((name, []) for name in names)
            if merged not in requirements:
                requirements.append(merged)
        return requirements

    def _alternatives(self, entry: dict[str, Any]) -> list[tuple[str, ...]]:
        if entry.get("battery") == "jwt":
            names = [self._jwt(entry, loc) for loc in self._jwt_locations(entry)]
        elif entry.get("battery") == "login":
            names = [self._login(loc) for loc in entry.get("locations", ())]
        else:
            names = []
        found: list[tuple[str, ...]] = [(n,) for n in names if n is not None]
        if entry.get("optional") or not found:
            found.append(())
        return found

    def _jwt_locations(self, entry: dict[str, Any]) -> Iterable[str]:
        manager = self.app.extensions.get("flask-jwt-extended")
        if manager is not None:
            return manager.token_locations(entry, self.app)  # type: ignore[no-any-return]
        return entry.get("locations") or ("headers",)

    def _jwt(self, entry: dict[str, Any], location: str) -> str | None:
        config = self.app.config
        if location == "headers":
            manager = self.app.extensions.get("flask-jwt-extended")
            if manager is not None:
                name, kind = manager.header_scheme(self.app)
                bearer = manager.header_scheme(self.app).is_bearer
            else:
                name, kind, bearer = "Authorization", "Bearer", True
            if bearer:
                scheme = {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
                return self._add("jwtBearer", scheme)
            described = f"{kind} <token>" if kind else "<token>"
            scheme = {"type": "apiKey", "in": "header", "name": name}
            scheme["description"] = f"A JWT, sent as '{name}: {described}'."
            return self._add("jwtHeader", scheme)
        if location == "cookies":
            refresh = entry.get("refresh")
            key = "JWT_REFRESH_COOKIE_NAME" if refresh else "JWT_ACCESS_COOKIE_NAME"
            default = "refresh_token_cookie" if refresh else "access_token_cookie"
            scheme = {"type": "apiKey", "in": "cookie"}
            scheme["name"] = config.get(key, default)
            return self._add("jwtRefreshCookie" if refresh else "jwtCookie", scheme)
        if location == "query_string":
            name = config.get("JWT_QUERY_STRING_NAME", "jwt")
            return self._add(
                "jwtQuery", {"type": "apiKey", "in": "query", "name": name}
            )
        return None  # a token in the JSON body has no OpenAPI scheme

    def _login(self, location: str) -> str | None:
        config = self.app.config
        if location == "session":
            name = config.get("SESSION_COOKIE_NAME", "session")
            scheme = {"type": "apiKey", "in": "cookie", "name": name}
            return self._add("sessionCookie", scheme)
        if location == "cookies":
            name = config.get("REMEMBER_COOKIE_NAME", "remember_token")
            scheme = {"type": "apiKey", "in": "cookie", "name": name}
            return self._add("rememberCookie", scheme)
        return None

    def _add(self, name: str, scheme: dict[str, Any]) -> str:
        self.schemes.setdefault(name, scheme)
        return name
