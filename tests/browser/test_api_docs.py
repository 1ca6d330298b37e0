"""The docs pages in a real headless Chromium, with every other address blocked.

The app runs under uvicorn on a loopback port; Playwright drives Debian's
Chromium (``/usr/bin/chromium``). Every request the page makes to anything
but the app's own address is recorded and refused: the pages must list the
operations with none, since their assets are the app's own.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import pytest
from pydantic import BaseModel

from kolben import Kolben
from kolben.api import OpenAPI, Query
from tests.e2e._live import HOST, LiveServer, start_server, stop_server

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"


class ItemIn(BaseModel):
    name: str


class ItemOut(ItemIn):
    id: int


app = Kolben(__name__)
OpenAPI(app, title="Shop", version="1.0")


@app.get("/ping", include_in_schema=True)
def ping() -> str:
    return "pong"


@app.post("/items", status_code=201)
def create_item(item: ItemIn, dry_run: Query[bool] = False) -> ItemOut:
    """Create an item."""
    return ItemOut(id=1, name=item.name)


@app.get("/items/<int:item_id>")
def get_item(item_id: int) -> ItemOut:
    """Read an item."""
    return ItemOut(id=item_id, name="x")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """This module's app under uvicorn, on a loopback port."""
    if not os.path.exists(CHROMIUM):
        pytest.skip(
            f"{CHROMIUM} is missing: apt-get install -y chromium chromium-driver"
        )
    live = start_server(
        "uvicorn", tmp_path_factory.mktemp("docs"), {}, app=f"{__name__}:app"
    )
    yield live
    stop_server(live)


def _open(
    page: Page, server: LiveServer, path: str, selector: str
) -> tuple[list[str], list[str]]:
    """Load ``path``; return the texts of ``selector`` and the refused URLs."""
    from playwright.sync_api import Route

    outside: list[str] = []

    def only_loopback(route: Route) -> None:
        url = route.request.url
        parts = urlsplit(url)
        if parts.scheme in ("data", "blob") or parts.hostname == HOST:
            route.continue_()
        else:
            outside.append(url)
            route.abort()

    page.route("**/*", only_loopback)
    page.goto(server.url + path)
    page.wait_for_selector(selector, timeout=15_000)
    texts = [t.strip() for t in page.locator(selector).all_inner_texts()]
    return texts, outside


def test_swagger_ui_lists_the_operations_offline(
    page: Page, server: LiveServer
) -> None:
    texts, outside = _open(page, server, "/docs", ".opblock-summary-path")
    paths = {t.replace("\u200b", "") for t in texts}
    assert paths == {"/ping", "/items", "/items/{item_id}"}
    assert outside == []


def test_redoc_lists_the_operations_offline(page: Page, server: LiveServer) -> None:
    texts, outside = _open(page, server, "/redoc", "h2")
    assert {"Create an item.", "Read an item."} <= set(texts)
    assert outside == []


def test_the_page_is_served_by_the_app(server: LiveServer, tmp_path: Path) -> None:
    from tests.e2e._live import fetch

    reply: Any = fetch(server.url, "GET", "/docs")
    assert reply.status == 200
    assert b"/docs-assets/swagger-ui/swagger-ui-bundle.js" in reply.body
