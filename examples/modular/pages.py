"""The site's pages: for now one, listing the tasks."""

from __future__ import annotations

from sqlalchemy import select

from kolben import Blueprint, render_template

from .models import Task, db

bp = Blueprint("pages", __name__)


@bp.get("/")
def index() -> str:
    """List the tasks, newest first."""
    tasks = db.session.scalars(select(Task).order_by(Task.id.desc()).limit(100))
    return render_template("pages/index.html", tasks=list(tasks))
