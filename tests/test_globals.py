"""The context proxies and variables of kolben.globals, as Flask has them."""

from __future__ import annotations

from typing import Any

import pytest

from kolben import Kolben, current_app, g, request, session
from kolben.ctx import AppContext
from kolben.globals import _cv_app, _cv_request, app_ctx, request_ctx
from kolben.testing import KolbenClient


def current(proxy: object) -> Any:
    """Return the object behind a proxy (typed as that object, not a proxy)."""
    return proxy._get_current_object()  # type: ignore[attr-defined]


def test_outside_any_context_the_proxies_are_false_and_say_what_they_are() -> None:
    assert not app_ctx
    assert not request_ctx
    for proxy, name in [
        (current_app, "current_app"),
        (g, "g"),
        (request, "request"),
        (session, "session"),
        (app_ctx, "app_ctx"),
        (request_ctx, "request_ctx"),
    ]:
        assert repr(proxy) == f"<kolben.{name}: unbound>"
    with pytest.raises(RuntimeError, match="app_context"):
        current(app_ctx)
    assert _cv_app.get(None) is None
    assert _cv_request.get(None) is None
    with pytest.raises(LookupError):
        _cv_request.get()


def test_in_an_app_context_only_app_ctx_is_bound(app: Kolben) -> None:
    with app.app_context() as ctx:
        assert app_ctx
        assert not request_ctx
        assert current(app_ctx) is ctx
        assert app_ctx.app is app
        assert app_ctx.g is current(g)
        assert _cv_app.get() is ctx
        assert _cv_request.get(None) is None
        assert repr(app_ctx) == repr(ctx)


def test_in_a_request_both_are_the_one_context(
    app: Kolben, client: KolbenClient
) -> None:
    seen: dict[str, object] = {}

    @app.route("/")
    def index() -> str:
        seen["app_ctx"] = current(app_ctx)
        seen["request_ctx"] = current(request_ctx)
        seen["cv_request"] = _cv_request.get(None)
        seen["request"] = request_ctx.request is current(request)
        seen["session"] = request_ctx.session is current(session)
        return "ok"

    assert client.get("/").status_code == 200
    assert isinstance(seen["app_ctx"], AppContext)
    assert seen["app_ctx"] is seen["request_ctx"] is seen["cv_request"]
    assert seen["request"] is True
    assert seen["session"] is True


def test_proxies_enter_what_they_stand_for(app: Kolben) -> None:
    with app.test_request_context("/here"):
        # ``with`` goes to the object behind the proxy: here, pushing the
        # request context once more, as Flask's proxies do.
        with request_ctx as ctx:
            assert ctx is current(request_ctx)
            assert request.path == "/here"
        assert request.path == "/here"
