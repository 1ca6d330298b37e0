"""The pages: register, log in (with remember-me), log out, a profile."""

from __future__ import annotations

from typing import Any

from kolben import Blueprint, flash, redirect, render_template, request, url_for
from kolben.login import (
    LoginManager,
    current_user,
    login_required,
    login_user,
    logout_user,
    safe_next_url,
)

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
    error = None
    if request.method == "POST":
        username = request.form.get("username", "").strip()
        password = request.form.get("password", "")
        if not username or len(password) < 8:
            error = "A username and a password of 8 or more characters are needed."
        elif db.session.scalar(db.select(User).filter_by(username=username)):
            error = f"{username} is already registered."
        else:
            user = User(username=username)
            user.set_password(password)
            db.session.add(user)
            db.session.commit()
            login_user(user)
            flash("Welcome!")
            return redirect(url_for("auth.profile"))
    status = 400 if error else 200
    return render_template("register.html", error=error), status


@bp.route("/login", methods=["GET", "POST"])
def login() -> Any:
    """Log in; follow ``?next=`` only within this site."""
    error = None
    if request.method == "POST":
        name = request.form.get("username", "")
        user = db.session.scalar(db.select(User).filter_by(username=name))
        if user is not None and user.check_password(request.form.get("password", "")):
            login_user(user, remember=request.form.get("remember") == "on")
            return redirect(safe_next_url(url_for("auth.profile")))
        error = "Wrong username or password."
    status = 401 if error else 200
    return render_template("login.html", error=error), status


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
