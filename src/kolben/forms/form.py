"""``KolbenForm``: a WTForms form bound to the current request, with CSRF."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Iterator, Sequence
from functools import cached_property
from typing import Any

from markupsafe import Markup
from wtforms import Form
from wtforms.fields import (
    BooleanField,
    DateTimeField,
    DecimalField,
    FloatField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.fields import FileField as _WTFormsFileField
from wtforms.fields import MultipleFileField as _WTFormsMultipleFileField
from wtforms.meta import DefaultMeta
from wtforms.widgets import HiddenInput

from ..ctx import has_request_context
from ..globals import current_app, request, session
from ..http.exceptions import BadRequest
from ..http.multidict import CombinedMultiDict, ImmutableMultiDict
from .csrf import _KolbenFormCSRF
from .i18n import translations

__all__ = ["FlaskForm", "KolbenForm", "SUBMIT_METHODS"]

#: The methods whose requests submit a form.
SUBMIT_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_Auto: Any = object()
#: WTForms' fields that keep one value of those sent; a second one would be
#: silently dropped, so a request that sends it is refused instead.
_SINGLE_VALUED = (
    BooleanField,
    DateTimeField,
    DecimalField,
    FloatField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    _WTFormsFileField,
)
_MULTI_VALUED = (SelectMultipleField, _WTFormsMultipleFileField)


def _is_submitted() -> bool:
    return has_request_context() and request.method in SUBMIT_METHODS


def _request_formdata() -> Any:
    """Return what a submitted request sends: form and files, or JSON."""
    if not _is_submitted():
        return None
    if request.files:
        return CombinedMultiDict([request.files, request.form])
    if request.form:
        return request.form
    if request.is_json:
        data = request.get_json()
        if not isinstance(data, dict):
            raise BadRequest(
                "A form sent as JSON must be an object of field names and"
                f" values, not {type(data).__name__}."
            )
        return ImmutableMultiDict(data)
    return None


class KolbenForm(Form):
    """A form that binds ``request.form``, ``request.files`` or JSON itself.

    Flask-WTF's ``FlaskForm`` (importable under that name too). On a POST,
    PUT, PATCH or DELETE it reads the request's data unless ``formdata`` is
    given (``formdata=None`` binds nothing), and it carries a CSRF token
    field unless ``Meta.csrf`` (``WTF_CSRF_ENABLED``) is false. Example::

        class LoginForm(KolbenForm):
            username = StringField("Username", validators=[DataRequired()])

        form = LoginForm()
        if form.validate_on_submit():
            ...

    A request that sends a single-valued field twice is refused with a 400
    rather than one of its values dropped (``WTF_REFUSE_REPEATED_FIELDS =
    False`` keeps the first, as Flask-WTF does).
    """

    class Meta(DefaultMeta):
        """The form's options: CSRF from the app's ``WTF_CSRF_*`` config."""

        csrf_class = _KolbenFormCSRF
        #: Not used by the built-in CSRF; there for a custom ``csrf_class``.
        csrf_context = session

        @cached_property
        def csrf(self) -> bool:
            """Whether the form has a CSRF token: ``WTF_CSRF_ENABLED``."""
            return bool(current_app.config.get("WTF_CSRF_ENABLED", True))

        @cached_property
        def csrf_secret(self) -> Any:
            """What signs the token: ``WTF_CSRF_SECRET_KEY`` or ``SECRET_KEY``."""
            return current_app.config.get("WTF_CSRF_SECRET_KEY", current_app.secret_key)

        @cached_property
        def csrf_field_name(self) -> str:
            """The token field's name: ``WTF_CSRF_FIELD_NAME``."""
            return str(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"))

        @cached_property
        def csrf_time_limit(self) -> int | None:
            """The token's lifetime in seconds: ``WTF_CSRF_TIME_LIMIT``."""
            limit: int | None = current_app.config.get("WTF_CSRF_TIME_LIMIT", 3600)
            return limit

        def wrap_formdata(self, form: Any, formdata: Any) -> Any:
            """Bind the request's data when the form was given none."""
            if formdata is _Auto:
                return _request_formdata()
            return formdata

        def get_translations(self, form: Any) -> Any:
            """Translate messages into the request's locale (``WTF_I18N_ENABLED``).

            ``Meta.locales``, when set, wins, as it does in WTForms.
            """
            if self.locales is not False or not current_app.config.get(
                "WTF_I18N_ENABLED", True
            ):
                return super().get_translations(form)
            return translations

    def __init__(self, formdata: Any = _Auto, **kwargs: Any) -> None:
        """Take form data, or bind the current request's if it has any."""
        super().__init__(formdata=formdata, **kwargs)
        if (
            formdata is _Auto
            and _is_submitted()
            and current_app.config.get("WTF_REFUSE_REPEATED_FIELDS", True)
        ):
            _refuse_repeated_values(self)

    def is_submitted(self) -> bool:
        """Tell whether the request is a POST, PUT, PATCH or DELETE."""
        return _is_submitted()

    def validate_on_submit(self, extra_validators: Any = None) -> bool:
        """Validate the form if it was submitted; ``False`` if it was not.

        :param extra_validators: more validators per field name, as WTForms'
            ``validate`` takes them.
        """
        return self.is_submitted() and bool(self.validate(extra_validators))

    async def validate_on_submit_async(self, extra_validators: Any = None) -> bool:
        """Validate as :meth:`validate_on_submit` does, off the event loop.

        For ``async def`` views whose forms have validators that do I/O,
        such as :class:`~kolben.forms.RecaptchaField`'s call to the verify
        server: they run in a thread, with the request's context.

        :param extra_validators: as for :meth:`validate_on_submit`.
        """
        if not self.is_submitted():
            return False
        return bool(await asyncio.to_thread(self.validate, extra_validators))

    def hidden_tag(self, *fields: Any) -> Markup:
        """Render the form's hidden fields (the CSRF token among them).

        :param fields: only these fields, or names of fields, when given;
            those that are not hidden, or do not exist, are skipped.
        """
        return Markup("\n".join(str(f) for f in _hidden(self, fields or self)))


def _hidden(form: KolbenForm, fields: Iterable[Any]) -> Iterator[Any]:
    for field in fields:
        if isinstance(field, str):
            field = getattr(form, field, None)
        if field is not None and isinstance(field.widget, HiddenInput):
            yield field


def _refuse_repeated_values(form: KolbenForm) -> None:
    """Raise 400 when a single-valued field was sent more than once."""
    for field in _all_fields(form):
        raw: Sequence[Any] = field.raw_data or ()
        if (
            len(raw) > 1
            and isinstance(field, _SINGLE_VALUED)
            and not isinstance(field, _MULTI_VALUED)
        ):
            raise BadRequest(
                f"The form sent the field '{field.name}' {len(raw)} times; it"
                " takes one value."
            )


def _all_fields(form: Any) -> Iterator[Any]:
    """Yield every field, those of ``FormField`` and ``FieldList`` included."""
    for field in form:
        entries = getattr(field, "entries", None)
        subform = getattr(field, "form", None)
        if entries is not None:
            for entry in entries:
                yield from _all_fields([entry])
        elif isinstance(subform, Form):
            yield from _all_fields(subform)
        else:
            yield field


#: Flask-WTF's name, so ported code runs unchanged.
FlaskForm = KolbenForm
