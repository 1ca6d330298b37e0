"""kolben.compress: codings, sizes, types, ETags, streaming, under both protocols."""

from __future__ import annotations

import asyncio
import gzip
import json
import zlib
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import brotli
import pytest
import zstandard

from kolben import Kolben, Response, request
from kolben.compress import Compress
from kolben.compress._codecs import choose
from kolben.testing import KolbenClient
from tests.conftest import create_app

Make = Callable[[Kolben], KolbenClient]
BIG = {
    "items": [{"id": i, "name": f"item {i}", "tags": ["a", "b"]} for i in range(2000)]
}
BODY = json.dumps(BIG).encode()


def decode(data: bytes, coding: str) -> bytes:
    if coding == "gzip":
        return gzip.decompress(data)
    if coding == "deflate":
        return zlib.decompress(data)
    if coding == "br":
        return bytes(brotli.decompress(data))
    return bytes(zstandard.ZstdDecompressor().decompressobj().decompress(data))


def make_app(config: dict[str, Any] | None = None) -> tuple[Kolben, Compress]:
    app = create_app(config)
    compress = Compress(app)

    @app.get("/big")
    def big() -> Any:
        return BIG

    @app.get("/small")
    def small() -> Any:
        return {"ok": True}

    @app.get("/png")
    def png() -> Response:
        return Response(b"\x89PNG" + b"\0" * 5000, mimetype="image/png")

    @app.get("/tagged")
    def tagged() -> Response:
        r = Response(BODY, mimetype="application/json")
        r.set_etag("v1")
        return r

    @app.get("/stream")
    def stream() -> Response:
        def lines() -> Iterator[str]:
            for i in range(200):
                yield f"line {i} " * 20 + "\n"

        return Response(lines(), mimetype="text/plain")

    @app.get("/astream")
    async def astream() -> Response:
        async def lines() -> AsyncIterator[bytes]:
            for i in range(200):
                await asyncio.sleep(0)
                yield (f"line {i} " * 20 + "\n").encode()

        return Response(lines(), mimetype="text/plain")

    @app.get("/encoded")
    def encoded() -> Response:
        return Response(gzip.compress(BODY), headers={"Content-Encoding": "gzip"})

    return app, compress


@pytest.mark.parametrize("coding", ["gzip", "br", "zstd", "deflate"])
def test_each_coding(coding: str, make_client: Make) -> None:
    app, _ = make_app()
    r = make_client(app).get("/big", headers={"Accept-Encoding": coding})
    assert r.headers["Content-Encoding"] == coding
    assert r.headers["Vary"] == "Accept-Encoding"
    assert int(r.headers["Content-Length"]) == len(r.data) < len(BODY) / 4
    assert json.loads(decode(r.data, coding)) == BIG


def test_the_preferred_coding_by_q_values(make_client: Make) -> None:
    app, _ = make_app()
    client = make_client(app)

    def coding(accept: str) -> str | None:
        r = client.get("/big", headers={"Accept-Encoding": accept})
        return r.headers.get("Content-Encoding")

    # Equal q: the server's order (zstd, br, gzip, deflate) decides.
    assert coding("gzip, deflate, br, zstd") == "zstd"
    assert coding("gzip;q=1.0, br;q=0.5") == "gzip"
    assert coding("br;q=0.2, deflate;q=0.9") == "deflate"
    assert coding("*") == "zstd"
    assert coding("*;q=0.5, gzip;q=0.8") == "gzip"
    assert coding("gzip;q=0") is None
    assert coding("identity") is None
    assert coding("") is None


def test_choose_ignores_what_it_does_not_know() -> None:
    assert choose(("gzip",), "compress, x-foo;q=1, gzip;q=0.1") == "gzip"
    assert choose(("gzip",), "gzip;q=nonsense") is None


def test_small_bodies_other_types_and_encoded_bodies_are_left(
    make_client: Make,
) -> None:
    app, _ = make_app()
    client = make_client(app)
    gz = {"Accept-Encoding": "gzip"}
    for path in ("/small", "/png"):
        r = client.get(path, headers=gz)
        assert "Content-Encoding" not in r.headers
        assert r.headers["Vary"] == "Accept-Encoding"
    r = client.get("/encoded", headers=gz)
    # Compressed once only, by the view.
    assert gzip.decompress(r.data) == BODY
    assert int(r.headers["Content-Length"]) == len(r.data)


def test_min_size_and_mimetypes_are_settings(make_client: Make) -> None:
    app, _ = make_app({"COMPRESS_MIN_SIZE": 5, "COMPRESS_MIMETYPES": ["image/png"]})
    client = make_client(app)
    gz = {"Accept-Encoding": "gzip"}
    assert client.get("/png", headers=gz).headers["Content-Encoding"] == "gzip"
    assert "Content-Encoding" not in client.get("/small", headers=gz).headers


def test_head_range_and_no_transform_are_left(make_client: Make) -> None:
    app, _ = make_app()

    @app.get("/raw")
    def raw() -> Response:
        return Response(
            BODY, mimetype="application/json", headers={"Cache-Control": "no-transform"}
        )

    client = make_client(app)
    gz = {"Accept-Encoding": "gzip"}
    head = client.head("/big", headers=gz)
    assert "Content-Encoding" not in head.headers
    ranged = client.get("/big", headers={**gz, "Range": "bytes=0-99"})
    assert "Content-Encoding" not in ranged.headers
    assert "Content-Encoding" not in client.get("/raw", headers=gz).headers


