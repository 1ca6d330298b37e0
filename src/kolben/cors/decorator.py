"""``@cross_origin(...)``: Flask-CORS's decorator for one view."""

from __future__ import annotations

import functools
import inspect
import weakref
from collections.abc import Callable
from typing import Any, TypeVar

from ..globals import current_app, request
from ..helpers import make_response
from .core import (
    FLASK_CORS_EVALUATED,
    CORSOptions,
    check_credentials,
    merge_options,
    serialize_options,
    set_cors_headers,
)

F = TypeVar("F", bound=Callable[..., Any])


def cross_origin(**kwargs: Any) -> Callable[[F], F]:
    """Allow cross-origin requests to one view, with Flask-CORS's options.

    Example::

        @app.route("/api/items", methods=["GET", "POST"])
        @cross_origin(origins=["https://example.com"], max_age=600)
        def items():
            ...

    With ``automatic_options`` (the default) the view answers ``OPTIONS``
    itself: a preflight gets the allowed methods and the CORS headers, and
    the view's code does not run. Async views stay async.

    :param kwargs: the options of :class:`~kolben.cors.CORS`, but
        ``resources`` and ``intercept_exceptions``.
    """

    def decorator(f: F) -> F:
        # Resolved once per app, at the view's first request there: the
        # CORS_* settings of that app take part.
        resolved: weakref.WeakKeyDictionary[Any, CORSOptions]
        resolved = weakref.WeakKeyDictionary()

        def options() -> CORSOptions:
            app = current_app._get_current_object()
            found = resolved.get(app)
            if found is None:
                config = app.config
                found = serialize_options(merge_options(config, kwargs), config)
                check_credentials(found, config, f"the view {f.__name__!r}")
                resolved[app] = found
            return found

        def answer(rv: Any, opts: CORSOptions) -> Any:
            response = make_response(rv)
            set_cors_headers(response, opts, request)
            setattr(response, FLASK_CORS_EVALUATED, True)
            return response

        if kwargs.get("automatic_options", True):
            view: Any = f
            view.required_methods = {*getattr(f, "required_methods", ()), "OPTIONS"}
            view.provide_automatic_options = False

        if inspect.iscoroutinefunction(f):

            @functools.wraps(f)
            async def async_wrapper(*args: Any, **kw: Any) -> Any:
                opts = options()
                if opts.automatic_options and request.method == "OPTIONS":
                    return answer(current_app.make_default_options_response(), opts)
                return answer(await f(*args, **kw), opts)

            return async_wrapper  # type: ignore[return-value]

        @functools.wraps(f)
        def wrapper(*args: Any, **kw: Any) -> Any:
            opts = options()
            if opts.automatic_options and request.method == "OPTIONS":
                return answer(current_app.make_default_options_response(), opts)
            return answer(f(*args, **kw), opts)

        return wrapper  # type: ignore[return-value]

    return decorator
