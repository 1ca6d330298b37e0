"""WebSocket views, hooks and the test client's ``client.websocket``."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from kolben import (
    Blueprint,
    ConnectionClosed,
    Kolben,
    abort,
    current_app,
    g,
    session,
    websocket,
)
from kolben.testing import KolbenClient, WebSocketDenied


@pytest.fixture
def ws_app() -> Kolben:
    app = Kolben(__name__)
    app.config.update(SECRET_KEY="test", TESTING=True)
    return app


def asgi(app: Kolben) -> KolbenClient:
    return app.test_client(protocol="asgi")


def test_echo_text_and_binary(ws_app: Kolben) -> None:
    @ws_app.websocket("/echo/<int:times>")
    async def echo(times: int) -> None:
        async for message in websocket:
            await websocket.send(message * times)

    with asgi(ws_app).websocket("/echo/2") as ws:
        ws.send("ab")
        assert ws.receive() == "abab"
        ws.send(b"\x00\x01")
        assert ws.receive() == b"\x00\x01\x00\x01"


def test_json_args_headers_cookies_session_and_globals(ws_app: Kolben) -> None:
    @ws_app.get("/login")
    def login() -> str:
        session["user"] = "ada"
        return "in"

    @ws_app.websocket("/info")
    async def info() -> None:
        g.seen = await websocket.receive_json()
        await websocket.send_json(
            {
                "got": g.seen,
                "path": websocket.path,
                "q": websocket.args.get("q"),
                "agent": websocket.headers.get("X-Agent"),
                "cookie": "session" in websocket.cookies,
                "user": session.get("user"),
                "app": current_app.name,
                "view_args": websocket.view_args,
                "scheme": websocket.scheme,
            }
        )

    client = asgi(ws_app)
    client.get("/login")
    with client.websocket("/info?q=1", headers={"X-Agent": "t"}) as ws:
        ws.send_json([1, 2])
        assert ws.receive_json() == {
            "got": [1, 2],
            "path": "/info",
            "q": "1",
            "agent": "t",
            "cookie": True,
            "user": "ada",
            "app": ws_app.name,
            "view_args": {},
            "scheme": "ws",
        }


def test_subprotocol_and_accept_headers(ws_app: Kolben) -> None:
    @ws_app.websocket("/p")
    async def p() -> None:
        assert websocket.requested_subprotocols == ["a", "b"]
        await websocket.accept(subprotocol="b", headers={"X-Room": "1"})
        await websocket.send("hi")

    with asgi(ws_app).websocket("/p", subprotocols=["a", "b"]) as ws:
        assert ws.subprotocol == "b"
        assert ws.accept_headers["X-Room"] == "1"
        assert ws.receive() == "hi"
        with pytest.raises(ConnectionClosed) as closed:
            ws.receive()
        assert closed.value.code == 1000


def test_an_unoffered_subprotocol_is_an_error(ws_app: Kolben) -> None:
    @ws_app.websocket("/p")
    async def p() -> None:
        await websocket.accept(subprotocol="nope")

    with pytest.raises(ValueError, match="did not offer"):
        with asgi(ws_app).websocket("/p"):
            pass


def test_returning_before_accept_refuses_with_the_response(ws_app: Kolben) -> None:
    @ws_app.websocket("/deny")
    async def deny() -> Any:
        return "members only", 401

    @ws_app.websocket("/silent")
    async def silent() -> None:
        return None

    client = asgi(ws_app)
    with pytest.raises(WebSocketDenied) as denied:
        with client.websocket("/deny"):
            pass
    assert denied.value.response.status_code == 401
    assert denied.value.response.get_data() == b"members only"
    with pytest.raises(WebSocketDenied) as denied:
        with client.websocket("/silent"):
            pass
    assert denied.value.response.status_code == 403


def test_before_websocket_refuses_and_error_handlers_answer(ws_app: Kolben) -> None:
    calls: list[str] = []

    @ws_app.before_websocket
    def check() -> Any:
        calls.append("before")
        if websocket.args.get("token") != "ok":
            return "no token", 401
        return None

    @ws_app.errorhandler(418)
    def teapot(e: Exception) -> Any:
        return "short and stout", 418

    @ws_app.after_websocket
    def after(response: Any) -> Any:
        calls.append(f"after {response.status_code if response else None}")
        return response

    @ws_app.websocket("/ws")
    async def view() -> None:
        if websocket.args.get("abort"):
            abort(418)
        await websocket.send("in")

    client = asgi(ws_app)
    with pytest.raises(WebSocketDenied) as denied:
        with client.websocket("/ws"):
            pass
    assert denied.value.response.status_code == 401
    with pytest.raises(WebSocketDenied) as denied:
        with client.websocket("/ws?token=ok&abort=1"):
            pass
    assert denied.value.response.get_data() == b"short and stout"
    with client.websocket("/ws?token=ok") as ws:
        assert ws.receive() == "in"
    assert calls == ["before", "after 401", "before", "after 418", "before"] + [
        "after None"
    ]


def test_unknown_path_and_http_rule_refuse_the_handshake(ws_app: Kolben) -> None:
    @ws_app.get("/page")
    def page() -> str:
        return "page"

    client = asgi(ws_app)
    for path, status in (("/nowhere", 404), ("/page", 400)):
        with pytest.raises(WebSocketDenied) as denied:
            with client.websocket(path):
                pass
        assert denied.value.response.status_code == status


def test_teardown_runs_when_the_client_disconnects(ws_app: Kolben) -> None:
    torn: list[Any] = []

    @ws_app.websocket("/ws")
    async def view() -> None:
        g.name = "stream"
        while True:
            await websocket.receive()

    @ws_app.teardown_websocket
    def end(exc: BaseException | None) -> None:
        torn.append((g.name, exc))

    @ws_app.teardown_appcontext
    def end_app(exc: BaseException | None) -> None:
        torn.append("app")

    with asgi(ws_app).websocket("/ws") as ws:
        ws.send("x")
    assert torn == [("stream", None), "app"]


def test_an_error_after_accept_closes_with_1011_and_reaches_the_test(
    ws_app: Kolben,
) -> None:
    @ws_app.websocket("/boom")
    async def boom() -> None:
        await websocket.send("first")
        raise RuntimeError("boom")

    ws = asgi(ws_app).websocket("/boom")
    with pytest.raises(RuntimeError, match="boom"):
        with ws:
            assert ws.receive() == "first"
            with pytest.raises(ConnectionClosed) as closed:
                ws.receive()
    assert closed.value.code == 1011


def test_an_error_is_logged_outside_testing(
    ws_app: Kolben, caplog: pytest.LogCaptureFixture
) -> None:
    ws_app.testing = False

    @ws_app.websocket("/boom")
    async def boom() -> None:
        await websocket.send("first")
        raise RuntimeError("boom")

    with asgi(ws_app).websocket("/boom") as ws:
        assert ws.receive() == "first"
        with pytest.raises(ConnectionClosed) as closed:
            ws.receive()
    assert closed.value.code == 1011
    assert "Exception on /boom" in caplog.text


def test_a_message_over_the_limit_closes_with_1009(ws_app: Kolben) -> None:
    ws_app.config["WEBSOCKET_MAX_MESSAGE_SIZE"] = 10
    received: list[Any] = []

    @ws_app.websocket("/ws")
    async def view() -> None:
        async for message in websocket:
            received.append(message)

    with asgi(ws_app).websocket("/ws") as ws:
        ws.send("é" * 5)  # 10 bytes in UTF-8: at the limit
        ws.send("é" * 6)
        with pytest.raises(ConnectionClosed) as closed:
            ws.receive()
    assert closed.value.code == 1009
    assert received == ["é" * 5]


@pytest.mark.parametrize(
    ("allowed", "origin", "ok"),
    [
        (None, None, True),
        (None, "http://localhost", True),
        (None, "http://LOCALHOST", True),
        (None, "http://evil.example", False),
        (None, "http://localhost.evil.example", False),
        (["https://app.example"], "https://app.example", True),
        (["https://app.example"], "http://localhost", False),
        ("*", "http://anything.example", True),
    ],
)
def test_origin_check(
    ws_app: Kolben, allowed: Any, origin: str | None, ok: bool
) -> None:
    ws_app.config["WEBSOCKET_ALLOWED_ORIGINS"] = allowed

    @ws_app.websocket("/ws")
    async def view() -> None:
        await websocket.send("in")

    headers = {"Origin": origin} if origin else None
    client = asgi(ws_app)
    if ok:
        with client.websocket("/ws", headers=headers) as ws:
            assert ws.receive() == "in"
    else:
        with pytest.raises(WebSocketDenied) as denied:
            with client.websocket("/ws", headers=headers):
                pass
        assert denied.value.response.status_code == 403


def test_blueprint_websocket_and_its_hooks(ws_app: Kolben) -> None:
    bp = Blueprint("rooms", __name__, url_prefix="/rooms")
    seen: list[str] = []

    @bp.before_websocket
    def bp_before() -> None:
        seen.append("bp before")

    @bp.teardown_websocket
    def bp_teardown(exc: BaseException | None) -> None:
        seen.append("bp teardown")

    @bp.websocket("/<name>")
    async def room(name: str) -> None:
        await websocket.send(f"{websocket.endpoint} {name}")

    @ws_app.websocket("/other")
    async def other() -> None:
        await websocket.send("other")

    ws_app.register_blueprint(bp)
    client = asgi(ws_app)
    with client.websocket("/rooms/lobby") as ws:
        assert ws.receive() == "rooms.room lobby"
    with client.websocket("/other") as ws:
        assert ws.receive() == "other"
    assert seen == ["bp before", "bp teardown"]


def test_sync_views_are_refused(ws_app: Kolben) -> None:
    with pytest.raises(TypeError, match="async def"):

        @ws_app.websocket("/ws")
        def view() -> None:
            pass


def test_the_proxy_outside_a_websocket(ws_app: Kolben) -> None:
    with pytest.raises(RuntimeError, match="outside"):
        _ = websocket.path
    with ws_app.test_request_context():
        with pytest.raises(RuntimeError, match="WebSocket connection"):
            _ = websocket.path
        assert not websocket


def test_under_wsgi_websocket_routes_answer_400_and_are_logged_once(
    ws_app: Kolben, caplog: pytest.LogCaptureFixture
) -> None:
    @ws_app.websocket("/ws")
    async def view() -> None:
        pass

    @ws_app.get("/")
    def index() -> str:
        return "home"

    client = ws_app.test_client()
    with caplog.at_level(logging.ERROR):
        assert client.get("/").get_data() == b"home"
        response = client.get("/ws", headers={"Upgrade": "websocket"})
        client.get("/")
    assert response.status_code == 400
    assert b"needs an ASGI server" in response.get_data()
    errors = [r for r in caplog.records if "WebSocket routes (/ws)" in r.message]
    assert len(errors) == 1
