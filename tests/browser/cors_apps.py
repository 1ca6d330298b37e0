"""The two apps of the CORS browser test: a page, and the API it calls.

The API allows one origin, read from ``KOLBEN_TEST_PAGE_ORIGIN`` (the page
server's ``http://127.0.0.1:<port>``); the same page loaded as
``http://localhost:<port>`` is another origin, which it does not allow.
"""

from __future__ import annotations

import os

from kolben import Kolben
from kolben.cors import CORS

PAGE = """<!doctype html>
<title>loading</title>
<script>
const api = new URLSearchParams(location.search).get("api");
fetch(api, {
  method: "POST",
  headers: {"Content-Type": "application/json", "X-Token": "t"},
  body: JSON.stringify({from: location.origin}),
})
  .then((r) => r.json())
  .then((data) => { document.title = "ok:" + data.from; })
  .catch((e) => { document.title = "failed:" + e.name; });
</script>
"""

page = Kolben("page")


@page.get("/ping")
def page_ping() -> str:
    return "pong"


@page.get("/")
def index() -> str:
    return PAGE


api = Kolben("api")
CORS(
    api,
    resources={r"/api/*": {"origins": [os.environ.get("KOLBEN_TEST_PAGE_ORIGIN", "")]}},
    allow_headers=["Content-Type", "X-Token"],
)
#: The origins whose POST reached the view, for the test to read.
seen: list[str] = []


@api.get("/ping")
def api_ping() -> str:
    return "pong"


@api.post("/api/echo")
def echo() -> dict[str, str]:
    from kolben import request

    origin = str(request.get_json()["from"])
    seen.append(origin)
    return {"from": origin}


@api.get("/seen")
def seen_origins() -> dict[str, list[str]]:
    return {"seen": seen}
