"""CSRF protection: signed tokens tied to the session, and :class:`CSRFProtect`.

A token is a random value kept in the session, signed with the app's secret
and a timestamp; a request proves it comes from the app's own page by sending
it back, in the form field ``csrf_token`` or an ``X-CSRFToken`` header.
Tokens are Flask-WTF's (same salt, same session key), so the sessions of an
app ported from Flask-WTF keep working.
"""

from __future__ import annotations

import hmac
import logging
import secrets
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar
from urllib.parse import urlsplit

from itsdangerous import BadData, SignatureExpired, URLSafeTimedSerializer
from wtforms import ValidationError
from wtforms.csrf.core import CSRF

from ..blueprints import Blueprint
from ..globals import current_app, g, request, session
from ..helpers import nonblocking
from ..http.exceptions import BadRequest

if TYPE_CHECKING:
    from ..app import Kolben

__all__ = ["CSRFError", "CSRFProtect", "generate_csrf", "validate_csrf"]

logger = logging.getLogger(__name__)
#: A view function, its name, or a blueprint.
V = TypeVar("V")

#: Flask-WTF's salt: a token signed by a Flask-WTF app validates here.
SALT = "wtf-csrf-token"
#: The config keys :meth:`CSRFProtect.init_app` sets when the app has none.
CONFIG_DEFAULTS: dict[str, Any] = {
    "WTF_CSRF_ENABLED": True,
    "WTF_CSRF_CHECK_DEFAULT": True,
    "WTF_CSRF_FIELD_NAME": "csrf_token",
    "WTF_CSRF_HEADERS": ["X-CSRFToken", "X-CSRF-Token"],
    "WTF_CSRF_TIME_LIMIT": 3600,
    "WTF_CSRF_SSL_STRICT": True,
    "WTF_CSRF_CHECK_BEARER": False,
}
DEFAULT_METHODS = ("POST", "PUT", "PATCH", "DELETE")
#: Schemes a browser sends by itself once the user has logged in with them.
_BROWSER_SCHEMES = frozenset({"basic", "digest", "negotiate", "ntlm"})


def _get_config(
    value: Any,
    key: str,
    default: Any = None,
    required: bool = True,
    message: str = "CSRF is not configured.",
) -> Any:
    """Return ``value``, else the app's ``key``, else ``default``."""
    if value is None:
        value = current_app.config.get(key, default)
    if required and value is None:
        raise RuntimeError(message)
    return value


def _secret_and_key(secret_key: Any, token_key: str | None) -> tuple[Any, str]:
    secret = _get_config(
        secret_key,
        "WTF_CSRF_SECRET_KEY",
        current_app.secret_key,
        message="A secret key is required to use CSRF: set SECRET_KEY (or"
        " WTF_CSRF_SECRET_KEY) in the app's config.",
    )
    field_name = _get_config(
        token_key,
        "WTF_CSRF_FIELD_NAME",
        "csrf_token",
        message="A field name is required to use CSRF.",
    )
    return secret, field_name


def generate_csrf(secret_key: Any = None, token_key: str | None = None) -> str:
    """Return the signed CSRF token of the current session.

    The token is made once per request: calling this again returns the same.
    The raw value lives in ``session[token_key]``, the signed token in
    ``g.csrf_token``. Templates call it as ``{{ csrf_token() }}``.

    :param secret_key: signs the token; ``WTF_CSRF_SECRET_KEY`` or
        ``SECRET_KEY`` by default.
    :param token_key: the session key of the raw value;
        ``WTF_CSRF_FIELD_NAME`` or ``"csrf_token"`` by default.
    """
    secret, field_name = _secret_and_key(secret_key, token_key)
    if field_name not in g:
        raw = session.get(field_name)
        if not isinstance(raw, str):
            # SECURITY: 160 bits from the OS's CSPRNG, shaped like Flask-WTF's.
            raw = session[field_name] = secrets.token_hex(20)
        serializer = URLSafeTimedSerializer(secret, salt=SALT)
        setattr(g, field_name, serializer.dumps(raw))
    token: str = g.get(field_name)
    return token


