"""Uploaded files (FileStorage) and making client file names safe to use."""

from __future__ import annotations

import io
import os
import re
import shutil
import unicodedata
from collections.abc import Iterator
from types import TracebackType
from typing import IO, Any, BinaryIO

from .headers import Headers, parse_options_header

__all__ = ["FileStorage", "secure_filename"]


class FileStorage:
    """A file uploaded in a multipart form, as found in ``request.files``.

    Reading methods (``read``, ``readline``, ``seek``, ``tell`` ...) are
    passed through to :attr:`stream`.

    :param stream: The file's content; an empty stream when ``None``.
    :param filename: The file name the client sent; defaults to the
        stream's ``name`` attribute if it has one.
    :param name: The form field name.
    :param content_type: The part's ``Content-Type``.
    :param content_length: The part's ``Content-Length``, if it sent one.
    :param headers: All headers of the part.
    """

    def __init__(
        self,
        stream: IO[bytes] | BinaryIO | None = None,
        filename: str | None = None,
        name: str | None = None,
        content_type: str | None = None,
        content_length: int | None = None,
        headers: Headers | None = None,
    ) -> None:
        """Take the file's stream, names, content type, length and headers."""
        self.name = name
        self.stream: IO[bytes] = stream if stream is not None else io.BytesIO()
        if filename is None:
            filename = _stream_name(stream)
        self.filename = filename
        if headers is None:
            headers = Headers()
        self.headers = headers
        if content_type is not None:
            headers["Content-Type"] = content_type
        if content_length is not None:
            headers["Content-Length"] = content_length

    @property
    def content_type(self) -> str | None:
        """The ``Content-Type`` the client sent for the file, if any."""
        return self.headers.get("Content-Type")

    @property
    def content_length(self) -> int:
        """The ``Content-Length`` the client sent for the file, else 0."""
        value = self.headers.get("Content-Length", type=int)
        return value if value is not None and value >= 0 else 0

    @property
    def mimetype(self) -> str:
        """The media type, lower-cased, without parameters: ``text/plain``."""
        return parse_options_header(self.content_type)[0].lower()

    @property
    def mimetype_params(self) -> dict[str, str]:
        """The parameters of the content type, e.g. ``{"charset": "utf-8"}``."""
        return parse_options_header(self.content_type)[1]

    def save(
        self, dst: str | os.PathLike[str] | IO[bytes], buffer_size: int = 16384
    ) -> None:
        """Copy the file to a path or a binary file object, chunk by chunk.

        The stream is read from its current position; the file is never
        held in memory whole.

        :param dst: A file path (created or replaced) or a writable file.
        :param buffer_size: The chunk size in bytes.
        """
        if isinstance(dst, (str, os.PathLike)):
            with open(dst, "wb") as file:
                shutil.copyfileobj(self.stream, file, buffer_size)
        else:
            shutil.copyfileobj(self.stream, dst, buffer_size)

    def close(self) -> None:
        """Close the underlying stream, freeing any temporary file."""
        self.stream.close()

    def __getattr__(self, name: str) -> Any:
        """Look up ``name`` on the underlying stream."""
        if name == "stream":
            # Not set yet (e.g. while unpickling): do not recurse.
            raise AttributeError(name)
        return getattr(self.stream, name)

    def __iter__(self) -> Iterator[bytes]:
        """Iterate over the stream."""
        return iter(self.stream)

    def __enter__(self) -> FileStorage:
        """Return the file itself."""
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Close the stream."""
        self.close()

    def __bool__(self) -> bool:
        """Tell whether a file was uploaded (it has a file name)."""
        return bool(self.filename)

    def __repr__(self) -> str:
        """Return a representation for debugging."""
        return f"<{type(self).__name__}: {self.filename!r} ({self.content_type!r})>"


def _stream_name(stream: object) -> str | None:
    """Return a stream's file name, ignoring pseudo names like ``<stdin>``."""
    name = getattr(stream, "name", None)
    if isinstance(name, bytes):
        name = os.fsdecode(name)
    if not isinstance(name, str) or (name.startswith("<") and name.endswith(">")):
        return None
    return name


_UNSAFE_CHARS_RE = re.compile(r"[^A-Za-z0-9_.-]")
_WINDOWS_DEVICE_NAMES = frozenset(
    {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"}
    | {f"COM{n}" for n in range(10)}
    | {f"LPT{n}" for n in range(10)}
)


def secure_filename(filename: str) -> str:
    r"""Return a version of a client-sent file name that is safe to save.

    The result is ASCII letters, digits, ``_``, ``.`` and ``-`` only, has no
    path separators (``/`` and ``\`` on every platform) and no leading
    dots; Windows device names (``CON``, ``NUL`` ...) get a ``_`` prefix.
    It can be empty: choose a name yourself then.

    :param filename: The name as the client sent it.
    """
    # SECURITY: the name comes from the client; it must not leave the
    # upload directory or name a device, whatever the server's platform.
    text = unicodedata.normalize("NFKD", filename)
    text = text.encode("ascii", "ignore").decode("ascii")
    text = text.replace("/", " ").replace("\\", " ")
    text = "_".join(text.split())
    text = _UNSAFE_CHARS_RE.sub("", text).strip("._")
    if text and text.split(".")[0].upper() in _WINDOWS_DEVICE_NAMES:
        text = f"_{text}"
    return text
