"""Key functions for rate limits: Flask-Limiter's ``util`` module."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..globals import request


def get_remote_address() -> str:
    """Return the client's address, or ``127.0.0.1`` when there is none.

    Behind a proxy this is the proxy's address unless the app trusts its
    forwarding headers (``ProxyFix``); every client would then share one
    limit.
    """
    return request.remote_addr or "127.0.0.1"


def get_qualified_name(callable: Callable[..., Any]) -> str:
    """Return the name decorated limits of ``callable`` are registered under.

    :param callable: a view function, or a function a view calls.
    """
    return f"{callable.__module__}.{callable.__name__}.{callable.__qualname__}"