def validate_csrf(
    data: str | None,
    secret_key: Any = None,
    time_limit: int | None = None,
    token_key: str | None = None,
) -> None:
    """Check that ``data`` is a valid CSRF token of the current session.

    :param data: the signed token the client sent.
    :param secret_key: what signed it; ``WTF_CSRF_SECRET_KEY`` or ``SECRET_KEY``.
    :param time_limit: its lifetime in seconds; ``WTF_CSRF_TIME_LIMIT`` or
        3600 by default, ``None`` in the config for no limit.
    :param token_key: the session key of the raw value.
    :raises ValidationError: with the reason, when it is not.
    """
    secret, field_name = _secret_and_key(secret_key, token_key)
    if time_limit is None:
        time_limit = current_app.config.get("WTF_CSRF_TIME_LIMIT", 3600)
    if not data:
        raise ValidationError("The CSRF token is missing.")
    expected = session.get(field_name)
    if not isinstance(expected, str):
        raise ValidationError("The CSRF session token is missing.")
    serializer = URLSafeTimedSerializer(secret, salt=SALT)
    try:
        token = serializer.loads(data, max_age=time_limit)
    except SignatureExpired as e:
        raise ValidationError("The CSRF token has expired.") from e
    except BadData as e:
        raise ValidationError("The CSRF token is invalid.") from e
    # SECURITY: constant time, so the comparison leaks nothing of the value.
    if not isinstance(token, str) or not hmac.compare_digest(
        expected.encode(), token.encode()
    ):
        raise ValidationError("The CSRF tokens do not match.")


def sends_token_credentials_only() -> bool:
    """Tell whether the request authenticates with a bearer token, cookieless.

    Such a request cannot be forged by another site: a browser adds neither
    an ``Authorization: Bearer`` header nor the absence of the user's cookies
    to a cross-site form, and a script on another origin must pass CORS to
    set the header. So it is not subject to CSRF, unless
    ``WTF_CSRF_CHECK_BEARER`` asks for Flask-WTF's check of every request.
    The accepted schemes are ``Bearer`` and the JWT battery's
    ``JWT_HEADER_TYPE``; ``Basic`` and ``Digest``, which browsers send by
    themselves, never are.
    """
    if current_app.config.get("WTF_CSRF_CHECK_BEARER", False):
        return False
    headers = request.headers
    if "Cookie" in headers:
        return False
    value = headers.get("Authorization", "").strip()
    if not value:
        return False
    scheme, _, credentials = value.partition(" ")
    header_type = str(current_app.config.get("JWT_HEADER_TYPE", "Bearer")).lower()
    if not credentials.strip():
        # JWT_HEADER_TYPE = "" sends the token alone, with no scheme.
        return header_type == ""
    scheme = scheme.lower()
    if scheme in _BROWSER_SCHEMES:
        return False
    return scheme == "bearer" or scheme == header_type


class _KolbenFormCSRF(CSRF):
    """The CSRF implementation of :class:`~kolben.forms.KolbenForm`."""

    def setup_form(self, form: Any) -> Any:
        self.meta = form.meta
        return super().setup_form(form)

    def generate_csrf_token(self, csrf_token_field: Any) -> str:
        return generate_csrf(
            secret_key=self.meta.csrf_secret, token_key=self.meta.csrf_field_name
        )

    def validate_csrf_token(self, form: Any, field: Any) -> None:
        if g.get("csrf_valid", False) or sends_token_credentials_only():
            return
        try:
            validate_csrf(
                field.data,
                self.meta.csrf_secret,
                self.meta.csrf_time_limit,
                self.meta.csrf_field_name,
            )
        except ValidationError as e:
            logger.info(e.args[0])
            raise


class CSRFError(BadRequest):
    """400: the request's CSRF token is missing, invalid or expired.

    The description says why. Handle it to answer your own way::

        @app.errorhandler(CSRFError)
        def csrf_error(e):
            return render_template("csrf_error.html", reason=e.description), 400
    """

    description = "CSRF validation failed."


def same_origin(current_uri: str, compare_uri: str) -> bool:
    """Tell whether two URLs have the same scheme, host and port.

    :param current_uri: a URL, such as the ``Referer``.
    :param compare_uri: the URL to compare it with.
    """
    try:
        current, compare = urlsplit(current_uri), urlsplit(compare_uri)
        return (
            current.scheme == compare.scheme
            and current.hostname == compare.hostname
            and current.port == compare.port
        )
    except ValueError:  # a port out of range or a malformed host
        return False


