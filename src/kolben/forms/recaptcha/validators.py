"""The reCAPTCHA check, through ``RECAPTCHA_VERIFY_SERVER``."""

from __future__ import annotations

import json
import logging
from typing import Any
from urllib import request as http
from urllib.error import URLError
from urllib.parse import urlencode

from wtforms import ValidationError

from ...globals import current_app, request

__all__ = ["Recaptcha"]

logger = logging.getLogger(__name__)

RECAPTCHA_VERIFY_SERVER_DEFAULT = "https://www.google.com/recaptcha/api/siteverify"
RECAPTCHA_ERROR_CODES = {
    "missing-input-secret": "The secret parameter is missing.",
    "invalid-input-secret": "The secret parameter is invalid or malformed.",
    "missing-input-response": "The response parameter is missing.",
    "invalid-input-response": "The response parameter is invalid or malformed.",
}
#: The field the widget posts its response in.
_FIELD = "g-recaptcha-response"
#: Seconds the verify server has to answer.
VERIFY_TIMEOUT = 10.0


class Recaptcha:
    """Validate the reCAPTCHA response the widget posted.

    It is the ``g-recaptcha-response`` form field (or JSON key). In testing
    mode every response passes.

    :param message: the error when the response is missing or wrong.
    """

    def __init__(self, message: str | None = None) -> None:
        """Take the message shown when the answer is refused."""
        if message is None:
            message = RECAPTCHA_ERROR_CODES["missing-input-response"]
        self.message = message

    def __call__(self, form: Any, field: Any) -> None:
        """Validate ``field``; ask the verify server."""
        if current_app.testing:
            return
        if request.is_json:
            data = request.get_json()
            response = data.get(_FIELD) if isinstance(data, dict) else None
        else:
            response = request.form.get(_FIELD)
        if not response:
            raise ValidationError(field.gettext(self.message))
        if not self._validate_recaptcha(str(response), request.remote_addr):
            field.recaptcha_error = "incorrect-captcha-sol"
            raise ValidationError(field.gettext(self.message))

    def _validate_recaptcha(self, response: str, remote_addr: str | None) -> bool:
        """Ask the verify server; ``True`` when it says the answer is right."""
        try:
            private_key = current_app.config["RECAPTCHA_PRIVATE_KEY"]
        except KeyError:
            raise RuntimeError(
                "RecaptchaField needs RECAPTCHA_PRIVATE_KEY, the secret key, in"
                " the app's config."
            ) from None
        server = current_app.config.get(
            "RECAPTCHA_VERIFY_SERVER", RECAPTCHA_VERIFY_SERVER_DEFAULT
        )
        body = urlencode(
            {"secret": private_key, "remoteip": remote_addr or "", "response": response}
        ).encode()
        try:
            with http.urlopen(server, body, timeout=VERIFY_TIMEOUT) as reply:
                result = json.loads(reply.read().decode("utf-8"))
        except (URLError, OSError, ValueError) as e:
            # The user cannot fix the verify server: say so, do not fail with 500.
            logger.warning("reCAPTCHA verify server %s failed: %s", server, e)
            raise ValidationError(
                "The reCAPTCHA could not be checked. Please try again."
            ) from e
        if isinstance(result, dict) and result.get("success") is True:
            return True
        codes = result.get("error-codes", []) if isinstance(result, dict) else []
        for code in codes:
            if code in RECAPTCHA_ERROR_CODES:
                raise ValidationError(RECAPTCHA_ERROR_CODES[code])
        return False
