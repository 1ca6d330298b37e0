"""``CORS(app)``: Flask-CORS's extension, for an app or a blueprint."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from ..globals import current_app, request
from ..helpers import nonblocking
from .core import (
    ACL_ORIGIN,
    LOG,
    CORSOptions,
    Pattern,
    check_credentials,
    compile_pattern,
    is_preflight,
    merge_options,
    probably_regex,
    re_fix,
    serialize_options,
    set_cors_headers,
)

Resources = list[tuple[Pattern, CORSOptions]]


def parse_resources(resources: Any) -> list[tuple[Pattern, dict[str, Any]]]:
    """Return ``(path pattern, options)`` pairs, the most specific first.

    Literal paths come first, then patterns with more ``/`` and longer ones,
    as Flask-CORS 6 orders them.

    :param resources: a pattern, a list of them, or a dict of pattern to options.
    :raises ValueError: ``resources`` is none of those.
    """
    if isinstance(resources, Mapping):
        pairs = [(re_fix(k), dict(v)) for k, v in resources.items()]

        def specificity(pair: tuple[Pattern, Any]) -> tuple[int, int, int]:
            pattern = pair[0]
            text = pattern.pattern if isinstance(pattern, re.Pattern) else pattern
            return (int(probably_regex(pattern)), -text.count("/"), -len(text))

        pairs.sort(key=specificity)
    elif isinstance(resources, (str, re.Pattern)):
        pairs = [(re_fix(resources), {})]
    elif isinstance(resources, Iterable):
        pairs = [(re_fix(r), {}) for r in resources]
    else:
        raise ValueError(
            "CORS resources are a path pattern, a list of them, or a dict of"
            f" pattern to options; got {resources!r}."
        )
    # Paths are matched case-sensitively.
    return [(compile_pattern(p, ignore_case=False), o) for p, o in pairs]


class CORS:
    """Add CORS headers to an app's (or a blueprint's) responses: Flask-CORS.

    Example::

        cors = CORS(app, resources={r"/api/*": {"origins": "https://example.com"}})

    Options are taken from, last winning: the defaults, the ``CORS_*``
    settings, the keyword arguments here and to :meth:`init_app`, and the
    options of the resource that matches the path. A preflight ``OPTIONS``
    request to a matched route is answered without running its view.

    :param app: the app or blueprint, or ``None`` to call :meth:`init_app`
        later.
    :param kwargs: ``resources``, ``origins``, ``methods``, ``allow_headers``,
        ``expose_headers``, ``supports_credentials``, ``max_age``,
        ``send_wildcard``, ``vary_header``, ``automatic_options``,
        ``always_send``, ``intercept_exceptions``, ``allow_private_network``.
    """

    def __init__(self, app: Any = None, **kwargs: Any) -> None:
        """Take the app (or call :meth:`init_app` later) and CORS options."""
        self._options = kwargs
        if app is not None:
            self.init_app(app, **kwargs)

    def init_app(self, app: Any, **kwargs: Any) -> None:
        """Register the CORS hooks on ``app`` (an app or a blueprint).

        :param app: the app or blueprint.
        :param kwargs: options, over those given to the constructor.
        :raises ValueError: bad options, or credentials for every origin
            with ``CORS_STRICT_CREDENTIALS``.
        """
        # A blueprint has no config of its own, as in Flask-CORS.
        config: Mapping[str, Any] = getattr(app, "config", {})
        merged = merge_options(config, self._options, kwargs)
        resources: Resources = []
        for pattern, opts in parse_resources(merged.get("resources", r"/*")):
            options = serialize_options(
                merge_options(config, self._options, kwargs, opts), config
            )
            text = pattern.pattern if isinstance(pattern, re.Pattern) else pattern
            check_credentials(options, config, f"the resource {text!r}")
            resources.append((pattern, options))
        LOG.debug("Configured CORS for the resources %s", resources)
        app.before_request(make_preflight_function(resources))
        app.after_request(make_after_request_function(resources))
        extensions = getattr(app, "extensions", None)
        if extensions is not None:
            extensions.setdefault("cors", []).append(self)


def _options_for(resources: Resources, path: str) -> CORSOptions | None:
    for pattern, options in resources:
        if isinstance(pattern, re.Pattern):
            if pattern.match(path):
                return options
        elif path == pattern:
            return options
    return None


def make_preflight_function(resources: Resources) -> Callable[[], Any]:
    """Return the before-request hook that answers preflights itself.

    A preflight to a matched route with ``automatic_options`` gets the
    automatic ``OPTIONS`` answer (the ``after_request`` hook adds the CORS
    headers); its view never runs. Unrouted paths get their 404 or 405.
    """

    # PERF: no I/O, so it runs on the event loop under ASGI.
    @nonblocking
    def cors_preflight() -> Any:
        if not is_preflight(request) or request.routing_exception is not None:
            return None
        options = _options_for(resources, request.path)
        if options is None or not options.automatic_options:
            return None
        return current_app.make_default_options_response()

    return cors_preflight


def make_after_request_function(resources: Resources) -> Callable[[Any], Any]:
    """Return the after-request hook that adds the headers of the matched resource."""

    # PERF: no I/O, so it runs on the event loop under ASGI.
    @nonblocking
    def cors_after_request(response: Any) -> Any:
        if ACL_ORIGIN in response.headers:
            # A decorated view (or the view itself) answered for CORS.
            return response
        options = _options_for(resources, request.path)
        if options is not None:
            set_cors_headers(response, options, request)
        return response

    return cors_after_request
