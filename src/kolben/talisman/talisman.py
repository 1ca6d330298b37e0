"""``Talisman(app)``: Flask-Talisman's security headers, HTTPS and cookie settings."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from ..globals import current_app, request
from ..helpers import nonblocking, redirect

DENY = "DENY"
SAMEORIGIN = "SAMEORIGIN"
ALLOW_FROM = "ALLOW-FROM"
ONE_YEAR_IN_SECS = 31556926
DEFAULT_REFERRER_POLICY = "strict-origin-when-cross-origin"
DEFAULT_CSP_POLICY = {"default-src": "'self'", "object-src": "'none'"}
DEFAULT_SESSION_COOKIE_SAMESITE = "Lax"
GOOGLE_CSP_POLICY = {
    "font-src": "'self' themes.googleusercontent.com *.gstatic.com",
    "frame-src": "'self' www.google.com www.youtube.com",
    "script-src": "'self' ajax.googleapis.com *.googleanalytics.com"
    " *.google-analytics.com",
    "style-src": "'self' ajax.googleapis.com fonts.googleapis.com *.gstatic.com",
    "object-src": "'none'",
    "default-src": "'self' *.gstatic.com",
}
DEFAULT_PERMISSIONS_POLICY = {"browsing-topics": "()"}
DEFAULT_DOCUMENT_POLICY: dict[str, str] = {}
DEFAULT_FEATURE_POLICY: dict[str, str] = {}
NONCE_LENGTH = 32

#: The options a view may set with ``@talisman(...)``.
VIEW_OPTIONS = (
    "force_https",
    "frame_options",
    "frame_options_allow_from",
    "content_security_policy",
    "content_security_policy_nonce_in",
    "permissions_policy",
    "document_policy",
    "feature_policy",
)
F = TypeVar("F", bound=Callable[..., Any])
Policy = str | Mapping[str, Any] | None


def get_random_string(length: int) -> str:
    """Return ``length`` URL-safe random characters, for a nonce."""
    return secrets.token_urlsafe(length)[:length]


def parse_policy(policy: Policy, nonce: str | None, nonce_in: Any) -> str:
    """Return a CSP-style policy (``a x; b y``), with the nonce where asked."""
    if not policy:
        return ""
    if isinstance(policy, str):
        sections: dict[str, Any] = {}
        for part in policy.split(";"):
            name, _, content = part.strip().partition(" ")
            sections[name] = content
        policy = sections
    parts = []
    for section, content in policy.items():
        if not isinstance(content, str):
            content = " ".join(content)
        part = f"{section} {content}"
        if nonce and section in nonce_in:
            part += f" 'nonce-{nonce}'"
        parts.append(part)
    return "; ".join(parts)


def parse_structured_policy(policy: Policy) -> str:
    """Return a structured-header policy (``a=x, b=y``)."""
    if not policy:
        return ""
    if isinstance(policy, str):
        return policy
    return ", ".join(f"{section}={content}" for section, content in policy.items())


class Talisman:
    """Set security headers, force HTTPS and secure cookies: Flask-Talisman.

    Example::

        talisman = Talisman(app, content_security_policy_nonce_in=["script-src"])

        @app.route("/embeddable")
        @talisman(frame_options=ALLOW_FROM, frame_options_allow_from="*")
        def embeddable():
            ...

    In templates, ``<script nonce="{{ csp_nonce() }}">`` gets this request's
    nonce. SECURITY: HTTPS is judged by ``request.is_secure``, which
    ``ProxyFix`` (or ``PROXY_FIX``) sets from trusted proxies; a client's own
    ``X-Forwarded-Proto`` counts only with ``TALISMAN_TRUST_X_FORWARDED_PROTO``.

    :param app: the app, or ``None`` to call :meth:`init_app` later.
    :param kwargs: the options of :meth:`init_app`.
    """

    def __init__(self, app: Any = None, **kwargs: Any) -> None:
        """Take the app (or call :meth:`init_app` later) and options."""
        self._view_options: dict[Any, dict[str, Any]] = {}
        if app is not None:
            self.init_app(app, **kwargs)

    def init_app(
        self,
        app: Any,
        feature_policy: Policy = DEFAULT_FEATURE_POLICY,
        permissions_policy: Policy = DEFAULT_PERMISSIONS_POLICY,
        document_policy: Policy = DEFAULT_DOCUMENT_POLICY,
        force_https: bool = True,
        force_https_permanent: bool = False,
        force_file_save: bool = False,
        frame_options: str | None = SAMEORIGIN,
        frame_options_allow_from: str | None = None,
        strict_transport_security: bool = True,
        strict_transport_security_preload: bool = False,
        strict_transport_security_max_age: int = ONE_YEAR_IN_SECS,
        strict_transport_security_include_subdomains: bool = True,
        content_security_policy: Policy = DEFAULT_CSP_POLICY,
        content_security_policy_report_uri: str | None = None,
        content_security_policy_report_only: bool = False,
        content_security_policy_nonce_in: list[str] | None = None,
        referrer_policy: str = DEFAULT_REFERRER_POLICY,
        session_cookie_secure: bool = True,
        session_cookie_http_only: bool = True,
        session_cookie_samesite: str | None = DEFAULT_SESSION_COOKIE_SAMESITE,
        x_content_type_options: bool = True,
        x_xss_protection: bool = False,
    ) -> None:
        """Register the hooks on ``app``; the arguments are Flask-Talisman's.

        :raises ValueError: ``content_security_policy_report_only`` without
            ``content_security_policy_report_uri``.
        """
        if (
            content_security_policy_report_only
            and not content_security_policy_report_uri
        ):
            raise ValueError(
                "Setting content_security_policy_report_only to True also requires"
                " a URI in content_security_policy_report_uri."
            )
        self.defaults: dict[str, Any] = {
            "force_https": force_https,
            "frame_options": frame_options,
            "frame_options_allow_from": frame_options_allow_from,
            "content_security_policy": content_security_policy,
            "content_security_policy_nonce_in": content_security_policy_nonce_in or [],
            "permissions_policy": permissions_policy,
            "document_policy": document_policy,
            "feature_policy": feature_policy,
        }
        self.force_https_permanent = force_https_permanent
        self.force_file_save = force_file_save
        self.strict_transport_security = strict_transport_security
        hsts = f"max-age={strict_transport_security_max_age}"
        if strict_transport_security_include_subdomains:
            hsts += "; includeSubDomains"
        if strict_transport_security_preload:
            hsts += "; preload"
        self.hsts = hsts
        self.content_security_policy_report_uri = content_security_policy_report_uri
        self.csp_header = "Content-Security-Policy" + (
            "-Report-Only" if content_security_policy_report_only else ""
        )
        self.referrer_policy = referrer_policy
        self.session_cookie_secure = session_cookie_secure
        self.x_content_type_options = x_content_type_options
        self.x_xss_protection = x_xss_protection
        self.app = app
        app.config.setdefault("TALISMAN_TRUST_X_FORWARDED_PROTO", False)
        app.config["SESSION_COOKIE_SAMESITE"] = session_cookie_samesite
        if session_cookie_http_only:
            app.config["SESSION_COOKIE_HTTPONLY"] = True
        app.jinja_env.globals["csp_nonce"] = self._get_nonce
        app.before_request(nonblocking(self._force_https))
        app.before_request(nonblocking(self._make_nonce))
        app.after_request(nonblocking(self._set_response_headers))
        app.extensions["talisman"] = self

    def __call__(self, **kwargs: Any) -> Callable[[F], F]:
        """Override options for one view: ``@talisman(frame_options=DENY)``.

        :param kwargs: any of ``force_https``, ``frame_options``,
            ``frame_options_allow_from``, ``content_security_policy``,
            ``content_security_policy_nonce_in``, ``permissions_policy``,
            ``document_policy`` and ``feature_policy``.
        :raises TypeError: another option, which only the app sets.
        """
        unknown = set(kwargs) - set(VIEW_OPTIONS)
        if unknown:
            raise TypeError(
                f"@talisman() sets only {', '.join(VIEW_OPTIONS)}; not"
                f" {', '.join(sorted(unknown))}, which Talisman(app) sets."
            )

        def decorator(f: F) -> F:
            f.talisman_view_options = kwargs  # type: ignore[attr-defined]
            return f

        return decorator

    def _local_options(self) -> dict[str, Any]:
        """Return the options of this request's view over the app's."""
        view = current_app.view_functions.get(request.endpoint or "")
        # PERF: merged once per view, never written into the view's own dict.
        found = self._view_options.get(view)
        if found is None:
            found = {**self.defaults, **getattr(view, "talisman_view_options", {})}
            self._view_options[view] = found
        return found

    def _is_https(self) -> bool:
        if request.is_secure:
            return True
        # SECURITY: any client can send X-Forwarded-Proto; only a setting
        # (Flask-Talisman's behaviour) lets it count.
        return bool(
            self.app.config["TALISMAN_TRUST_X_FORWARDED_PROTO"]
            and request.headers.get("X-Forwarded-Proto", "http") == "https"
        )

    def _force_https(self) -> Any:
        """Redirect plain-HTTP requests to HTTPS, except in debug mode."""
        app = self.app
        if self.session_cookie_secure and not app.debug:
            app.config["SESSION_COOKIE_SECURE"] = True
        if not self._local_options()["force_https"] or app.debug or self._is_https():
            return None
        url = request.url
        if url.startswith("http://"):
            code = 301 if self.force_https_permanent else 302
            return redirect("https://" + url[len("http://") :], code=code)
        return None

    def _make_nonce(self) -> None:
        options = self._local_options()
        if (
            options["content_security_policy"]
            and options["content_security_policy_nonce_in"]
            and not getattr(request, "csp_nonce", None)
        ):
            request.csp_nonce = get_random_string(NONCE_LENGTH)  # type: ignore[attr-defined]

    def _get_nonce(self) -> str:
        return str(getattr(request, "csp_nonce", ""))

    def _set_response_headers(self, response: Any) -> Any:
        """Set every configured header on ``response``."""
        options = self._local_options()
        headers = response.headers
        nonce = getattr(request, "csp_nonce", None)
        nonce_in = options["content_security_policy_nonce_in"]
        if options["feature_policy"]:
            headers["Feature-Policy"] = parse_policy(
                options["feature_policy"], None, ()
            )
        for name, key in (
            ("Permissions-Policy", "permissions_policy"),
            ("Document-Policy", "document_policy"),
        ):
            if options[key]:
                headers[name] = parse_structured_policy(options[key])
        frame = options["frame_options"]
        if frame:
            if frame == ALLOW_FROM:
                frame = f"{frame} {options['frame_options_allow_from']}"
            headers["X-Frame-Options"] = frame
        if self.x_xss_protection:
            headers["X-XSS-Protection"] = "1; mode=block"
        if self.x_content_type_options:
            headers["X-Content-Type-Options"] = "nosniff"
        if self.force_file_save:
            headers["X-Download-Options"] = "noopen"
        if options["content_security_policy"]:
            policy = parse_policy(options["content_security_policy"], nonce, nonce_in)
            uri = self.content_security_policy_report_uri
            if uri and "report-uri" not in policy:
                policy += "; report-uri " + uri
            headers[self.csp_header] = policy
        if self.strict_transport_security and self._is_https():
            headers["Strict-Transport-Security"] = self.hsts
        headers["Referrer-Policy"] = self.referrer_policy
        return response
