"""Flask's request signals, and the pipeline's shortcut while none is used."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from typing import Any

from kolben import Kolben, Response, signals
from kolben.testing import KolbenClient


def test_request_signals_around_a_sync_view(app: Kolben, client: KolbenClient) -> None:
    events: list[str] = []

    def started(sender: Kolben, **extra: Any) -> None:
        events.append("started")

    def finished(sender: Kolben, response: Response, **extra: Any) -> None:
        events.append(f"finished {response.status_code}")

    def tearing_down(sender: Kolben, **extra: Any) -> None:
        events.append("tearing down")

    def app_tearing_down(sender: Kolben, **extra: Any) -> None:
        events.append("app tearing down")

    @app.route("/")
    def index() -> str:
        events.append("view")
        return "ok"

    client.get("/")  # served before anything is connected
    with (
        signals.request_started.connected_to(started, app),
        signals.request_finished.connected_to(finished, app),
        signals.request_tearing_down.connected_to(tearing_down, app),
        signals.appcontext_tearing_down.connected_to(app_tearing_down, app),
    ):
        client.get("/")
        client.get("/missing")
    client.get("/")  # and after everything is disconnected
    assert events == [
        "view",
        "started",
        "view",
        "finished 200",
        "tearing down",
        "app tearing down",
        "started",
        "finished 404",
        "tearing down",
        "app tearing down",
        "view",
    ]


def test_a_first_receiver_is_seen_by_the_next_request() -> None:
    # In a fresh interpreter, where no receiver was ever connected, requests
    # skip the signals; the first connection turns the checks on.
    script = textwrap.dedent(
        """
        from kolben import Kolben, signals

        app = Kolben("probe")
        app.add_url_rule("/", "index", lambda: "ok")
        seen = []
        for protocol in ("wsgi", "asgi"):
            client = app.test_client(protocol=protocol)
            assert client.get("/").text == "ok"
        assert signals.ever_connected is False

        def finished(sender, response, **extra):
            seen.append(response.status_code)

        signals.request_finished.connect(finished, app)
        assert signals.ever_connected is True
        for protocol in ("wsgi", "asgi"):
            app.test_client(protocol=protocol).get("/")
        print(seen)
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[200, 200]"
