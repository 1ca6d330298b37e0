"""Flaskr's accounts: register, log in, log out, and ``login_required``."""

from __future__ import annotations

import functools
import sqlite3
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from kolben import (
    Blueprint,
    Response,
    flash,
    g,
    redirect,
    render_template,
    session,
    url_for,
)

from .db import get_db
from .forms import LoginForm, RegisterForm
from .passwords import check_no_user, check_password, hash_password

P = ParamSpec("P")
R = TypeVar("R")

bp = Blueprint("auth", __name__, url_prefix="/auth")


def login_required(view: Callable[P, R]) -> Callable[P, R | Response]:
    """Redirect anonymous users to the login page instead of running ``view``.

    Example::

        @bp.route("/create", methods=("GET", "POST"))
        @login_required
        def create():
            ...

    :param view: the view function to protect.
    """

    @functools.wraps(view)
    def wrapped_view(*args: P.args, **kwargs: P.kwargs) -> R | Response:
        if g.user is None:
            return redirect(url_for("auth.login"))
        return view(*args, **kwargs)

    return wrapped_view


@bp.before_app_request
def load_logged_in_user() -> None:
    """Put the logged-in user's row on ``g.user``, or ``None``."""
    user_id = session.get("user_id")
    if user_id is None:
        g.user = None
    else:
        # A user removed since the cookie was signed simply reads as None.
        g.user = (
            get_db().execute("SELECT * FROM user WHERE id = ?", (user_id,)).fetchone()
        )


@bp.route("/register", methods=("GET", "POST"))
def register() -> str | Response:
    """Show the registration form, and create the account it submits."""
    form = RegisterForm()
    if form.validate_on_submit():
        username = form.username.data
        try:
            db = get_db()
            db.execute(
                "INSERT INTO user (username, password) VALUES (?, ?)",
                (username, hash_password(form.password.data)),
            )
            db.commit()
        except sqlite3.IntegrityError:
            form.username.errors.append(f"User {username} is already registered.")
        else:
            flash("Registered. Please log in.", "success")
            return redirect(url_for("auth.login"))
    return render_template("auth/register.html", form=form)


@bp.route("/login", methods=("GET", "POST"))
def login() -> str | Response:
    """Show the login form, and log in the user it submits."""
    form = LoginForm()
    if form.validate_on_submit():
        password = form.password.data
        user = (
            get_db()
            .execute("SELECT * FROM user WHERE username = ?", (form.username.data,))
            .fetchone()
        )
        if user is None:
            valid = check_no_user(password)
        else:
            valid = check_password(user["password"], password)
        if valid:
            session.clear()
            session["user_id"] = user["id"]
            return redirect(url_for("index"))
        # One message for both mistakes, so it does not reveal who has an account.
        flash("Incorrect username or password.", "error")
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=("POST",))
def logout() -> Response:
    """Forget the logged-in user and go back to the index."""
    # POST only: a link or image on another site must not log the user out.
    session.clear()
    return redirect(url_for("index"))
