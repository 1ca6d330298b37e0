"""The e2e app served by real gunicorn and uvicorn processes on loopback."""

from __future__ import annotations

import hashlib
import json
import random
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any

import pytest

from tests.e2e import app as e2e_app
from tests.e2e._live import (
    CONCURRENT_SERVERS,
    HOST,
    SERVERS,
    LiveServer,
    Reply,
    clean_exit_status,
    connect,
    fetch,
    raw_exchange,
    send_until_answered,
    start_server,
    stop_server,
)

# Every test runs against every server in SERVERS; each server process is
# started once for the module and stopped (SIGTERM, then kill) by its fixture.
# Only the standard library's HTTP client is used, only 127.0.0.1 is contacted.
pytestmark = pytest.mark.e2e

LIMIT = e2e_app.MAX_CONTENT_LENGTH
UPLOAD_BOUNDARY = "kolben-e2e-oversized"
UPLOAD_TYPE = f"multipart/form-data; boundary={UPLOAD_BOUNDARY}"
#: Server log lines that mean a request crashed inside the server or app.
CRASH_MARKERS = ("Traceback", "Exception in ASGI application", "Error handling request")


@pytest.fixture(scope="module", params=SERVERS)
def live_server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    """Start one server process for the module; stop it and check it exited."""
    name = str(request.param)
    server = start_server(name, tmp_path_factory.mktemp(name), {})
    yield server
    status = stop_server(server)
    assert status == clean_exit_status(name), (
        f"{name} exited with {status}:\n{server.log()}"
    )


@pytest.fixture
def base_url(live_server: LiveServer) -> Iterator[str]:
    """Yield the server's base URL; fail if the test made the server crash."""
    before = len(live_server.log())
    yield live_server.url
    output = live_server.log()[before:]
    crashes = [marker for marker in CRASH_MARKERS if marker in output]
    assert not crashes, f"{live_server.name} logged a crash:\n{output}"


def _json_reply(reply: Reply) -> Any:
    assert reply.headers.get_content_type() == "application/json", reply.headers
    return reply.json()


def _cookie_pair(reply: Reply, name: str) -> str:
    """Return ``name=value`` from a Set-Cookie header, as a browser sends it."""
    for header in reply.headers.get_all("Set-Cookie") or []:
        pair = header.split(";", 1)[0].strip()
        if pair.partition("=")[0] == name:
            return pair
    raise AssertionError(f"no {name!r} cookie in {reply.headers}")


# -- bodies in and out -------------------------------------------------------------


def test_json_round_trip(base_url: str) -> None:
    payload = {
        "name": "kolben",
        "items": [1, 2.5, None, True, "drei"],
        "nested": {"grüße": "ßü€ 🐍", "empty": {}},
        "big": 2**62,
    }
    reply = fetch(
        base_url,
        "POST",
        "/json",
        body=json.dumps(payload).encode(),
        headers={"Content-Type": "application/json"},
    )
    assert reply.status == 200, reply.body
    assert _json_reply(reply) == {"received": payload, "method": "POST"}


