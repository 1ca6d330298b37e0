"""Forms and CSRF protection: Flask-WTF 1.2's API on WTForms 3, built in.

A port from Flask-WTF is an import change::

    from kolben.forms import KolbenForm, CSRFProtect
    from wtforms import StringField
    from wtforms.validators import DataRequired

    csrf = CSRFProtect(app)

    class PostForm(KolbenForm):
        title = StringField("Title", validators=[DataRequired()])

    @app.route("/new", methods=["GET", "POST"])
    def new():
        form = PostForm()
        if form.validate_on_submit():
            ...

Submodules keep Flask-WTF's names: :mod:`kolben.forms.form`,
:mod:`~kolben.forms.csrf`, :mod:`~kolben.forms.file`,
:mod:`~kolben.forms.recaptcha` and :mod:`~kolben.forms.i18n`; ``FlaskForm``
is ``KolbenForm``. ``CSRFProtect`` also makes the macros in the template
``kolben/forms.html`` available to the app.

Where kolben is stricter or differs (a request that carries a bearer token
and no cookie is not checked; messages follow ``Accept-Language``), a config
key restores Flask-WTF's behaviour; see docs/coming-from-flask.md.

**Meeting point with the JWT battery.** The bearer rule reads the
``JWT_HEADER_TYPE`` key that ``kolben.jwt`` defines; it imports nothing of it.
"""

from __future__ import annotations

from ._require import require_wtforms

require_wtforms()

from wtforms import Form as Form  # noqa: E402

from .csrf import CSRFError as CSRFError  # noqa: E402
from .csrf import CSRFProtect as CSRFProtect  # noqa: E402
from .csrf import generate_csrf as generate_csrf  # noqa: E402
from .csrf import validate_csrf as validate_csrf  # noqa: E402
from .form import FlaskForm as FlaskForm  # noqa: E402
from .form import KolbenForm as KolbenForm  # noqa: E402
from .recaptcha import Recaptcha as Recaptcha  # noqa: E402
from .recaptcha import RecaptchaField as RecaptchaField  # noqa: E402
from .recaptcha import RecaptchaWidget as RecaptchaWidget  # noqa: E402

__all__ = [
    "CSRFError",
    "CSRFProtect",
    "FlaskForm",
    "Form",
    "KolbenForm",
    "Recaptcha",
    "RecaptchaField",
    "RecaptchaWidget",
    "generate_csrf",
    "validate_csrf",
]
