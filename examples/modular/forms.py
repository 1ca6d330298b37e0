"""The pages' forms: ``KolbenForm``s, each with its CSRF token."""

from __future__ import annotations

from wtforms import BooleanField, StringField
from wtforms.validators import DataRequired, Length

from kolben.forms import KolbenForm


def _strip(value: str | None) -> str | None:
    return value.strip() if value else value


class TaskForm(KolbenForm):
    """A task's title and whether it is done: to add a task, or to edit one."""

    title = StringField(
        "Title",
        validators=[DataRequired(), Length(max=200)],
        filters=[_strip],
    )
    done = BooleanField("Done")


class ActionForm(KolbenForm):
    """A button that changes something (mark done, delete): only its token."""
