"""Sending files: ``send_file``, ``send_from_directory`` and static files.

Files are streamed in chunks, never read whole: under WSGI through the
server's ``wsgi.file_wrapper``, under ASGI chunk by chunk in the thread pool.
Responses are conditional (ETag, Last-Modified, 304) and answer single byte
ranges (206, or 416 for a range outside the file).
"""

from __future__ import annotations

import mimetypes
import os
import posixpath
import time
import zlib
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import IO, TYPE_CHECKING, Any
from urllib.parse import quote

from .globals import _req_ctx
from .http.exceptions import NotFound, RangeNotSatisfiable
from .http.range import parse_range_header

if TYPE_CHECKING:
    from .response import Response

_CHUNK = 64 * 1024
# SECURITY: separators other than "/" that a path segment must not contain.
_alt_seps = [sep for sep in (os.sep, os.altsep) if sep and sep != "/"]


def safe_join(directory: str, *paths: str) -> str | None:
    """Join untrusted ``paths`` to ``directory``; ``None`` if they escape it.

    SECURITY: refuses absolute paths, ``..`` segments, backslashes on
    Windows and NUL bytes, so the result is always inside ``directory``.
    """
    parts = [directory]
    for path in paths:
        if path != "":
            path = posixpath.normpath(path)
        if (
            "\0" in path
            or any(sep in path for sep in _alt_seps)
            or os.path.isabs(path)
            or path.startswith("/")
            or path == ".."
            or path.startswith("../")
        ):
            return None
        parts.append(path)
    return posixpath.join(*parts)


class FileBody:
    """Stream an open file, ``length`` bytes from its current position.

    :param file: a binary file opened for reading.
    :param length: how many bytes to send; to the end when ``None``.
    """

    def __init__(self, file: IO[bytes], length: int | None = None) -> None:
        """Take an open binary file and how many bytes to send."""
        self.file = file
        self.length = length
        # wsgi.file_wrapper may send the whole file only when no range
        # limits it.
        self._kolben_file = file if length is None else None

    def __iter__(self) -> Iterator[bytes]:
        """Yield the file's bytes in blocks."""
        remaining = self.length
        while remaining is None or remaining > 0:
            size = _CHUNK if remaining is None else min(_CHUNK, remaining)
            chunk = self.file.read(size)
            if not chunk:
                return
            if remaining is not None:
                remaining -= len(chunk)
            yield chunk

    def close(self) -> None:
        """Close the file."""
        self.file.close()


def _content_disposition(kind: str, name: str) -> str:
    """Return the header value; a non-ASCII name gets an ASCII fallback too."""
    try:
        name.encode("ascii")
    except UnicodeEncodeError:
        fallback = name.encode("ascii", "ignore").decode().replace('"', "") or "file"
        quoted = quote(name, safe="!#$&+-.^_`|~")
        return f"{kind}; filename=\"{fallback}\"; filename*=UTF-8''{quoted}"
    escaped = name.replace("\\", "\\\\").replace('"', '\\"')
    return f'{kind}; filename="{escaped}"'


