"""The reCAPTCHA field."""

from __future__ import annotations

from typing import Any

from wtforms.fields import Field

from . import widgets
from .validators import Recaptcha

__all__ = ["RecaptchaField"]


class RecaptchaField(Field):
    """A field that renders the reCAPTCHA widget and checks its answer.

    :param label: the field's label; none by default.
    :param validators: :class:`Recaptcha` unless given.
    :param kwargs: as for any WTForms field.
    """

    widget = widgets.RecaptchaWidget()
    #: The error code of a failed check (``"incorrect-captcha-sol"``).
    recaptcha_error: str | None = None

    def __init__(self, label: str = "", validators: Any = None, **kwargs: Any) -> None:
        """Take the label and validators; ``Recaptcha()`` is the default."""
        validators = validators or [Recaptcha()]
        super().__init__(label, validators, **kwargs)
