"""Flashed messages: kept in the session, shown once."""

from __future__ import annotations

from typing import Any

from kolben import Kolben, flash, get_flashed_messages, redirect, signals
from kolben.testing import KolbenClient


def test_flash_then_show_once(app: Kolben, client: KolbenClient) -> None:
    @app.route("/save")
    def save() -> Any:
        flash("Saved.")
        flash("Check the title.", "warning")
        return redirect("/")

    @app.route("/")
    def index() -> Any:
        return {
            "all": get_flashed_messages(),
            "again": get_flashed_messages(with_categories=True),
            "warnings": get_flashed_messages(category_filter=["warning"]),
        }

    r = client.get("/save", follow_redirects=True)
    assert r.json == {
        "all": ["Saved.", "Check the title."],
        "again": [["message", "Saved."], ["warning", "Check the title."]],
        "warnings": ["Check the title."],
    }
    assert client.get("/").json == {"all": [], "again": [], "warnings": []}


def test_reading_no_messages_does_not_rewrite_the_session(
    app: Kolben, client: KolbenClient
) -> None:
    app.add_url_rule("/", "i", lambda: {"m": get_flashed_messages()})
    r = client.get("/")
    assert r.json == {"m": []}
    assert "Set-Cookie" not in r.headers


def test_message_flashed_signal(app: Kolben, client: KolbenClient) -> None:
    seen: list[tuple[str, str]] = []

    def record(sender: Kolben, message: str, category: str, **kw: Any) -> None:
        seen.append((category, message))

    @app.route("/")
    def index() -> str:
        flash("hi", "info")
        return "ok"

    with signals.message_flashed.connected_to(record, app):
        client.get("/")
    assert seen == [("info", "hi")]
