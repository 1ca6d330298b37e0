"""Flaskr's forms: the account forms and the post form, with CSRF tokens."""

from __future__ import annotations

from wtforms import PasswordField, StringField, TextAreaField
from wtforms.validators import DataRequired

from kolben.forms import KolbenForm


def _strip(value: str | None) -> str | None:
    return value.strip() if value else value


class RegisterForm(KolbenForm):
    """A new account: a user name and a password."""

    username = StringField(
        "Username", validators=[DataRequired("Username is required.")]
    )
    password = PasswordField(
        "Password", validators=[DataRequired("Password is required.")]
    )


class LoginForm(RegisterForm):
    """The credentials of an existing account."""


class PostForm(KolbenForm):
    """A post: a title, which is required, and a body."""

    title = StringField(
        "Title", validators=[DataRequired("Title is required.")], filters=[_strip]
    )
    body = TextAreaField("Body")
