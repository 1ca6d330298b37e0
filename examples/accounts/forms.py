"""The account forms, with CSRF tokens."""

from __future__ import annotations

from wtforms import BooleanField, PasswordField, StringField
from wtforms.validators import DataRequired, Length

from kolben.forms import KolbenForm


def _strip(value: str | None) -> str | None:
    return value.strip() if value else value


class RegisterForm(KolbenForm):
    """A new account: a user name and a password of 8 or more characters."""

    username = StringField(
        "Username", validators=[DataRequired(), Length(max=80)], filters=[_strip]
    )
    password = PasswordField(
        "Password",
        validators=[DataRequired(), Length(min=8, message="8 or more characters.")],
    )


class LoginForm(KolbenForm):
    """The credentials of an account, and whether to stay logged in."""

    username = StringField("Username", validators=[DataRequired()])
    password = PasswordField("Password", validators=[DataRequired()])
    remember = BooleanField("Remember me")
