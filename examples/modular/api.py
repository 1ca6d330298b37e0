"""The REST API: tasks as ``kolben.rest`` resources on the ``/api`` blueprint."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from kolben import Blueprint, url_for
from kolben.rest import Api, Resource, abort, fields, inputs, marshal, reqparse

from .models import Task, db

bp = Blueprint("api", __name__, url_prefix="/api")
api = Api(bp, catch_all_404s=False)

task_fields = {
    "id": fields.Integer,
    "title": fields.String,
    "done": fields.Boolean,
    "created": fields.DateTime(dt_format="iso8601"),
    "uri": fields.Url("api.task"),
}

#: What a new task needs.
task_parser = reqparse.RequestParser()
task_parser.add_argument(
    "title",
    type=inputs.regex(r"^\S.{0,199}$"),
    required=True,
    trim=True,
    help="A title of 1 to 200 characters is required.",
)
task_parser.add_argument("done", type=inputs.boolean, default=False)

#: A change: the same arguments, none required.
update_parser = task_parser.copy()
update_parser.replace_argument(
    "title",
    type=inputs.regex(r"^\S.{0,199}$"),
    trim=True,
    store_missing=False,
    help="A title of 1 to 200 characters is required.",
)
update_parser.replace_argument("done", type=inputs.boolean, store_missing=False)

#: Which page of the list, and a filter.
list_parser = reqparse.RequestParser()
list_parser.add_argument("page", type=inputs.positive, default=1, location="args")
list_parser.add_argument(
    "per_page", type=inputs.int_range(1, 100, "per_page"), default=20, location="args"
)
list_parser.add_argument("done", type=inputs.boolean, location="args")


def _get_task(task_id: int) -> Task:
    task = db.session.get(Task, task_id)
    if task is None:
        abort(404, message=f"Task {task_id} doesn't exist.")
    return task


@api.resource("/tasks", endpoint="tasks")
class TaskList(Resource):
    """The tasks: a page of them, or a new one."""

    def get(self) -> Any:
        """Return a page of tasks, newest first, with links to its neighbours."""
        args = list_parser.parse_args()
        query = select(Task).order_by(Task.id.desc())
        if args.done is not None:
            query = query.where(Task.done == args.done)
        page = db.paginate(
            query, page=args.page, per_page=args.per_page, error_out=False
        )

        def link(number: int | None) -> str | None:
            if number is None:
                return None
            return url_for("api.tasks", page=number, per_page=args.per_page)

        return {
            "items": marshal(list(page), task_fields),
            "page": page.page,
            "per_page": page.per_page,
            "total": page.total,
            "pages": page.pages,
            "next": link(page.next_num),
            "prev": link(page.prev_num),
        }

    def post(self) -> Any:
        """Add a task; answer 201 with its location."""
        args = task_parser.parse_args()
        task = Task(title=args.title, done=args.done)
        db.session.add(task)
        db.session.commit()
        body = marshal(task, task_fields)
        return body, 201, {"Location": url_for("api.task", id=task.id)}


@api.resource("/tasks/<int:id>", endpoint="task")
class TaskItem(Resource):
    """One task."""

    def get(self, id: int) -> Any:
        """Return the task."""
        return marshal(_get_task(id), task_fields)

    def patch(self, id: int) -> Any:
        """Change the title or the state of the task."""
        task = _get_task(id)
        for key, value in update_parser.parse_args().items():
            setattr(task, key, value)
        db.session.commit()
        return marshal(task, task_fields)

    def delete(self, id: int) -> Any:
        """Remove the task."""
        db.session.delete(_get_task(id))
        db.session.commit()
        return "", 204


@api.resource("/stats", endpoint="stats")
class Stats(Resource):
    """Counts of the tasks, read by an async handler on the async session."""

    async def get(self) -> Any:
        """Return how many tasks there are, and how many are done."""
        session = db.async_session
        total = await session.scalar(select(func.count()).select_from(Task))
        done = await session.scalar(
            select(func.count()).select_from(Task).where(Task.done.is_(True))
        )
        return {"total": total, "done": done, "open": (total or 0) - (done or 0)}
