"""Compressed answers on real servers: their lengths, and streams as they stream."""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterator

import pytest

from tests.compress import served_app
from tests.e2e._live import LiveServer, connect, fetch, start_server, stop_server

pytestmark = pytest.mark.e2e

APP = "tests.compress.served_app:app"


@pytest.fixture(scope="module", params=["gunicorn-gthread", "uvicorn"])
def server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    name = str(request.param)
    live = start_server(name, tmp_path_factory.mktemp(name), {}, app=APP)
    try:
        yield live
    finally:
        stop_server(live)


def test_content_length_is_that_of_the_compressed_body(server: LiveServer) -> None:
    reply = fetch(server.url, "GET", "/big", headers={"Accept-Encoding": "gzip"})
    assert reply.headers["Content-Encoding"] == "gzip"
    assert int(reply.headers["Content-Length"]) == len(reply.body)
    assert (
        json.loads(zlib.decompress(reply.body, zlib.MAX_WBITS | 16)) == served_app.BIG
    )
    plain = fetch(server.url, "GET", "/big")
    assert "Content-Encoding" not in plain.headers
    assert int(plain.headers["Content-Length"]) == len(plain.body) > len(reply.body)


@pytest.mark.parametrize("path", ["/held", "/aheld"])
def test_a_stream_reaches_the_client_as_it_is_made(
    server: LiveServer, path: str
) -> None:
    conn = connect(server.url)
    try:
        conn.request("GET", path, headers={"Accept-Encoding": "deflate"})
        response = conn.getresponse()
        assert response.headers["Content-Encoding"] == "deflate"
        assert response.headers["Content-Length"] is None
        decoder = zlib.decompressobj()
        first = b""
        # The server holds the rest until /release: what arrives now was
        # compressed and flushed as the first chunk was made.
        while len(first) < len(served_app.LINE):
            first += decoder.decompress(response.read1(65536))
        assert first.decode() == served_app.LINE
        assert fetch(server.url, "GET", "/release").status == 200
        rest = first + decoder.decompress(response.read()) + decoder.flush()
        assert rest.decode() == served_app.LINE * 100
        assert decoder.eof
    finally:
        conn.close()
