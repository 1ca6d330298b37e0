"""Enqueue a report's build, and tell how the job is doing."""

from __future__ import annotations

import re
from typing import Any

from kolben import Blueprint, abort, current_app, request, url_for

bp = Blueprint("reports", __name__)

MONTH = re.compile(r"\d{4}-(0[1-9]|1[0-2])")


def _queue() -> Any:
    from rq import Queue

    return Queue(
        current_app.config["RQ_QUEUE"], connection=current_app.extensions["rq_redis"]
    )


@bp.post("/reports")
def enqueue() -> tuple[dict[str, Any], int]:
    """Enqueue the build of a month's report; answer 202 with the job."""
    data = request.get_json(silent=True)
    month = data.get("month") if isinstance(data, dict) else None
    if not isinstance(month, str) or MONTH.fullmatch(month) is None:
        abort(400, description='Send {"month": "YYYY-MM"}.')
    # By name, so the app need not import what only the worker runs.
    job = _queue().enqueue("reports.tasks.build_report", month, result_ttl=3600)
    status_url = url_for("reports.status", job_id=job.id)
    return {"job": job.id, "status_url": status_url}, 202


@bp.get("/reports/<job_id>")
def status(job_id: str) -> dict[str, Any]:
    """Tell the job's status; its result once it finished, its error if failed."""
    from rq.exceptions import NoSuchJobError
    from rq.job import Job

    try:
        job = Job.fetch(job_id, connection=current_app.extensions["rq_redis"])
    except NoSuchJobError:
        abort(404, description="No such job, or its result has expired.")
    state = job.get_status()
    answer: dict[str, Any] = {"job": job.id, "status": str(state.value)}
    if job.is_finished:
        answer["result"] = job.return_value()
    elif job.is_failed:
        answer["error"] = "The build failed; the worker's log has the traceback."
    return answer
