"""Where sync and async code runs under each protocol."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

from kolben import Kolben, g, request
from kolben.helpers import nonblocking
from kolben.testing import KolbenClient


def test_async_view_and_hooks(app: Kolben, client: KolbenClient) -> None:
    @app.before_request
    async def load() -> None:
        await asyncio.sleep(0)
        g.user = "ada"

    @app.after_request
    async def tag(response: Any) -> Any:
        response.headers["X-Async-After"] = "1"
        return response

    @app.route("/<name>")
    async def hello(name: str) -> Any:
        await asyncio.sleep(0)
        return {"hello": name, "user": g.user, "q": request.args.get("q")}

    r = client.get("/bob?q=1")
    assert r.json == {"hello": "bob", "user": "ada", "q": "1"}
    assert r.headers["X-Async-After"] == "1"


def test_async_error_handler(app: Kolben, client: KolbenClient) -> None:
    @app.errorhandler(404)
    async def not_found(e: Any) -> Any:
        await asyncio.sleep(0)
        return "async 404", 404

    assert client.get("/missing").text == "async 404"


def test_async_views_under_wsgi_share_one_long_lived_loop(app: Kolben) -> None:
    @app.route("/")
    async def which_loop() -> str:
        return str(id(asyncio.get_running_loop()))

    client = app.test_client(protocol="wsgi")
    loops = {client.get("/").text for _ in range(5)}
    assert len(loops) == 1


def test_async_resources_survive_between_wsgi_requests(app: Kolben) -> None:
    # A queue is bound to the loop it is first used on; with a fresh loop per
    # request (Flask's model) the second request would fail.
    queue: asyncio.Queue[int] = asyncio.Queue()

    @app.route("/<int:n>")
    async def put(n: int) -> str:
        await queue.put(n)
        return str(queue.qsize())

    client = app.test_client(protocol="wsgi")
    assert [client.get(f"/{i}").text for i in range(3)] == ["1", "2", "3"]


def test_sync_views_under_asgi_run_off_the_loop(app: Kolben) -> None:
    @app.route("/sync")
    def sync_view() -> Any:
        try:
            asyncio.get_running_loop()
            on_loop = True
        except RuntimeError:
            on_loop = False
        return {"on_loop": on_loop, "thread": threading.current_thread().name}

    @app.route("/async")
    async def async_view() -> Any:
        return {"thread": threading.current_thread().name}

    client = app.test_client(protocol="asgi")
    sync = client.get("/sync").json
    assert sync["on_loop"] is False
    assert sync["thread"].startswith("kolben-sync")
    assert not client.get("/async").json["thread"].startswith("kolben-sync")


def test_sync_view_with_async_hook_under_asgi(app: Kolben) -> None:
    threads: dict[str, str] = {}

    @app.before_request
    async def hook() -> None:
        threads["hook"] = threading.current_thread().name

    @app.route("/")
    def view() -> str:
        threads["view"] = threading.current_thread().name
        return "ok"

    assert app.test_client(protocol="asgi").get("/").text == "ok"
    assert threads["view"].startswith("kolben-sync")
    assert not threads["hook"].startswith("kolben-sync")


def test_sync_views_do_not_block_the_loop(app: Kolben) -> None:
    """A blocking sync view and an async view run at the same time under ASGI."""
    release = threading.Event()

    @app.route("/block")
    def block() -> str:
        assert release.wait(5), "the async request never ran"
        return "unblocked"

    @app.route("/release")
    async def unblock() -> str:
        release.set()
        return "released"

    app._freeze()

    async def call(path: str) -> bytes:
        sent: list[dict[str, Any]] = []

        async def receive() -> dict[str, Any]:
            return {"type": "http.request", "body": b""}

        async def send(message: dict[str, Any]) -> None:
            sent.append(message)

        scope = {
            "type": "http",
            "method": "GET",
            "path": path,
            "headers": [],
            "query_string": b"",
            "root_path": "",
        }
        await app(scope, receive, send)
        return b"".join(m.get("body", b"") for m in sent)

    async def main() -> list[bytes]:
        return list(await asyncio.gather(call("/block"), call("/release")))

    assert asyncio.run(main()) == [b"unblocked", b"released"]
    assert app._sync_runner is not None
    app._sync_runner.shutdown()


def test_async_generator_streams_under_both(app: Kolben, client: KolbenClient) -> None:
    @app.route("/")
    def stream() -> Any:
        async def generate() -> Any:
            for part in ("a", "b", "c"):
                await asyncio.sleep(0)
                yield part

        return generate()

    assert client.get("/").text == "abc"


def test_nonblocking_sync_code_runs_on_the_loop_under_asgi(app: Kolben) -> None:
    threads: dict[str, str] = {}

    @app.before_request
    @nonblocking
    def marked() -> None:
        threads["marked"] = threading.current_thread().name

    @app.after_request
    def plain(response: Any) -> Any:
        threads["plain"] = threading.current_thread().name
        return response

    @app.teardown_appcontext
    @nonblocking
    def teardown(exc: BaseException | None) -> None:
        threads["teardown"] = threading.current_thread().name

    @app.route("/async")
    async def async_view() -> str:
        threads["view"] = threading.current_thread().name
        return "ok"

    client = app.test_client(protocol="asgi")
    assert client.get("/async").text == "ok"
    assert threads["marked"] == threads["view"] == threads["teardown"]
    assert not threads["view"].startswith("kolben-sync")
    assert threads["plain"].startswith("kolben-sync")


def test_a_nonblocking_sync_view_with_nothing_else_stays_on_the_loop(
    app: Kolben,
) -> None:
    @app.route("/")
    @nonblocking
    def view() -> str:
        return threading.current_thread().name

    assert not app.test_client(protocol="asgi").get("/").text.startswith("kolben-sync")


def test_nonblocking_changes_nothing_under_wsgi(app: Kolben) -> None:
    @app.route("/")
    @nonblocking
    def view() -> str:
        return threading.current_thread().name

    assert app.test_client(protocol="wsgi").get("/").text == (
        threading.current_thread().name
    )


def test_a_nonblocking_hook_may_hand_its_io_to_the_loop(
    app: Kolben, protocol: str
) -> None:
    # Where it finds a running loop it returns a coroutine, which is awaited
    # there; elsewhere it does its work in place, in the request's thread.
    calls: list[str] = []

    async def on_loop() -> None:
        calls.append("awaited")

    @app.before_request
    @nonblocking
    def adaptive() -> Any:
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            calls.append("in place")
            return None
        return on_loop()

    @app.route("/sync")
    def sync_view() -> str:
        return "sync"

    @app.route("/async")
    async def async_view() -> str:
        return "async"

    client = app.test_client(protocol=protocol)
    assert client.get("/sync").text == "sync"
    assert client.get("/async").text == "async"
    on_the_loop = "awaited" if protocol == "asgi" else "in place"
    assert calls == ["in place", on_the_loop]
