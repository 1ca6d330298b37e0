"""Tests for kolben.http.files."""

from __future__ import annotations

import io
import pickle
import tempfile

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kolben.http.files import FileStorage, secure_filename
from kolben.http.headers import Headers


def test_attributes_and_content_type_properties():
    storage = FileStorage(
        io.BytesIO(b"data"),
        filename="a.txt",
        name="upload",
        content_type="Text/Plain; charset=utf-8",
        content_length=4,
    )
    assert storage.filename == "a.txt"
    assert storage.name == "upload"
    assert storage.content_type == "Text/Plain; charset=utf-8"
    assert storage.mimetype == "text/plain"
    assert storage.mimetype_params == {"charset": "utf-8"}
    assert storage.content_length == 4
    assert storage.headers["Content-Length"] == "4"


def test_defaults():
    storage = FileStorage()
    assert storage.read() == b""
    assert storage.filename is None
    assert storage.content_type is None
    assert storage.mimetype == ""
    assert storage.content_length == 0
    assert not storage


def test_content_length_ignores_garbage():
    storage = FileStorage(headers=Headers([("Content-Length", "x")]))
    assert storage.content_length == 0
    storage.headers["Content-Length"] = "-5"
    assert storage.content_length == 0


def test_filename_defaults_to_stream_name():
    with tempfile.NamedTemporaryFile() as file:
        assert FileStorage(file).filename == file.name
    stream = io.BytesIO()
    stream.name = b"bytes-name.txt"
    assert FileStorage(stream).filename == "bytes-name.txt"
    pseudo = io.BytesIO()
    pseudo.name = "<stdin>"
    assert FileStorage(pseudo).filename is None


def test_stream_methods_are_proxied():
    storage = FileStorage(io.BytesIO(b"line1\nline2\n"), filename="a")
    assert storage.readline() == b"line1\n"
    assert storage.tell() == 6
    storage.seek(0)
    assert list(storage) == [b"line1\n", b"line2\n"]
    with pytest.raises(AttributeError):
        storage.no_such_method  # noqa: B018


def test_spooled_file_methods_are_proxied():
    spooled = tempfile.SpooledTemporaryFile(max_size=10)
    spooled.write(b"x" * 20)
    spooled.seek(0)
    storage = FileStorage(spooled, filename="s")
    assert storage.read(3) == b"xxx"
    assert storage.readable()
    assert storage.seekable()
    storage.close()
    assert spooled.closed


def test_save_to_path_and_file_in_chunks(tmp_path):
    data = b"0123456789" * 1000
    storage = FileStorage(io.BytesIO(data), filename="a.bin")
    target = tmp_path / "out.bin"
    storage.save(target, buffer_size=7)
    assert target.read_bytes() == data
    storage.seek(0)
    storage.save(str(tmp_path / "str.bin"))
    assert (tmp_path / "str.bin").read_bytes() == data
    storage.seek(0)
    out = io.BytesIO()
    storage.save(out)
    assert out.getvalue() == data


def test_save_never_reads_the_whole_stream_at_once():
    class Recording(io.BytesIO):
        sizes: list[int] = []

        def read(self, size: int | None = -1) -> bytes:
            self.sizes.append(-1 if size is None else size)
            return super().read(size)

    stream = Recording(b"x" * 100)
    FileStorage(stream).save(io.BytesIO(), buffer_size=16)
    assert stream.sizes
    assert all(0 < size <= 16 for size in stream.sizes)


def test_context_manager_closes_and_repr():
    storage = FileStorage(io.BytesIO(b"x"), filename="a.txt", content_type="text/plain")
    assert repr(storage) == "<FileStorage: 'a.txt' ('text/plain')>"
    assert storage
    with storage as entered:
        assert entered is storage
    assert storage.stream.closed


def test_pickle_does_not_recurse():
    storage = FileStorage(io.BytesIO(b"x"), filename="a.txt")
    restored = pickle.loads(pickle.dumps(storage))
    assert restored.filename == "a.txt"
    assert restored.read() == b"x"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("My cool movie.mov", "My_cool_movie.mov"),
        ("../../../etc/passwd", "etc_passwd"),
        ("..\\..\\windows\\system32", "windows_system32"),
        ("i contain cool \xfcml\xe4uts.txt", "i_contain_cool_umlauts.txt"),
        (".hidden", "hidden"),
        ("___", ""),
        ("NUL.txt", "_NUL.txt"),
        ("con", "_con"),
        ("COM1.log", "_COM1.log"),
        ("a\x00b;c<d>.txt", "abcd.txt"),
        ("\u20ac", ""),
    ],
)
def test_secure_filename(name, expected):
    assert secure_filename(name) == expected


@given(st.text())
def test_secure_filename_is_always_safe(name):
    result = secure_filename(name)
    assert result.isascii()
    assert "/" not in result and "\\" not in result
    assert not result.startswith(".")
    assert result not in {".", ".."}
    assert all(char.isalnum() or char in "_.-" for char in result)