def test_urlencoded_form(base_url: str) -> None:
    body = b"name=Ada+Lovelace&lang=py&lang=rs&symbols=%26%3D%2B&word=gr%C3%BC%C3%9Fe"
    reply = fetch(
        base_url,
        "POST",
        "/form",
        body=body,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert reply.status == 200, reply.body
    assert _json_reply(reply) == {
        "form": {
            "name": ["Ada Lovelace"],
            "lang": ["py", "rs"],
            "symbols": ["&=+"],
            "word": ["grüße"],
        }
    }


def _multipart(
    boundary: str, fields: dict[str, str], files: dict[str, tuple[str, bytes]]
) -> bytes:
    """Encode a multipart/form-data body by hand."""
    parts = []
    for name, value in fields.items():
        head = f'Content-Disposition: form-data; name="{name}"\r\n\r\n'
        parts.append(head.encode() + value.encode())
    for name, (filename, content) in files.items():
        head = (
            f'Content-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        )
        parts.append(head.encode() + content)
    delimiter = f"--{boundary}".encode()
    body = b"".join(delimiter + b"\r\n" + part + b"\r\n" for part in parts)
    return body + delimiter + b"--\r\n"


def test_multipart_upload(base_url: str) -> None:
    boundary = "kolben-e2e-7MA4YWxkTrZu0gW"
    # Binary content that contains CRLFs, a near-miss of the delimiter and a
    # trailing CRLF: all of it belongs to the file.
    content = (
        random.Random(7).randbytes(300_000)
        + f"\r\n--{boundary[:-1]}\r\n".encode()
        + b"\x00\xff\r\n"
    )
    body = _multipart(boundary, {"note": "grüße"}, {"file": ("data.bin", content)})
    reply = fetch(
        base_url,
        "POST",
        "/upload",
        body=body,
        headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
    )
    assert reply.status == 200, reply.body
    assert _json_reply(reply) == {
        "filename": "data.bin",
        "content_type": "application/octet-stream",
        "size": len(content),
        "sha256": hashlib.sha256(content).hexdigest(),
        "note": "grüße",
    }


def test_malformed_json_is_400_with_message(base_url: str) -> None:
    reply = fetch(
        base_url,
        "POST",
        "/json",
        body=b'{"name": "kolben",',
        headers={"Content-Type": "application/json"},
    )
    assert reply.status == 400
    # Outside debug mode the parser's message stays in the log.
    assert "could not understand" in reply.text
    assert "Expecting" not in reply.text


# -- cookies and sessions ----------------------------------------------------------


def test_cookie_set_then_read_back(base_url: str) -> None:
    first = fetch(base_url, "GET", "/cookie/set?value=oatmeal")
    assert first.status == 200, first.body
    # Two cookies must arrive as two Set-Cookie headers, never folded into one.
    set_cookies = first.headers.get_all("Set-Cookie") or []
    assert len(set_cookies) == 2, set_cookies
    jar: SimpleCookie = SimpleCookie()
    for header in set_cookies:
        jar.load(header)
    assert jar["flavour"].value == "oatmeal"
    assert jar["flavour"]["httponly"]
    assert jar["size"].value == "large"
    assert jar["size"]["path"] == "/cookie"

    pairs = "; ".join(_cookie_pair(first, name) for name in ("flavour", "size"))
    second = fetch(base_url, "GET", "/cookie/get", headers={"Cookie": pairs})
    assert second.status == 200, second.body
    assert _json_reply(second) == {"flavour": "oatmeal", "size": "large"}


def test_session_counter_over_three_requests(base_url: str) -> None:
    counts = []
    headers: dict[str, str] = {}
    for _ in range(3):
        reply = fetch(base_url, "GET", "/counter", headers=headers)
        assert reply.status == 200, reply.body
        counts.append(_json_reply(reply))
        headers = {"Cookie": _cookie_pair(reply, "session")}
    assert counts == [{"count": 1}, {"count": 2}, {"count": 3}]


def test_tampered_session_cookie_starts_a_new_session(base_url: str) -> None:
    first = fetch(base_url, "GET", "/counter")
    pair = _cookie_pair(first, "session")
    # Change the first character of the signature. (Not the last: its low
    # bits are base64 padding, so some changes there decode to the same bytes.)
    head, _, signature = pair.rpartition(".")
    changed = ("A" if signature[0] != "A" else "B") + signature[1:]
    tampered = f"{head}.{changed}"
    reply = fetch(base_url, "GET", "/counter", headers={"Cookie": tampered})
    assert reply.status == 200, reply.body
    assert _json_reply(reply) == {"count": 1}


# -- streaming, sync and async views -----------------------------------------------


def test_streaming_response_arrives_in_chunks(base_url: str) -> None:
    chunks, delay = 4, 0.25
    conn = connect(base_url)
    try:
        conn.request("GET", f"/stream?chunks={chunks}&delay={delay}&tag=t1")
        response = conn.getresponse()
        assert response.status == 200
        assert response.chunked, response.headers
        arrivals: list[tuple[float, bytes]] = []
        while data := response.read1(65536):
            arrivals.append((time.monotonic(), data))
    finally:
        conn.close()
    body = b"".join(data for _, data in arrivals)
    assert body == b"".join(b"chunk %d of t1\n" % i for i in range(chunks))
    assert len(arrivals) >= 2, "the body arrived in one piece"
    # A buffered body arrives all at once; a streamed one is spread over the
    # generator's sleeps (half of them, to leave room for a loaded machine).
    spread = arrivals[-1][0] - arrivals[0][0]
    assert spread >= (chunks - 1) * delay / 2, arrivals


def test_sync_view_runs_off_the_event_loop(base_url: str) -> None:
    reply = fetch(base_url, "GET", "/sync?x=1")
    assert reply.status == 200, reply.body
    assert _json_reply(reply) == {"view": "sync", "on_event_loop": False, "x": "1"}


def test_async_view_runs_on_one_long_lived_loop(base_url: str) -> None:
    replies = [fetch(base_url, "GET", f"/async?x={i}") for i in range(2)]
    data = [_json_reply(reply) for reply in replies]
    assert [reply.status for reply in replies] == [200, 200]
    assert [(d["view"], d["x"]) for d in data] == [("async", "0"), ("async", "1")]
    assert data[0]["loop"] == data[1]["loop"]


def test_async_streaming_response(base_url: str) -> None:
    reply = fetch(base_url, "GET", "/astream")
    assert reply.status == 200
    assert reply.body == b"async 0\nasync 1\nasync 2\n"


def test_client_disconnect_closes_streaming_generator(base_url: str) -> None:
    ticker = f"t{time.monotonic_ns()}"
    conn = connect(base_url)
    try:
        conn.request("GET", f"/ticker/{ticker}")
        response = conn.getresponse()
        assert response.read1(65536).startswith(b"tick 0\n")
        # The response owns the socket when the server asked to close it.
        response.close()
    finally:
        conn.close()
    # The client is gone: the server must stop the generator (closing it, so
    # its cleanup runs) instead of producing chunks nobody reads.
    deadline = time.monotonic() + 2.0
    state = None
    while time.monotonic() < deadline:
        state = fetch(base_url, "GET", f"/ticker/{ticker}/state").json()
        if state["ended"] is not None:
            break
        time.sleep(0.05)
    assert state is not None
    assert state["ended"] == "closed", state
    assert state["sent"] < e2e_app.TICKER_CHUNKS


@pytest.mark.parametrize("live_server", CONCURRENT_SERVERS, indirect=True)
def test_blocking_sync_view_does_not_stall_other_requests(base_url: str) -> None:
    with ThreadPoolExecutor(max_workers=1) as pool:
        slow = pool.submit(fetch, base_url, "GET", "/slow")
        time.sleep(e2e_app.SLOW_SECONDS / 5)
        quick = fetch(base_url, "GET", "/sync")
        # The quick request was served while the slow view was still asleep.
        assert not slow.done()
        assert quick.status == 200
        assert slow.result().status == 200


# -- errors and limits -------------------------------------------------------------


def test_unknown_url_is_404(base_url: str) -> None:
    reply = fetch(base_url, "GET", "/no/such/page")
    assert reply.status == 404
    assert "Not Found" in reply.text


def test_wrong_method_is_405_with_allow(base_url: str) -> None:
    reply = fetch(base_url, "GET", "/json")
    assert reply.status == 405
    allowed = {m.strip() for m in reply.headers["Allow"].split(",")}
    assert "POST" in allowed
    assert "GET" not in allowed


def _oversized_head(path: str, headers: str) -> bytes:
    return (
        f"POST {path} HTTP/1.1\r\nHost: {HOST}\r\n{headers}Connection: close\r\n\r\n"
    ).encode()


def _pieces(data: bytes, size: int = 64 * 1024) -> Iterator[bytes]:
    for start in range(0, len(data), size):
        yield data[start : start + size]


def _assert_413(reply: Reply | None, cut_short: bool) -> None:
    if reply is None:
        # The server answered 413 and closed without reading the rest of the
        # body; closing a socket with unread input makes the kernel send a
        # reset, and some TCP stacks drop the already received 413 when the
        # reset arrives. Only then is a reset accepted, and only if the
        # server did stop reading (sending was cut short).
        assert cut_short, "connection reset although the whole body was read"
        return
    assert reply.status == 413, reply.body
    assert str(LIMIT) in reply.text


def test_oversized_upload_is_413(base_url: str) -> None:
    body = _multipart(UPLOAD_BOUNDARY, {}, {"file": ("big.bin", b"x" * 2 * LIMIT)})
    head = _oversized_head(
        "/upload", f"Content-Type: {UPLOAD_TYPE}\r\nContent-Length: {len(body)}\r\n"
    )
    _assert_413(*send_until_answered(base_url, head, _pieces(body)))


def test_oversized_chunked_body_is_413(base_url: str) -> None:
    head = _oversized_head(
        "/json",
        "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n",
    )
    body = json.dumps({"data": "x" * 2 * LIMIT}).encode()
    chunks = (b"%x\r\n%s\r\n" % (len(p), p) for p in _pieces(body))
    _assert_413(*send_until_answered(base_url, head, chunks))


def test_oversized_content_length_is_refused_before_the_body(base_url: str) -> None:
    # Only the head is sent: the limit must be checked against Content-Length
    # without waiting for a body that may never come.
    head = _oversized_head(
        "/upload", f"Content-Type: {UPLOAD_TYPE}\r\nContent-Length: {2 * LIMIT}\r\n"
    )
    reply, _ = send_until_answered(base_url, head, [])
    assert reply is not None
    assert reply.status == 413, reply.body


def test_head_sends_headers_without_body(base_url: str) -> None:
    get = fetch(base_url, "GET", "/hello")
    assert get.status == 200
    raw = raw_exchange(
        base_url,
        f"HEAD /hello HTTP/1.1\r\nHost: {HOST}\r\nConnection: close\r\n\r\n".encode(),
    )
    head, _, rest = raw.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200 "), raw
    assert rest == b"", "the server sent a body for HEAD"
    lines = head.decode("latin-1").split("\r\n")[1:]
    headers = {k.lower(): v.strip() for k, _, v in (x.partition(":") for x in lines)}
    assert headers["content-type"] == get.headers["Content-Type"]
    assert headers.get("content-length") == str(len(get.body))


def test_chunked_request_body_is_read(base_url: str) -> None:
    body = json.dumps({"chunked": True, "text": "ü" * 5000}).encode()
    head = (
        f"POST /json HTTP/1.1\r\nHost: {HOST}\r\n"
        "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n"
        "Connection: close\r\n\r\n"
    ).encode()
    chunks = [b"%x\r\n%s\r\n" % (len(p), p) for p in _pieces(body, 1000)]
    reply, cut_short = send_until_answered(base_url, head, [*chunks, b"0\r\n\r\n"])
    assert not cut_short
    assert reply is not None
    assert reply.status == 200, reply.body
    assert reply.json() == {"received": json.loads(body), "method": "POST"}


# -- URLs and connections ----------------------------------------------------------


def test_request_sees_the_real_url_host_and_client(base_url: str) -> None:
    reply = fetch(base_url, "GET", "/whoami?a=1&b=%C3%BC&b=2")
    assert reply.status == 200, reply.body
    assert _json_reply(reply) == {
        "host": base_url.removeprefix("http://"),
        "url": f"{base_url}/whoami?a=1&b=%C3%BC&b=2",
        "base_url": f"{base_url}/whoami",
        "url_root": f"{base_url}/",
        "scheme": "http",
        "remote_addr": HOST,
        "path": "/whoami",
        "full_path": "/whoami?a=1&b=%C3%BC&b=2",
        "args": {"a": ["1"], "b": ["ü", "2"]},
        "external": f"{base_url}/hello",
    }


def test_percent_encoded_path_and_query_are_decoded(base_url: str) -> None:
    reply = fetch(base_url, "GET", "/echo/J%C3%BCrgen/a%20b?q=%E2%82%AC+1")
    assert reply.status == 200, reply.body
    assert _json_reply(reply) == {
        "name": "Jürgen/a b",
        "path": "/echo/Jürgen/a b",
        "q": "€ 1",
    }


def test_redirect_and_after_request_hook(base_url: str) -> None:
    reply = fetch(base_url, "GET", "/go")
    assert reply.status == 302
    assert reply.headers["Location"] == "/hello"
    assert reply.headers["X-E2E"] == "after_request"


def test_keep_alive_connection_serves_several_requests(base_url: str) -> None:
    # gunicorn's sync worker closes after each response (http.client then
    # reconnects); the others must keep the connection usable, even after a
    # view that did not read the body it was sent.
    json_type = {"Content-Type": "application/json"}
    exchanges = [
        ("GET", "/hello", None, {}, 200),
        ("POST", "/upload", b"x" * 5000, {"Content-Type": "text/plain"}, 400),
        ("POST", "/json", b"{bad", json_type, 400),
        ("GET", "/stream?tag=k&delay=0", None, {}, 200),
        ("POST", "/json", b'{"n": 1}', json_type, 200),
    ]
    conn = connect(base_url)
    try:
        for method, path, body, headers, status in exchanges:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            data = response.read()
            assert response.status == status, (path, data)
    finally:
        conn.close()
    assert json.loads(data) == {"received": {"n": 1}, "method": "POST"}


def test_concurrent_requests_keep_their_own_context(base_url: str) -> None:
    calls = [(view, str(i)) for i in range(16) for view in ("sync", "async")]
    paths = [f"/{view}?x={x}" for view, x in calls]
    with ThreadPoolExecutor(max_workers=8) as pool:
        replies = list(pool.map(lambda path: fetch(base_url, "GET", path), paths))
    seen = [(r.status, r.json()["view"], r.json()["x"]) for r in replies]
    assert seen == [(200, view, x) for view, x in calls]


# -- lifespan ----------------------------------------------------------------------


@pytest.fixture
def lifespan_server(tmp_path: Path) -> Iterator[LiveServer]:
    """Start uvicorn with lifespan markers in ``tmp_path``; always stop it."""
    env = {
        e2e_app.STARTUP_MARKER_ENV: str(tmp_path / "started"),
        e2e_app.SHUTDOWN_MARKER_ENV: str(tmp_path / "stopped"),
    }
    server = start_server("uvicorn", tmp_path, env)
    yield server
    # The test normally stopped it already; this covers a test that failed.
    stop_server(server)


def test_uvicorn_runs_lifespan_hooks(
    lifespan_server: LiveServer, tmp_path: Path
) -> None:
    started, stopped = tmp_path / "started", tmp_path / "stopped"
    pid = lifespan_server.process.pid
    reply = fetch(lifespan_server.url, "GET", "/lifespan")
    assert _json_reply(reply) == {"started": True}
    assert started.read_text() == f"started {pid}"
    assert not stopped.exists()

    status = stop_server(lifespan_server)
    assert status == clean_exit_status("uvicorn"), lifespan_server.log()
    assert stopped.read_text() == f"stopped {pid}"
