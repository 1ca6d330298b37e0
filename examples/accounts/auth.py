"""The pages: register, log in (with remember-me), log out, a profile."""

from __future__ import annotations

from typing import Any

from kolben import Blueprint, flash, redirect, render_template, url_for
from kolben.login import (
    LoginManager,
    current_user,
    login_required,
    login_user,
    logout_user,
    safe_next_url,
)

from .forms import LoginForm, RegisterForm
from .models import User, db

bp = Blueprint("auth", __name__)
login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message_category = "info"


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """Return the user of a session or remember-me cookie."""
    return db.session.get(User, int(user_id))


@bp.get("/")
def index() -> Any:
    """Welcome everyone; name who is logged in."""
    return render_template("index.html")


@bp.route("/register", methods=["GET", "POST"])
def register() -> Any:
    """Make an account, then log in."""
    form = RegisterForm()
    error = None
    if form.validate_on_submit():
        username = form.username.data
        if db.session.scalar(db.select(User).filter_by(username=username)):
            error = f"{username} is already registered."
        else:
            user = User(username=username)
            user.set_password(form.password.data)
            db.session.add(user)
            db.session.commit()
            login_user(user)
            flash("Welcome!")
            return redirect(url_for("auth.profile"))
    status = 400 if error or form.errors else 200
    return render_template("register.html", form=form, error=error), status


@bp.route("/login", methods=["GET", "POST"])
def login() -> Any:
    """Log in; follow ``?next=`` only within this site."""
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        name = form.username.data
        user = db.session.scalar(db.select(User).filter_by(username=name))
        if user is not None and user.check_password(form.password.data):
            login_user(user, remember=form.remember.data)
            return redirect(safe_next_url(url_for("auth.profile")))
        error = "Wrong username or password."
    status = 401 if error else 400 if form.errors else 200
    return render_template("login.html", form=form, error=error), status


@bp.post("/logout")
def logout() -> Any:
    """Log out, forgetting the remember-me cookie too."""
    logout_user()
    return redirect(url_for("auth.index"))


@bp.get("/profile")
@login_required
def profile() -> Any:
    """A page only a logged-in user sees."""
    return render_template("profile.html", user=current_user)
