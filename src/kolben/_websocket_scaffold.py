"""The WebSocket registration methods that the app and blueprints share.

They keep Quart's names: ``websocket(rule)`` registers a view, and
``before_websocket``, ``after_websocket`` and ``teardown_websocket`` the
hooks of WebSocket connections, stored by scope as the request hooks are.
"""

from __future__ import annotations

import inspect
from collections import defaultdict
from collections.abc import Callable
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])
Scope = str | None


class WebSocketScaffold:
    """WebSocket views and hooks, registered by decorators."""

    before_websocket_funcs: dict[Scope, list[Callable[..., Any]]]
    after_websocket_funcs: dict[Scope, list[Callable[..., Any]]]
    teardown_websocket_funcs: dict[Scope, list[Callable[..., Any]]]

    def _init_websocket_hooks(self) -> None:
        self.before_websocket_funcs = defaultdict(list)
        self.after_websocket_funcs = defaultdict(list)
        self.teardown_websocket_funcs = defaultdict(list)

    def add_url_rule(
        self,
        rule: str,
        endpoint: str | None = None,
        view_func: Callable[..., Any] | None = None,
        provide_automatic_options: bool | None = None,
        **options: Any,
    ) -> None:
        """Register a URL rule; see the app's and the blueprint's."""
        raise NotImplementedError

    def _check_setup_finished(self, f_name: str) -> None:
        raise NotImplementedError

    def websocket(self, rule: str, **options: Any) -> Callable[[F], F]:
        """Register the decorated coroutine function as a WebSocket view.

        Example::

            @app.websocket("/ws/<room>")
            async def chat(room):
                async for message in websocket:
                    await websocket.send(f"{room}: {message}")

        Served by an ASGI server only; under WSGI the route answers 400.

        :param rule: the URL rule, with ``<converter:name>`` variables.
        :param options: ``endpoint``, ``defaults``, ``strict_slashes``,
            ``host``, ``subdomain`` and the other ``add_url_rule`` options.
        """

        def decorator(f: F) -> F:
            if not inspect.iscoroutinefunction(f):
                raise TypeError(
                    f"The WebSocket view {getattr(f, '__name__', f)!r} must be an"
                    " 'async def' function: it awaits websocket.receive() and"
                    " websocket.send()."
                )
            endpoint = options.pop("endpoint", None)
            self.add_url_rule(
                rule,
                endpoint,
                f,
                provide_automatic_options=False,
                methods=["GET"],
                websocket=True,
                **options,
            )
            return f

        return decorator

    def _add_websocket_hook(
        self, registry: dict[Scope, list[Callable[..., Any]]], name: str, f: F
    ) -> F:
        self._check_setup_finished(name)
        registry[None].append(f)
        return f

    def before_websocket(self, f: F) -> F:
        """Run ``f()`` before each WebSocket view; a value it returns refuses.

        A non-None return value is the HTTP response that refuses the
        handshake, as a ``before_request`` function's ends a request.

        Example::

            @app.before_websocket
            def require_login():
                if "user" not in session:
                    return "log in first", 401
        """
        return self._add_websocket_hook(
            self.before_websocket_funcs, "before_websocket", f
        )

    def after_websocket(self, f: F) -> F:
        """Run ``f(response)`` after each WebSocket view returns.

        ``response`` is the response refusing the handshake, or ``None``
        once the connection was accepted; a response ``f`` returns replaces it.

        Example::

            @app.after_websocket
            def count(response):
                stats["sockets"] += 1
                return response
        """
        return self._add_websocket_hook(
            self.after_websocket_funcs, "after_websocket", f
        )

    def teardown_websocket(self, f: F) -> F:
        """Run ``f(exc)`` when each WebSocket connection ends, however it ends.

        Example::

            @app.teardown_websocket
            def leave(exc):
                rooms.discard(g.member)
        """
        return self._add_websocket_hook(
            self.teardown_websocket_funcs, "teardown_websocket", f
        )