def send_file(
    path_or_file: str | os.PathLike[str] | IO[bytes],
    mimetype: str | None = None,
    as_attachment: bool = False,
    download_name: str | None = None,
    conditional: bool = True,
    etag: bool | str = True,
    last_modified: datetime | int | float | None = None,
    max_age: int | None = None,
) -> Response:
    """Send a file's contents as the response.

    Example::

        return send_file("reports/q3.pdf", as_attachment=True)

    :param path_or_file: a path (relative to the app's ``root_path``) or a
        binary file object. Never pass a path built from user input; use
        ``send_from_directory``.
    :param mimetype: the media type; guessed from the name by default.
    :param as_attachment: ask the browser to save it rather than show it.
    :param download_name: the name the browser saves it under.
    :param conditional: answer 304 and ranges (206/416).
    :param etag: compute an ETag (paths only), use this one, or none.
    :param last_modified: the Last-Modified time; the file's by default.
    :param max_age: seconds browsers may cache it; by default what
        ``app.get_send_file_max_age(path)`` says (``SEND_FILE_MAX_AGE_DEFAULT``),
        and ``None`` means they must revalidate.
    """
    ctx = _req_ctx()
    app, request = ctx.app, ctx.request
    assert request is not None
    path: str | None = None
    if isinstance(path_or_file, str | os.PathLike):
        # As in Flask, a relative path is the app's, not the working folder's.
        path_or_file = path = os.path.join(app.root_path, os.fspath(path_or_file))
    file, size, mtime, name = _open(path_or_file)
    download_name = download_name or name
    if mimetype is None:
        if download_name is None:
            raise TypeError("Unable to detect the MIME type: give download_name.")
        mimetype = mimetypes.guess_type(download_name)[0] or "application/octet-stream"
    response = app.response_class(
        FileBody(file), mimetype=mimetype, direct_passthrough=True
    )
    if size is not None:
        response.headers["Content-Length"] = str(size)
    if download_name is not None:
        kind = "attachment" if as_attachment else "inline"
        response.headers["Content-Disposition"] = _content_disposition(
            kind, download_name
        )
    if last_modified is not None or mtime is not None:
        response.last_modified = last_modified if last_modified is not None else mtime
    if isinstance(etag, str):
        response.set_etag(etag)
    elif etag and mtime is not None and size is not None and name is not None:
        checksum = zlib.adler32(str(path_or_file).encode()) & 0xFFFFFFFF
        response.set_etag(f"{mtime.timestamp()}-{size}-{checksum}")
    if max_age is None:
        max_age = app.get_send_file_max_age(path)
    _cache_for(response, max_age)
    if conditional:
        response = response.make_conditional(request)
        if response.status_code == 200 and size is not None:
            _apply_range(response, request, file, size)
    return response


def _cache_for(response: Response, max_age: int | None) -> None:
    """Let browsers cache for ``max_age`` seconds; ``None`` or 0: revalidate."""
    if max_age is None or max_age <= 0:
        response.cache_control.no_cache = True
        if max_age is None:
            return
    response.cache_control.public = True
    response.cache_control.max_age = int(max_age)
    response.expires = int(time.time() + max_age)


def _open(
    path_or_file: str | os.PathLike[str] | IO[bytes],
) -> tuple[IO[bytes], int | None, datetime | None, str | None]:
    if isinstance(path_or_file, str | os.PathLike):
        path = os.fspath(path_or_file)
        stat = os.stat(path)
        mtime = datetime.fromtimestamp(int(stat.st_mtime), UTC)
        return open(path, "rb"), stat.st_size, mtime, os.path.basename(path)  # noqa: SIM115
    size = None
    try:
        size = os.fstat(path_or_file.fileno()).st_size - path_or_file.tell()
    except (AttributeError, OSError, ValueError):
        pass
    return path_or_file, size, None, None


def _apply_range(response: Response, request: Any, file: IO[bytes], size: int) -> None:
    """Answer a single byte range with 206, seeking instead of reading."""
    response.headers["Accept-Ranges"] = "bytes"
    rng = parse_range_header(request.headers.get("Range"))
    if rng is None:
        return
    span = rng.range_for_length(size)
    if span is None:
        file.close()
        raise RangeNotSatisfiable(length=size)
    start, stop = span
    file.seek(start, os.SEEK_CUR)
    response.response = FileBody(file, stop - start)
    response.headers["Content-Length"] = str(stop - start)
    response.headers["Content-Range"] = f"bytes {start}-{stop - 1}/{size}"
    response.status_code = 206


def send_from_directory(
    directory: str | os.PathLike[str], path: str, **kwargs: Any
) -> Response:
    """Send a file from ``directory``; ``path`` may come from the user.

    Example::

        @app.route("/uploads/<path:name>")
        def download(name):
            return send_from_directory(app.config["UPLOAD_FOLDER"], name)

    :param directory: the folder files are served from.
    :param path: the file's path inside it; anything that would leave the
        folder, or is not a file, answers 404.
    :param kwargs: as for :func:`send_file`.
    """
    ctx = _req_ctx()
    directory = os.path.join(ctx.app.root_path, os.fspath(directory))
    joined = safe_join(directory, path)
    if joined is None or not os.path.isfile(joined):
        raise NotFound()
    return send_file(joined, **kwargs)
