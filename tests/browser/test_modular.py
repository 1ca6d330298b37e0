"""The modular example in a real browser: its forms, and its API's docs page."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.browser.conftest import Serve
from tests.browser.test_api_docs import _open

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = [pytest.mark.browser, pytest.mark.e2e]


@pytest.mark.parametrize("server", ["gunicorn", "uvicorn"])
def test_add_edit_finish_and_delete_a_task_through_the_pages(
    page: Page,
    serve: Serve,
    server: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(
        os.environ, "KOLBEN_BROWSER_MODULAR_DB", str(tmp_path / "modular.sqlite")
    )
    site = serve("tests.browser.modular_app:app", server)

    page.goto(site.url + "/")
    assert page.inner_text(".empty") == "Nothing to do."
    page.fill("#title", "water the plants")
    page.click("text=Add")
    assert page.url == site.url + "/"
    assert page.inner_text(".flash") == "Added 'water the plants'."
    assert page.inner_text("li.open .title") == "water the plants"

    page.click("text=Edit")
    edit = page.url
    page.fill("#title", "")
    page.click("text=Save")  # DataRequired renders `required`: nothing is sent
    assert page.url == edit
    assert page.eval_on_selector("#title", "e => e.validity.valueMissing")
    page.fill("#title", "water the roses")
    page.click("text=Save")
    assert page.inner_text("li.open .title") == "water the roses"

    page.click("li.open >> text=Done")
    assert page.inner_text("li.done .title") == "water the roses"
    # The API sees what the pages did.
    api = page.request.get(site.url + "/api/tasks").json()
    assert [(t["title"], t["done"]) for t in api["items"]] == [
        ("water the roses", True)
    ]

    page.click("text=Delete")
    assert page.inner_text(".flash") == "Deleted 'water the roses'."
    assert page.inner_text(".empty") == "Nothing to do."


def test_the_api_docs_page_lists_the_operations_offline(
    page: Page, serve: Serve, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(
        os.environ, "KOLBEN_BROWSER_MODULAR_DB", str(tmp_path / "modular.sqlite")
    )
    site = serve("tests.browser.modular_app:app", "uvicorn")
    texts, outside = _open(page, site, "/api/docs", ".opblock-summary-path")
    paths = {t.replace("\u200b", "") for t in texts}
    assert paths == {"/api/tasks", "/api/tasks/{id}", "/api/stats"}
    assert outside == []