def test_strong_etags_become_weak_and_conditions_still_hold(make_client: Make) -> None:
    app, _ = make_app()
    client = make_client(app)
    r = client.get("/tagged", headers={"Accept-Encoding": "gzip"})
    assert r.headers["ETag"] == 'W/"v1"'
    again = client.get(
        "/tagged", headers={"Accept-Encoding": "gzip", "If-None-Match": 'W/"v1"'}
    )
    assert again.status_code == 304
    assert again.data == b""
    assert "Content-Encoding" in again.headers  # the headers of the 200
    plain = client.get("/tagged")
    assert plain.headers["ETag"] == '"v1"'


@pytest.mark.parametrize("path", ["/stream", "/astream"])
@pytest.mark.parametrize("coding", ["br", "zstd", "deflate"])
def test_streams_are_compressed(path: str, coding: str, make_client: Make) -> None:
    app, _ = make_app()
    r = make_client(app).get(path, headers={"Accept-Encoding": coding})
    assert r.headers["Content-Encoding"] == coding
    assert "Content-Length" not in r.headers
    expected = "".join(f"line {i} " * 20 + "\n" for i in range(200)).encode()
    assert decode(r.data, coding) == expected


def test_a_stream_is_compressed_as_it_streams() -> None:
    app, compress = make_app()
    with app.test_request_context("/", headers={"Accept-Encoding": "gzip"}):

        def chunks() -> Iterator[bytes]:
            yield b"first chunk " * 50
            raise AssertionError("read before the first chunk was sent")

        response = compress.after_request(Response(chunks(), mimetype="text/plain"))
        # gzip is not a streaming coding by default (Flask-Compress's list).
        assert "Content-Encoding" not in response.headers
    app.config["COMPRESS_ALGORITHM_STREAMING"] = ["gzip"]
    compress.init_app(app)
    with app.test_request_context("/", headers={"Accept-Encoding": "gzip"}):
        response = compress.after_request(Response(chunks(), mimetype="text/plain"))
        first = next(iter(response.response))
        decoder = zlib.decompressobj(zlib.MAX_WBITS | 16)
        assert decoder.decompress(first) == b"first chunk " * 50


def test_streams_can_be_left_alone(make_client: Make) -> None:
    app, _ = make_app({"COMPRESS_STREAMS": False})
    r = make_client(app).get("/stream", headers={"Accept-Encoding": "br"})
    assert "Content-Encoding" not in r.headers


def test_only_decorated_views_without_register(make_client: Make) -> None:
    app = create_app({"COMPRESS_REGISTER": False})
    compress = Compress(app)

    @app.get("/on")
    @compress.compressed()
    def on() -> Any:
        return BIG

    @app.get("/aon")
    @compress.compressed()
    async def aon() -> Any:
        return BIG

    @app.get("/off")
    def off() -> Any:
        return BIG

    client = make_client(app)
    gz = {"Accept-Encoding": "gzip"}
    assert client.get("/on", headers=gz).headers["Content-Encoding"] == "gzip"
    assert client.get("/aon", headers=gz).headers["Content-Encoding"] == "gzip"
    assert "Content-Encoding" not in client.get("/off", headers=gz).headers


def test_a_cache_backend(make_client: Make) -> None:
    store: dict[str, bytes] = {}

    class Cache:
        def get(self, key: str) -> bytes | None:
            return store.get(key)

        def set(self, key: str, value: bytes) -> None:
            store[key] = value

    app, _ = make_app(
        {"COMPRESS_CACHE_BACKEND": Cache, "COMPRESS_CACHE_KEY": lambda r: r.path}
    )
    client = make_client(app)
    first = client.get("/big", headers={"Accept-Encoding": "gzip"})
    assert list(store) == ["gzip;/big"]
    assert client.get("/big", headers={"Accept-Encoding": "gzip"}).data == first.data


def test_an_existing_vary_is_kept(make_client: Make) -> None:
    app, _ = make_app()

    @app.after_request
    def vary(response: Any) -> Any:
        if request.path == "/big":
            response.headers["Vary"] = "Cookie"
        return response

    r = make_client(app).get("/big", headers={"Accept-Encoding": "gzip"})
    assert r.headers["Vary"] == "Cookie, Accept-Encoding"


def test_a_coding_without_its_library_names_the_extra(
    monkeypatch: pytest.MonkeyPatch, make_client: Make
) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "brotli", None)
    monkeypatch.setitem(sys.modules, "zstandard", None)
    with pytest.raises(ImportError, match=r"pip install kolben\[brotli\]"):
        Compress(create_app({"COMPRESS_ALGORITHM": ["br", "gzip"]}))
    with pytest.raises(ImportError, match=r"pip install kolben\[zstd\]"):
        Compress(create_app({"COMPRESS_ALGORITHM": "zstd, gzip"}))
    # With the default list, the missing codings are left out.
    app, _ = make_app()
    r = make_client(app).get("/big", headers={"Accept-Encoding": "br, zstd, gzip"})
    assert r.headers["Content-Encoding"] == "gzip"


def test_an_unknown_coding_is_an_error() -> None:
    with pytest.raises(ValueError, match="lzma"):
        Compress(create_app({"COMPRESS_ALGORITHM": ["lzma"]}))


def test_the_benchmark_apps_answer_alike() -> None:
    from bench import compress as bench

    for build in (bench.build_kolben, bench.build_flask):
        assert bench.check(build()) == []
    # The check sees an app that neither compresses nor answers for CORS.
    bare = Kolben("bare")
    bare.add_url_rule("/report", "report", lambda: bench.REPORT)
    bare.add_url_rule("/api/items", "items", lambda: {"items": []})
    assert len(bench.check(bare)) == 3
