"""Google reCAPTCHA v2 in a form: Flask-WTF's ``RecaptchaField``.

Example::

    app.config["RECAPTCHA_PUBLIC_KEY"] = "..."
    app.config["RECAPTCHA_PRIVATE_KEY"] = "..."

    class SignupForm(KolbenForm):
        email = EmailField(validators=[DataRequired()])
        recaptcha = RecaptchaField()

The field renders Google's widget; its validator asks
``RECAPTCHA_VERIFY_SERVER`` whether the response the widget posted is good.
In testing mode (``TESTING``) it passes without asking. The check is a
blocking HTTP call: in an ``async def`` view, use
``await form.validate_on_submit_async()``.
"""

from __future__ import annotations

from .fields import RecaptchaField as RecaptchaField
from .validators import Recaptcha as Recaptcha
from .widgets import RecaptchaWidget as RecaptchaWidget

__all__ = ["Recaptcha", "RecaptchaField", "RecaptchaWidget"]
