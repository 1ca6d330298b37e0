"""Reports: a job longer than a request, handed to RQ on Redis.

``POST /reports`` with ``{"month": "2026-11"}`` enqueues the report's build
on an RQ queue and answers 202 with the job's id and where to ask after it;
``GET /reports/<job id>`` tells the job's status and, once it finished, its
result. An RQ worker, a process of its own next to the app, runs the jobs::

    KOLBEN_RQ_REDIS_URL=redis://127.0.0.1:6379/0 kolben --app examples/reports run
    rq worker --url redis://127.0.0.1:6379/0 --path examples reports

The job survives a restart of the app, can be retried, and takes no worker
of the web server while it runs: what ``app.add_background_task`` is not for.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kolben import Kolben

from .views import bp


def create_app(test_config: Mapping[str, Any] | None = None) -> Kolben:
    """Create the reports app.

    :param test_config: settings that replace the environment's, so that
        tests never read a developer's configuration.
    """
    from redis import Redis

    app = Kolben(__name__)
    app.config.from_mapping(
        RQ_REDIS_URL="redis://127.0.0.1:6379/0",
        # The queue the workers listen on: `rq worker ... reports`.
        RQ_QUEUE="reports",
    )
    if test_config is None:
        app.config.from_prefixed_env()
    else:
        app.config.from_mapping(test_config)
    app.extensions["rq_redis"] = Redis.from_url(app.config["RQ_REDIS_URL"])
    app.register_blueprint(bp)
    return app