class CSRFProtect:
    """Check the CSRF token of every POST, PUT, PATCH and DELETE of an app.

    Example::

        csrf = CSRFProtect(app)

        @app.post("/webhook")
        @csrf.exempt
        def webhook():
            ...

    The token comes from the form field ``csrf_token`` (``{{ csrf_token() }}``
    or ``form.hidden_tag()`` in templates) or the ``X-CSRFToken`` header of
    JavaScript clients. A failed check raises :class:`CSRFError`, a 400.

    :param app: the app to set up now; or call :meth:`init_app` later.
    """

    def __init__(self, app: Kolben | None = None) -> None:
        """Take the app, or call :meth:`init_app` later."""
        self._exempt_views: set[str] = set()
        self._exempt_blueprints: set[Blueprint] = set()
        if app is not None:
            self.init_app(app)

    def init_app(self, app: Kolben) -> None:
        """Set up ``app``: config defaults, the check, ``csrf_token()``, macros.

        The protector becomes ``app.extensions["csrf"]``.

        :param app: the app.
        """
        app.extensions["csrf"] = self
        for key, value in CONFIG_DEFAULTS.items():
            app.config.setdefault(key, value)
        app.config["WTF_CSRF_METHODS"] = set(
            app.config.get("WTF_CSRF_METHODS", DEFAULT_METHODS)
        )
        # Globals as well as a context processor: a macro imported without
        # context still finds csrf_token().
        app.jinja_env.globals["csrf_token"] = generate_csrf
        app.context_processor(_csrf_context)
        app.before_request(self._check_request)
        if "kolben_forms" not in app.blueprints:
            # The macro library kolben/forms.html, found after the app's own
            # templates, so an app can override it.
            templates = Blueprint(
                "kolben_forms", __name__, template_folder="templates", cli_group=None
            )
            app.register_blueprint(templates)

    @nonblocking
    def _check_request(self) -> None:
        # PERF: nonblocking, so an async view under ASGI takes no thread hop
        # for it. It reads headers and config, signs and compares; the body
        # (request.form) is already received under ASGI.
        config = current_app.config
        if config["WTF_CSRF_ENABLED"] and config["WTF_CSRF_CHECK_DEFAULT"]:
            self.protect(apply_exemptions=True)

    def protect(self, apply_exemptions: bool = False) -> None:
        """Check the current request's CSRF token; raise :class:`CSRFError`.

        Call it where ``WTF_CSRF_CHECK_DEFAULT = False`` leaves the check to
        the app::

            @app.before_request
            def check_csrf():
                if request.path.startswith("/admin/"):
                    csrf.protect()

        :param apply_exemptions: skip views and blueprints :meth:`exempt` names.
        """
        if apply_exemptions and (not request.endpoint or self._is_exempt()):
            return
        if request.method not in current_app.config["WTF_CSRF_METHODS"]:
            return
        if sends_token_credentials_only():
            g.csrf_valid = True
            return
        try:
            validate_csrf(self._get_csrf_token())
        except ValidationError as e:
            logger.info(e.args[0])
            self._error_response(e.args[0])
        if request.is_secure and current_app.config["WTF_CSRF_SSL_STRICT"]:
            self._check_referrer()
        g.csrf_valid = True

    def _check_referrer(self) -> None:
        # SECURITY: over HTTPS a man in the middle cannot forge the Referer,
        # so a request from another origin is refused even with a token.
        referrer = request.referrer
        if not referrer:
            self._error_response("The referrer header is missing.")
        if not same_origin(referrer, f"https://{request.host}/"):
            self._error_response("The referrer does not match the host.")

    def _get_csrf_token(self) -> str | None:
        field_name = current_app.config["WTF_CSRF_FIELD_NAME"]
        form = request.form
        token = form.get(field_name)
        if token:
            return token
        # A form with a prefix names it "<prefix>-csrf_token".
        for key in form:
            if key.endswith(field_name) and form[key]:
                return form[key]
        for header in current_app.config["WTF_CSRF_HEADERS"]:
            token = request.headers.get(header)
            if token:
                return token
        return None

    def _is_exempt(self) -> bool:
        name = request.blueprint
        while name:
            # A nested blueprint is exempt when a parent is.
            if current_app.blueprints.get(name) in self._exempt_blueprints:
                return True
            name = name.rpartition(".")[0]
        view = current_app.view_functions.get(request.endpoint or "")
        if view is None:
            return False
        return f"{view.__module__}.{view.__name__}" in self._exempt_views

    def exempt(self, view: V) -> V:
        """Leave a view, or every view of a blueprint, unchecked.

        Example::

            @app.post("/hooks/payment")
            @csrf.exempt
            def payment_hook():
                ...

            csrf.exempt(api_blueprint)

        :param view: a view function, its ``"module.name"``, or a blueprint
            (its nested blueprints are exempt too).
        """
        if isinstance(view, Blueprint):
            self._exempt_blueprints.add(view)
        elif isinstance(view, str):
            self._exempt_views.add(view)
        else:
            self._exempt_views.add(f"{view.__module__}.{view.__name__}")  # type: ignore[attr-defined]
        return view

    def _error_response(self, reason: str) -> NoReturn:
        raise CSRFError(reason)


def _csrf_context() -> dict[str, Any]:
    return {"csrf_token": generate_csrf}
