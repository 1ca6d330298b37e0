"""The REST API on the ``/api`` blueprint: typed ``kolben.rest`` resources.

Each handler's type hints are its contract, checked by ``kolben.api`` (which
the app initialises): a body that does not match ``TaskIn`` answers 422 with
every error located, the query's ``page``, ``per_page`` and ``done`` are
converted and bounded, and every answer goes through its response model, so
a task carries exactly the fields of ``TaskOut``. The same hints make the
OpenAPI document at ``/api/openapi.json``.
"""

from __future__ import annotations

from typing import Annotated, Any

from sqlalchemy import func, select

from kolben import Blueprint, url_for
from kolben.api import Query, operation
from kolben.rest import Api, Resource

from .models import Task, db
from .schemas import Message, Stats, TaskChange, TaskIn, TaskOut, TaskPage

bp = Blueprint("api", __name__, url_prefix="/api")
api = Api(bp)

#: What the API's own errors document (Flask-RESTful's body).
NOT_FOUND = {404: Message}


def _get_task(task_id: int) -> Task:
    task: Task = db.get_or_404(Task, task_id, description=f"No task {task_id}.")
    return task


@api.resource("/tasks", endpoint="tasks")
class TaskList(Resource):
    """The tasks: a page of them, or a new one."""

    def get(
        self,
        page: Annotated[int, Query(ge=1)] = 1,
        per_page: Annotated[int, Query(ge=1, le=100)] = 20,
        done: Query[bool | None] = None,
    ) -> TaskPage:
        """List the tasks, newest first, a page at a time."""
        query = select(Task).order_by(Task.id.desc())
        if done is not None:
            query = query.where(Task.done == done)
        found = db.paginate(query, page=page, per_page=per_page, error_out=False)

        def link(number: int | None) -> str | None:
            if number is None:
                return None
            return url_for("api.tasks", page=number, per_page=per_page)

        return TaskPage(
            items=[TaskOut.model_validate(task) for task in found],
            page=found.page,
            per_page=per_page,
            total=found.total or 0,
            pages=found.pages,
            next=link(found.next_num),
            prev=link(found.prev_num),
        )

    @operation(status_code=201, response_description="The task, at its Location.")
    def post(self, task: TaskIn) -> TaskOut:
        """Add a task."""
        row = Task(title=task.title, done=task.done)
        db.session.add(row)
        db.session.commit()
        return row, 201, {"Location": row.uri}  # type: ignore[return-value]


@api.resource("/tasks/<int:id>", endpoint="task")
class TaskItem(Resource):
    """One task."""

    @operation(responses=NOT_FOUND)
    def get(self, id: int) -> TaskOut:
        """Show the task."""
        return _get_task(id)

    @operation(responses=NOT_FOUND)
    def patch(self, id: int, change: TaskChange) -> TaskOut:
        """Change the title or the state of the task."""
        task = _get_task(id)
        for key, value in change.model_dump(exclude_unset=True).items():
            if value is not None:
                setattr(task, key, value)
        db.session.commit()
        return task

    @operation(status_code=204, responses=NOT_FOUND)
    def delete(self, id: int) -> Any:
        """Remove the task."""
        db.session.delete(_get_task(id))
        db.session.commit()
        return ""


@bp.get("/stats")
async def stats() -> Stats:
    """Count the tasks, on the async session (a typed view beside the resources)."""
    session = db.async_session
    total = await session.scalar(select(func.count()).select_from(Task)) or 0
    done = (
        await session.scalar(
            select(func.count()).select_from(Task).where(Task.done.is_(True))
        )
        or 0
    )
    return Stats(total=total, done=done, open=total - done)
