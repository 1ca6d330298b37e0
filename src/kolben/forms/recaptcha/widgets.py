"""The reCAPTCHA widget: Google's script and its ``<div>``."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from markupsafe import Markup, escape

from ...globals import current_app

__all__ = ["RecaptchaWidget"]

RECAPTCHA_SCRIPT_DEFAULT = "https://www.google.com/recaptcha/api.js"
RECAPTCHA_DIV_CLASS_DEFAULT = "g-recaptcha"


class RecaptchaWidget:
    """Render the reCAPTCHA script and widget from the app's config.

    ``RECAPTCHA_PUBLIC_KEY`` is the site key. ``RECAPTCHA_HTML`` replaces the
    whole snippet; ``RECAPTCHA_SCRIPT``, ``RECAPTCHA_PARAMETERS`` (its query),
    ``RECAPTCHA_DIV_CLASS`` and ``RECAPTCHA_DATA_ATTRS`` (``data-*``) change
    parts of it; ``RECAPTCHA_DISABLE`` renders a comment instead.
    """

    def recaptcha_html(self, public_key: str) -> Markup:
        """Return the script and ``<div>`` for the site key ``public_key``.

        :param public_key: the reCAPTCHA site key.
        """
        config = current_app.config
        html = config.get("RECAPTCHA_HTML")
        if html:
            return Markup(html)
        script = config.get("RECAPTCHA_SCRIPT") or RECAPTCHA_SCRIPT_DEFAULT
        params = config.get("RECAPTCHA_PARAMETERS")
        if params:
            script += "?" + urlencode(params)
        attrs = {**config.get("RECAPTCHA_DATA_ATTRS", {}), "sitekey": public_key}
        data = " ".join(f'data-{k}="{escape(v)}"' for k, v in attrs.items())
        div_class = config.get("RECAPTCHA_DIV_CLASS") or RECAPTCHA_DIV_CLASS_DEFAULT
        return Markup(
            f'\n<script src="{escape(script)}" async defer></script>\n'
            f'<div class="{escape(div_class)}" {data}></div>\n'
        )

    def __call__(self, field: Any, error: Any = None, **kwargs: Any) -> Markup:
        """Render the widget for ``field``."""
        if current_app.config.get("RECAPTCHA_DISABLE", False):
            return Markup("<!-- recaptcha disabled -->")
        try:
            public_key = current_app.config["RECAPTCHA_PUBLIC_KEY"]
        except KeyError:
            raise RuntimeError(
                "RecaptchaField needs RECAPTCHA_PUBLIC_KEY, the site key, in the"
                " app's config."
            ) from None
        return self.recaptcha_html(public_key)
