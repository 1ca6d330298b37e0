"""send_file, send_from_directory and static files, under both protocols."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest

from kolben import Blueprint, Kolben, send_file, send_from_directory, url_for
from kolben.files import safe_join

CONTENT = bytes(range(256)) * 1000  # 256 kB: several chunks


@pytest.fixture
def sapp(tmp_path: Path) -> Kolben:
    (tmp_path / "static" / "css").mkdir(parents=True)
    (tmp_path / "static" / "css" / "site.css").write_text("body { color: red }")
    (tmp_path / "static" / "big.bin").write_bytes(CONTENT)
    (tmp_path / "secret.txt").write_text("not public")
    app = Kolben("sapp", root_path=str(tmp_path))
    app.testing = True
    return app


def test_static_files_and_url_for(sapp: Kolben, make_client: Any) -> None:
    client = make_client(sapp)
    r = client.get("/static/css/site.css")
    assert (r.status_code, r.data) == (200, b"body { color: red }")
    assert r.mimetype == "text/css"
    assert r.headers["Cache-Control"] == "no-cache"
    assert "ETag" in r.headers and "Last-Modified" in r.headers
    big = client.get("/static/big.bin")
    assert big.data == CONTENT
    assert big.headers["Content-Length"] == str(len(CONTENT))
    with sapp.test_request_context():
        assert url_for("static", filename="css/site.css") == "/static/css/site.css"


def test_304_on_etag_and_date(sapp: Kolben, make_client: Any) -> None:
    client = make_client(sapp)
    first = client.get("/static/css/site.css")
    r = client.get(
        "/static/css/site.css", headers={"If-None-Match": first.headers["ETag"]}
    )
    assert (r.status_code, r.data) == (304, b"")
    since = first.headers["Last-Modified"]
    r = client.get("/static/css/site.css", headers={"If-Modified-Since": since})
    assert r.status_code == 304


def test_ranges(sapp: Kolben, make_client: Any) -> None:
    client = make_client(sapp)
    r = client.get("/static/big.bin", headers={"Range": "bytes=1000-70999"})
    assert r.status_code == 206
    assert r.data == CONTENT[1000:71000]
    assert r.headers["Content-Range"] == f"bytes 1000-70999/{len(CONTENT)}"
    assert r.headers["Content-Length"] == "70000"
    r = client.get("/static/big.bin", headers={"Range": "bytes=-10"})
    assert r.data == CONTENT[-10:]
    r = client.get("/static/big.bin", headers={"Range": f"bytes={len(CONTENT)}-"})
    assert r.status_code == 416
    assert r.headers["Content-Range"] == f"bytes */{len(CONTENT)}"


@pytest.mark.parametrize(
    "path",
    [
        "../secret.txt",
        "css/../../secret.txt",
        "%2e%2e/secret.txt",
        "..%2fsecret.txt",
        "/etc/passwd",
        "css/../../../../etc/passwd",
        "..\\secret.txt",
    ],
)
def test_path_traversal_is_404(sapp: Kolben, make_client: Any, path: str) -> None:
    r = make_client(sapp).get(f"/static/{path}")
    assert r.status_code in (404, 308)
    assert b"not public" not in r.data
    assert b"root:" not in r.data


def test_send_from_directory_refuses_escapes(sapp: Kolben, make_client: Any) -> None:
    @sapp.route("/files/<path:name>")
    def files(name: str) -> Any:
        return send_from_directory("static", name)

    client = make_client(sapp)
    assert client.get("/files/css/site.css").status_code == 200
    assert client.get("/files/css").status_code == 404  # a folder, not a file
    assert client.get("/files/..%2Fsecret.txt").status_code == 404


def test_send_file_options(sapp: Kolben, make_client: Any, tmp_path: Path) -> None:
    @sapp.route("/report")
    def report() -> Any:
        return send_file(
            str(tmp_path / "static" / "big.bin"),
            as_attachment=True,
            download_name="Bericht für Q3.pdf",
            max_age=3600,
        )

    @sapp.route("/memory")
    def memory() -> Any:
        return send_file(io.BytesIO(b"in memory"), download_name="a.txt")

    client = make_client(sapp)
    r = client.get("/report")
    assert r.mimetype == "application/pdf"
    assert r.headers["Content-Disposition"] == (
        'attachment; filename="Bericht fr Q3.pdf"; '
        "filename*=UTF-8''Bericht%20f%C3%BCr%20Q3.pdf"
    )
    assert r.headers["Cache-Control"] in (
        "public, max-age=3600",
        "max-age=3600, public",
    )
    r = client.get("/memory")
    assert (r.data, r.mimetype) == (b"in memory", "text/plain")
    assert r.headers["Content-Disposition"] == 'inline; filename="a.txt"'


def test_head_sends_no_body(sapp: Kolben, make_client: Any) -> None:
    r = make_client(sapp).head("/static/big.bin")
    assert (r.status_code, r.data) == (200, b"")
    assert r.headers["Content-Length"] == str(len(CONTENT))


def test_no_static_route_without_a_folder(tmp_path: Path) -> None:
    app = Kolben("bare", root_path=str(tmp_path))
    assert [rule.endpoint for rule in app.url_map.iter_rules()] == []


def test_safe_join() -> None:
    assert safe_join("/srv", "a/b.txt") == "/srv/a/b.txt"
    for bad in ("../x", "/x", "a/../../x", "a\0b"):
        assert safe_join("/srv", bad) is None


def test_blueprint_static_folder(tmp_path: Path, make_client: Any) -> None:
    from kolben import Blueprint

    (tmp_path / "shop" / "assets").mkdir(parents=True)
    (tmp_path / "shop" / "assets" / "shop.css").write_text(".shop {}")
    (tmp_path / "shop" / "private.txt").write_text("not public")
    app = Kolben("bpstatic", root_path=str(tmp_path))
    bp = Blueprint(
        "shop",
        "shop",
        root_path=str(tmp_path / "shop"),
        static_folder="assets",
        url_prefix="/shop",
    )
    app.register_blueprint(bp)
    client = make_client(app)
    r = client.get("/shop/assets/shop.css")
    assert (r.status_code, r.data) == (200, b".shop {}")
    assert client.get("/shop/assets/..%2Fprivate.txt").status_code == 404
    with app.test_request_context():
        assert url_for("shop.static", filename="shop.css") == "/shop/assets/shop.css"


def test_static_folder_with_a_trailing_slash(tmp_path: Path) -> None:
    import flask

    (tmp_path / "static").mkdir()
    for cls in (Kolben, flask.Flask):
        app = cls("kolben_tests", root_path=str(tmp_path), static_folder="static/")
        assert app.static_url_path == "/static"
        assert app.static_folder == str(tmp_path / "static")
        assert app.has_static_folder
        with app.test_request_context():
            assert app.url_for("static", filename="a.css") == "/static/a.css"


def test_send_file_resolves_against_root_path(
    sapp: Kolben, make_client: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir("/")
    sapp.add_url_rule("/raw", "raw", lambda: send_file("static/big.bin"))
    r = make_client(sapp).get("/raw")
    assert (r.status_code, r.data) == (200, CONTENT)


def test_get_send_file_max_age_is_asked(tmp_path: Path, make_client: Any) -> None:
    (tmp_path / "static").mkdir()
    (tmp_path / "static" / "a.woff2").write_bytes(b"font")
    (tmp_path / "bp_static").mkdir()
    (tmp_path / "bp_static" / "b.txt").write_bytes(b"b")
    asked: list[str | None] = []

    class App(Kolben):
        def get_send_file_max_age(self, filename: str | None) -> int | None:
            asked.append(filename)
            return 3600

    class LongCache(Blueprint):
        def get_send_file_max_age(self, filename: str | None) -> int | None:
            return 60

    app = App("kolben_tests", root_path=str(tmp_path))
    bp = LongCache("bp", __name__, static_folder=str(tmp_path / "bp_static"))
    app.register_blueprint(bp, url_prefix="/bp")
    app.add_url_rule("/file", "file", lambda: send_file("static/a.woff2"))
    client = make_client(app)
    assert client.get("/static/a.woff2").headers["Cache-Control"] == (
        "public, max-age=3600"
    )
    assert client.get("/bp/bp_static/b.txt").headers["Cache-Control"] == (
        "public, max-age=60"
    )
    r = client.get("/file")
    assert r.headers["Cache-Control"] == "public, max-age=3600"
    assert "Expires" in r.headers
    assert asked == ["a.woff2", str(tmp_path / "static" / "a.woff2")]


def test_send_file_max_age_default_config(sapp: Kolben, make_client: Any) -> None:
    from datetime import timedelta

    sapp.config["SEND_FILE_MAX_AGE_DEFAULT"] = timedelta(minutes=2)
    r = make_client(sapp).get("/static/big.bin")
    assert r.headers["Cache-Control"] == "public, max-age=120"
