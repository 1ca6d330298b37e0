"""The site's pages: the task list with its forms, and a task's edit page."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from kolben import Blueprint, abort, flash, redirect, render_template, url_for

from .forms import ActionForm, TaskForm
from .models import Task, db

#: The pages are HTML for people: ``include_in_schema=False`` keeps each out
#: of the API's OpenAPI document.
bp = Blueprint("pages", __name__)


def _task_or_404(task_id: int) -> Task:
    task: Task = db.get_or_404(Task, task_id, description=f"No task {task_id}.")
    return task


@bp.route("/", methods=["GET", "POST"], include_in_schema=False)
def index() -> Any:
    """List the tasks, newest first, under a form that adds one."""
    form = TaskForm()
    if form.validate_on_submit():
        db.session.add(Task(title=form.title.data, done=form.done.data))
        db.session.commit()
        flash(f"Added {form.title.data!r}.")
        return redirect(url_for("pages.index"))
    tasks = db.session.scalars(select(Task).order_by(Task.id.desc()).limit(100))
    page = render_template(
        "pages/index.html", form=form, action=ActionForm(), tasks=list(tasks)
    )
    return page, 400 if form.errors else 200


@bp.route("/tasks/<int:task_id>/edit", methods=["GET", "POST"], include_in_schema=False)
def edit(task_id: int) -> Any:
    """Change a task's title or state."""
    task = _task_or_404(task_id)
    form = TaskForm(obj=task)
    if form.validate_on_submit():
        form.populate_obj(task)
        db.session.commit()
        flash(f"Saved {task.title!r}.")
        return redirect(url_for("pages.index"))
    page = render_template("pages/edit.html", form=form, task=task)
    return page, 400 if form.errors else 200


@bp.post("/tasks/<int:task_id>/toggle", include_in_schema=False)
def toggle(task_id: int) -> Any:
    """Mark a task done, or open again."""
    task = _task_or_404(task_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    task.done = not task.done
    db.session.commit()
    return redirect(url_for("pages.index"))


@bp.post("/tasks/<int:task_id>/delete", include_in_schema=False)
def delete(task_id: int) -> Any:
    """Remove a task."""
    task = _task_or_404(task_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    db.session.delete(task)
    db.session.commit()
    flash(f"Deleted {task.title!r}.")
    return redirect(url_for("pages.index"))
