"""Helpers views use: ``url_for``, ``redirect``, ``abort``, ``make_response``."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any, NoReturn

from ._concurrency import nonblocking as nonblocking
from ._envvars import getenv
from .files import send_file as send_file
from .files import send_from_directory as send_from_directory
from .globals import _app_ctx, _cv_app, _req_ctx
from .http.exceptions import Aborter, default_exceptions
from .http.urls import iri_to_uri
from .templating import get_template_attribute as get_template_attribute

if TYPE_CHECKING:
    from .response import Response

_aborter = Aborter(default_exceptions)

#: Values of ``KOLBEN_DEBUG`` and ``KOLBEN_SKIP_DOTENV`` that mean "no".
_FALSE_VALUES = ("0", "false", "no", "off")


def get_debug_flag() -> bool:
    """Return whether ``KOLBEN_DEBUG`` (or ``FLASK_DEBUG``) asks for debug mode.

    Unset, empty, ``0``, ``false``, ``no`` and ``off`` mean no.
    """
    value = getenv("DEBUG")
    return bool(value and value.lower() not in _FALSE_VALUES)


def get_load_dotenv(default: bool = True) -> bool:
    """Return whether to load the default env files ``.env`` and ``.kolbenenv``.

    ``KOLBEN_SKIP_DOTENV`` (or ``FLASK_SKIP_DOTENV``) set to a true value
    skips them; ``0``, ``false``, ``no`` and ``off`` do not.

    :param default: the answer when the variable is unset or empty.
    """
    value = getenv("SKIP_DOTENV")
    if not value:
        return default
    return value.lower() in _FALSE_VALUES


def url_for(
    endpoint: str,
    *,
    _anchor: str | None = None,
    _method: str | None = None,
    _scheme: str | None = None,
    _external: bool | None = None,
    **values: Any,
) -> str:
    """Build the URL of ``endpoint``.

    Values that are not rule variables become query arguments. Inside a
    blueprint, ``".index"`` names an endpoint of the same blueprint.

    Example::

        url_for("user", user_id=1, tab="posts")  # "/users/1?tab=posts"

    :param endpoint: the endpoint name.
    :param _anchor: a ``#fragment`` to append.
    :param _method: build the rule that allows this method.
    :param _scheme: the scheme of an external URL.
    :param _external: build an absolute URL with scheme and host.
    :param values: rule variables and query arguments.
    :raises BuildError: the endpoint does not exist or values are missing.
    """
    return _app_ctx().app.url_for(
        endpoint,
        _anchor=_anchor,
        _method=_method,
        _scheme=_scheme,
        _external=_external,
        **values,
    )


def redirect(
    location: str, code: int = 302, Response: type[Response] | None = None
) -> Response:  # noqa: N803
    """Return a response that redirects the client to ``location``.

    In an app context this is ``current_app.redirect(location, code)``, so an
    app can change how every redirect is made.

    Example::

        return redirect(url_for("index"))

    :param location: an absolute or relative URL; non-ASCII is encoded.
    :param code: the status code: 301, 302, 303, 307 or 308.
    :param Response: the response class, outside an app context.
    """
    ctx = _cv_app.get(None)
    if ctx is not None:
        return ctx.app.redirect(location, code=code)
    if Response is None:
        from .response import Response
    assert Response is not None
    return _redirect_response(location, code, Response)


def _redirect_response(
    location: str, code: int, response_class: type[Response]
) -> Response:
    """Make a redirect response with a short HTML page linking to ``location``."""
    from markupsafe import escape

    location = iri_to_uri(location)
    html_loc = escape(location)
    body = (
        "<!doctype html>\n<html lang=en>\n<title>Redirecting...</title>\n"
        "<h1>Redirecting...</h1>\n<p>You should be redirected automatically to the"
        f' target URL: <a href="{html_loc}">{html_loc}</a>. If not, click the link.\n'
    )
    return response_class(body, code, {"Location": location})


def abort(code: int | Response, *args: Any, **kwargs: Any) -> NoReturn:
    """Stop the request with an HTTP error, or with a response.

    In an app context this calls ``current_app.aborter``.

    Example::

        abort(404)
        abort(403, description="Admins only.")
        abort(make_response(jsonify(error="gone"), 410))

    :param code: a status code, or a response to send as it is.
    """
    ctx = _cv_app.get(None)
    if ctx is not None:
        ctx.app.aborter(code, *args, **kwargs)
    _aborter(code, *args, **kwargs)
    raise AssertionError("unreachable")  # pragma: no cover


def make_response(*args: Any) -> Response:
    """Turn view return values into a response, to change it before returning.

    Example::

        response = make_response(render_template("index.html"), 200)
        response.headers["X-Parachutes"] = "parachutes are cool"
        return response
    """
    app = _app_ctx().app
    if not args:
        return app.response_class()
    if len(args) == 1:
        args = args[0]
    return app.make_response(args)


def stream_with_context(
    generator_or_function: Iterator[Any] | Callable[..., Iterator[Any]],
) -> Any:
    """Keep the request context while a streamed response is generated.

    Without it, ``request`` is gone once the view has returned and the body
    starts streaming.

    Example::

        @app.route("/stream")
        def stream():
            def generate():
                yield "Hello "
                yield request.args["name"]
            return stream_with_context(generate())
    """
    if callable(generator_or_function) and not hasattr(
        generator_or_function, "__next__"
    ):
        func = generator_or_function

        def decorator(*args: Any, **kwargs: Any) -> Any:
            return stream_with_context(func(*args, **kwargs))

        return decorator
    ctx = _req_ctx()
    ctx._defer_teardown = True
    return _ContextStream(ctx, iter(generator_or_function))  # type: ignore[arg-type]


class _ContextStream:
    """Iterate a generator with a request context current at each step.

    Each step sets the context variable and resets it before yielding, so
    the steps may run in different threads (the ASGI thread pool) or after
    the request's own context was restored. Teardown runs when it ends.
    """

    def __init__(self, ctx: Any, iterator: Iterator[Any]) -> None:
        self._ctx = ctx
        self._iterator = iterator
        self._closed = False

    def __iter__(self) -> _ContextStream:
        return self

    def __next__(self) -> Any:
        token = _cv_app.set(self._ctx)
        try:
            return next(self._iterator)
        except BaseException as e:
            self._finish(e if not isinstance(e, StopIteration) else None)
            raise
        finally:
            _cv_app.reset(token)

    def close(self) -> None:
        """Close the generator and run the deferred teardown."""
        token = _cv_app.set(self._ctx)
        try:
            close = getattr(self._iterator, "close", None)
            if close is not None:
                close()
        finally:
            _cv_app.reset(token)
            self._finish(None)

    def _finish(self, exc: BaseException | None) -> None:
        if self._closed:
            return
        self._closed = True
        token = _cv_app.set(self._ctx)
        try:
            self._ctx.app._teardown(self._ctx, exc)
        finally:
            _cv_app.reset(token)


def get_root_path(import_name: str) -> str:
    """Return the folder of the module or package ``import_name``."""
    from ._scaffold import get_root_path as _get_root_path

    return _get_root_path(import_name)


def flash(message: str, category: str = "message") -> None:
    """Keep a message for the next request, which shows it once.

    Messages live in the session, so ``SECRET_KEY`` must be set.

    Example::

        flash("Your post was saved.")
        flash("Wrong password.", "error")

    :param message: the message.
    :param category: a category such as ``"message"``, ``"error"``, ``"info"``.
    """
    from .globals import session
    from .signals import message_flashed

    flashes = session.get("_flashes", [])
    flashes.append((category, message))
    session["_flashes"] = flashes
    ctx = _req_ctx()
    if message_flashed.receivers:
        message_flashed.send(
            ctx.app,
            _async_wrapper=ctx.app.ensure_sync,
            message=message,
            category=category,
        )


def get_flashed_messages(
    with_categories: bool = False, category_filter: Iterable[str] = ()
) -> list[str] | list[tuple[str, str]]:
    """Return the flashed messages, and remove them from the session.

    Within one request, every call returns the same messages.

    :param with_categories: return ``(category, message)`` pairs.
    :param category_filter: only messages of these categories.
    """
    ctx = _req_ctx()
    flashes: list[tuple[str, str]] | None = ctx.g.get("_kolben_flashes")
    if flashes is None:
        session = ctx.session
        # Only pop when there is something: popping marks the session changed.
        stored = session.pop("_flashes") if "_flashes" in session else []
        flashes = [(str(category), str(message)) for category, message in stored]
        ctx.g._kolben_flashes = flashes
    if category_filter:
        wanted = set(category_filter)
        flashes = [f for f in flashes if f[0] in wanted]
    if with_categories:
        return flashes
    return [message for _, message in flashes]
