"""The service with one slow route, for the graceful-shutdown test."""

from __future__ import annotations

import time

from service import create_app

from kolben import request

app = create_app()


@app.get("/slow")
def slow() -> str:
    time.sleep(float(request.args["seconds"]))
    return "finished"
