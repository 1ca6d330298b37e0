r"""``safe_next_url``: follow ``?next=`` only to this site.

A login view that redirects to whatever ``next`` says is an open redirect:
a link to ``/login?next=https://evil.example`` sends users, just logged in,
to a look-alike site. Browsers are generous in what they take as a URL to
another host (``//host``, ``/\host``, ``https:host``, tabs and newlines
dropped anywhere), so the check allows a narrow, plain form and refuses the
rest.
"""

from __future__ import annotations

import unicodedata
from urllib.parse import urlsplit

from ..globals import current_app, request, session


def is_safe_next_url(target: str) -> bool:
    """Return whether redirecting to ``target`` stays on the current site.

    Allowed: a path from the root (``/account?tab=1``), or an ``http`` or
    ``https`` URL to the host of the request (or ``FORCE_HOST_FOR_REDIRECTS``).

    :param target: the URL, as the client sent it.
    """
    # SECURITY: browsers drop tabs and newlines inside URLs, strip leading
    # controls and spaces, and read "\" as "/" ("/\evil" is "//evil");
    # invisible format characters hide any of it from a reviewing eye.
    if not target or "\\" in target:
        return False
    if any(unicodedata.category(c)[0] in "CZ" for c in target):
        return False
    try:
        parts = urlsplit(target)
    except ValueError:  # an unbalanced "[" in the host
        return False
    if not parts.scheme and not parts.netloc:
        # A path from the root; "//host" and "///host" have a netloc or
        # begin like one.
        return target.startswith("/") and not target.startswith("//")
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return False  # javascript:, data:, and "https:evil" (a host to browsers)
    host = current_app.config.get("FORCE_HOST_FOR_REDIRECTS") or request.host
    return parts.netloc.lower() == str(host).lower()


def safe_next_url(default: str | None = None, *, target: str | None = None) -> str:
    """Return where a login view should send the user: ``next``, if safe.

    ``next`` is read from the query string or the form (as
    ``login_required``'s redirect puts it), or from the session when
    ``USE_SESSION_FOR_NEXT`` is set. A target that leaves the site gives
    ``default``.

    Example::

        @app.route("/login", methods=["GET", "POST"])
        def login():
            if form.validate_on_submit():
                login_user(user)
                return redirect(safe_next_url(url_for("index")))
            return render_template("login.html", form=form)

    :param default: where to go otherwise; the app's root by default.
    :param target: the URL to check instead of the request's ``next``.
    """
    if target is None:
        target = request.args.get("next") or request.form.get("next")
        if target is None and current_app.config.get("USE_SESSION_FOR_NEXT"):
            target = session.pop("next", None) if "next" in session else None
    if isinstance(target, str) and is_safe_next_url(target):
        return target
    if default is not None:
        return default
    return (request.script_root or "") + "/"
