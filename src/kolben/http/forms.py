"""Form body decoding (urlencoded and multipart) and multipart encoding."""

from __future__ import annotations

import mimetypes
import secrets
import tempfile
import urllib.parse
from collections.abc import Iterable, Iterator, Mapping
from typing import IO, Any

from ._charset import decode_text, text_codec
from ._multipart_lf import LFMultipartParser, ParseError, needs_lf_parser
from ._python_multipart import MultipartParser, explain
from .exceptions import BadRequest, HTTPException, RequestEntityTooLarge
from .files import FileStorage
from .headers import Headers, parse_options_header
from .multidict import MultiDict
from .urls import _decode_bytes, _parse_fields

__all__ = [
    "MultipartDecoder",
    "encode_multipart",
    "get_multipart_boundary",
    "parse_form_data",
    "parse_urlencoded",
]

_FORM_UTF8_ERROR = "The form data is not valid UTF-8 after percent-decoding."
# RFC 2046 bcharsnospace, plus space which may not end the boundary.
_BOUNDARY_CHARS = frozenset(
    "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ'()+_,-./:=? "
)


def _too_many_fields(limit: int) -> HTTPException:
    """Build the error for a form with more fields than allowed."""
    return RequestEntityTooLarge(
        f"The form has more than {limit} fields, the limit set by"
        " MAX_FORM_PARTS (max_form_parts)."
    )


def parse_urlencoded(
    body: bytes, *, max_fields: int | None = None
) -> MultiDict[str, str]:
    """Parse an ``application/x-www-form-urlencoded`` body.

    The rules are those of :func:`~kolben.http.urls.parse_qs`.

    :param body: The request body.
    :param max_fields: Refuse more fields than this.
    :raises BadRequest: If the body is not valid UTF-8.
    :raises RequestEntityTooLarge: If there are more than *max_fields* fields.
    """
    text = _decode_bytes(body, _FORM_UTF8_ERROR)
    lists = _parse_fields(text, max_fields, _too_many_fields, _FORM_UTF8_ERROR)
    return MultiDict._from_lists(lists)


def get_multipart_boundary(content_type: str) -> bytes:
    """Return the boundary of a ``multipart/form-data`` content type.

    :param content_type: The request's ``Content-Type`` header.
    :raises BadRequest: If the boundary is missing or not valid (RFC 2046:
        1 to 70 characters of a restricted set, not ending in a space).
    """
    mimetype, options = parse_options_header(content_type)
    boundary = options.get("boundary")
    if not mimetype.lower().startswith("multipart/") or boundary is None:
        raise BadRequest("The multipart Content-Type header has no boundary parameter.")
    if (
        not 1 <= len(boundary) <= 70
        or boundary.endswith(" ")
        or not _BOUNDARY_CHARS.issuperset(boundary)
    ):
        raise BadRequest(f"The multipart boundary {boundary!r} is not valid.")
    return boundary.encode("ascii")


class _Part:
    """The part being decoded: its headers, then its field or file."""

    __slots__ = ("charset", "data", "file", "header_size", "headers", "name")

    def __init__(self) -> None:
        self.headers: list[tuple[bytes, bytes]] = []
        self.header_size = 0
        self.name = ""
        self.charset = "utf-8"
        self.data = bytearray()
        self.file: FileStorage | None = None


class MultipartDecoder:
    """A sans-IO push parser for ``multipart/form-data`` bodies.

    Feed it the body in chunks of any size, then call :meth:`finish`. Text
    fields are decoded (UTF-8 unless the part names a charset); parts with a
    ``filename`` become :class:`FileStorage` objects whose stream is a
    ``SpooledTemporaryFile`` rewound to the start.

    :param boundary: The boundary from :func:`get_multipart_boundary`.
    :param max_form_memory_size: The largest non-file field, in bytes
        (Flask's ``MAX_FORM_MEMORY_SIZE``); ``None`` for no limit.
    :param max_form_parts: The most parts allowed (``MAX_FORM_PARTS``).
    :param max_part_header_size: The most header bytes a part may have.
    :param spool_threshold: File bytes kept in memory before spooling to a
        temporary file.
    """

    def __init__(
        self,
        boundary: bytes,
        *,
        max_form_memory_size: int | None = 500_000,
        max_form_parts: int | None = 1000,
        max_part_header_size: int = 8192,
        spool_threshold: int = 500 * 1024,
    ) -> None:
        """Take the boundary and the limits on memory, parts and headers."""
        self.max_form_memory_size = max_form_memory_size
        self.max_form_parts = max_form_parts
        self.max_part_header_size = max_part_header_size
        self.spool_threshold = spool_threshold
        self._fields: dict[str, list[str]] = {}
        self._files: dict[str, list[FileStorage]] = {}
        self._part = _Part()
        self._field_name = bytearray()
        self._field_value = bytearray()
        self._parts = 0
        self._ended = False
        self._failed = False
        self._boundary = boundary
        # The first bytes, held until the first boundary line shows which
        # parser the body needs; None once it is chosen.
        self._head: bytearray | None = bytearray()
        self._crlf_line = b"--" + boundary + b"\r\n"
        try:
            self._parser: Any = MultipartParser(boundary, self._callbacks())
        except Exception as exc:
            raise BadRequest(f"The multipart boundary is not valid: {exc}") from exc

    def _callbacks(self) -> Any:
        """Return the python-multipart callbacks bound to this decoder."""
        return {
            "on_part_begin": self._on_part_begin,
            "on_header_field": self._on_header_field,
            "on_header_value": self._on_header_value,
            "on_header_end": self._on_header_end,
            "on_headers_finished": self._on_headers_finished,
            "on_part_data": self._on_part_data,
            "on_part_end": self._on_part_end,
            "on_end": self._on_end,
        }

    def feed(self, data: bytes) -> None:
        """Parse the next chunk of the body.

        :param data: Any number of bytes; empty chunks are ignored.
        :raises BadRequest: If the body is not valid multipart.
        :raises RequestEntityTooLarge: If a limit is exceeded.
        :raises OSError: If a temporary file for an upload cannot be written.
        """
        if self._failed:
            raise BadRequest(
                "The multipart body was already refused; the decoder cannot"
                " take more of it."
            )
        if data and not self._ended:
            self._write(data, final=False)

    def finish(self) -> tuple[MultiDict[str, str], MultiDict[str, FileStorage]]:
        """Check the body was complete and return the fields and files.

        :raises BadRequest: If the closing boundary was never seen.
        """
        if self._head is not None and not self._failed:
            self._write(b"", final=True)
        if not self._ended:
            self._fail()
            raise BadRequest(
                "The multipart body ended before its closing boundary; the"
                " upload was truncated or the boundary is wrong."
            )
        return MultiDict._from_lists(self._fields), MultiDict._from_lists(self._files)

    def _write(self, data: bytes, *, final: bool) -> None:
        """Pass *data* to the parser, turning its errors into 400s."""
        try:
            if self._head is None:
                self._parser.write(data)
            else:
                self._choose_parser(data, final)
        except (HTTPException, OSError):
            # OSError: the temporary file failed (disk full); a server error.
            self._fail()
            raise
        except ParseError as exc:
            self._fail()
            raise BadRequest(f"The multipart body is malformed: {exc}.") from exc
        except Exception as exc:
            # python-multipart raises ValueError subclasses; anything it
            # raises means the body is malformed, never a server error.
            self._fail()
            reason = explain(exc, self._boundary)
            raise BadRequest(f"The multipart body is malformed: {reason}.") from exc

    def _choose_parser(self, data: bytes, final: bool) -> None:
        """Hold the first bytes until the first boundary line has ended.

        A line ended by CRLF keeps python-multipart; one ended by a bare LF
        or CR, or with spaces before its CRLF, which python-multipart
        refuses, switches to :class:`LFMultipartParser`.
        """
        head = self._head
        assert head is not None
        # PERF: the first chunk nearly always holds the whole first line, and
        # is then passed on without being copied; a browser's starts with it.
        if head:
            head += data
            data = bytes(head)
        if data.startswith(self._crlf_line):
            fallback: bool | None = False
        else:
            fallback = needs_lf_parser(data, final)
        if fallback is None:
            if not head:
                head += data
            return
        self._head = None
        if fallback:
            self._parser = LFMultipartParser(self._boundary, self._callbacks())
        self._parser.write(data)

    def _fail(self) -> None:
        """Close any files already received; the decoder cannot go on."""
        self._failed = True
        for files in self._files.values():
            for file in files:
                file.close()
        if self._part.file is not None:
            self._part.file.close()

    # -- python-multipart callbacks ----------------------------------------

    def _on_part_begin(self) -> None:
        self._parts += 1
        if self.max_form_parts is not None and self._parts > self.max_form_parts:
            raise RequestEntityTooLarge(
                f"The multipart form has more than {self.max_form_parts} parts,"
                " the limit set by MAX_FORM_PARTS (max_form_parts)."
            )
        self._part = _Part()
        self._field_name = bytearray()
        self._field_value = bytearray()

    def _count_header(self, size: int) -> None:
        part = self._part
        part.header_size += size
        if part.header_size > self.max_part_header_size:
            raise RequestEntityTooLarge(
                "The headers of a multipart part are larger than"
                f" {self.max_part_header_size} bytes."
            )

    def _on_header_field(self, data: bytes, start: int, end: int) -> None:
        self._count_header(end - start)
        self._field_name += data[start:end]

    def _on_header_value(self, data: bytes, start: int, end: int) -> None:
        self._count_header(end - start)
        self._field_value += data[start:end]

    def _on_header_end(self) -> None:
        self._part.headers.append((bytes(self._field_name), bytes(self._field_value)))
        self._field_name = bytearray()
        self._field_value = bytearray()

    def _on_headers_finished(self) -> None:
        part = self._part
        headers = _decode_part_headers(part.headers)
        disposition = headers.get("Content-Disposition")
        if disposition is None:
            raise BadRequest("A multipart part has no Content-Disposition header.")
        _, options = parse_options_header(disposition)
        name = options.get("name")
        if name is None:
            raise BadRequest(
                "A multipart part has no field name in its Content-Disposition"
                f" header: {disposition!r}."
            )
        part.name = name
        content_type = headers.get("Content-Type")
        filename = options.get("filename")
        if filename is not None:
            stream = tempfile.SpooledTemporaryFile(max_size=self.spool_threshold)
            part.file = FileStorage(
                stream, filename=filename, name=name, headers=headers
            )
        elif content_type is not None:
            part.charset = parse_options_header(content_type)[1].get("charset", "utf-8")

    def _on_part_data(self, data: bytes, start: int, end: int) -> None:
        part = self._part
        if part.file is not None:
            part.file.stream.write(data[start:end])
            return
        part.data += data[start:end]
        limit = self.max_form_memory_size
        if limit is not None and len(part.data) > limit:
            raise RequestEntityTooLarge(
                f"The form field {part.name!r} is larger than {limit} bytes, the"
                " limit set by MAX_FORM_MEMORY_SIZE (max_form_memory_size)."
            )

    def _on_part_end(self) -> None:
        part = self._part
        if part.file is not None:
            part.file.stream.seek(0)
            self._files.setdefault(part.name, []).append(part.file)
            part.file = None
            return
        value = _decode_field(bytes(part.data), part.charset, part.name)
        self._fields.setdefault(part.name, []).append(value)

    def _on_end(self) -> None:
        self._ended = True


def _decode_part_headers(raw: list[tuple[bytes, bytes]]) -> Headers:
    """Decode a part's header lines; browsers send UTF-8 file names raw."""
    pairs = []
    for name, value in raw:
        try:
            text = value.decode("utf-8")
        except UnicodeDecodeError:
            text = value.decode("latin-1")
        pairs.append((name.decode("latin-1").strip(), text.strip()))
    try:
        return Headers(pairs)
    except ValueError:
        raise BadRequest("A multipart part header contains a NUL byte.") from None


def _decode_field(data: bytes, charset: str, name: str) -> str:
    """Decode a text field, raising BadRequest for invalid data."""
    if text_codec(charset) is None:
        raise BadRequest(
            f"The form field {name!r} uses an unknown charset {charset!r}, or"
            " one that is not a text encoding; send UTF-8."
        )
    text = decode_text(data, charset)
    if text is None:
        raise BadRequest(f"The form field {name!r} is not valid {charset}; send UTF-8.")
    return text


def parse_form_data(
    content_type: str | None,
    body_chunks: Iterable[bytes],
    *,
    max_form_memory_size: int | None = 500_000,
    max_form_parts: int | None = 1000,
    spool_threshold: int = 500 * 1024,
    cls: type[MultiDict[Any, Any]] | None = None,
) -> tuple[MultiDict[str, str], MultiDict[str, FileStorage]]:
    """Decode a form body of any supported type into fields and files.

    urlencoded and multipart bodies are decoded; any other content type
    gives two empty MultiDicts and the body is not read.

    :param content_type: The request's ``Content-Type`` header.
    :param body_chunks: The body, in chunks.
    :param max_form_memory_size: The largest urlencoded body, or largest
        multipart text field, in bytes; ``None`` for no limit.
    :param max_form_parts: The most fields or parts allowed.
    :param spool_threshold: File bytes kept in memory before spooling.
    :param cls: The MultiDict class of the results, e.g. ImmutableMultiDict.
    :raises BadRequest: On malformed data.
    :raises RequestEntityTooLarge: When a limit is exceeded.
    """
    make = cls or MultiDict
    mimetype, _ = parse_options_header(content_type)
    mimetype = mimetype.lower()
    if mimetype == "application/x-www-form-urlencoded":
        body = _read_limited(body_chunks, max_form_memory_size)
        fields = parse_urlencoded(body, max_fields=max_form_parts)
        return make._from_lists(fields._lists()), make()
    if mimetype == "multipart/form-data":
        decoder = MultipartDecoder(
            get_multipart_boundary(content_type or ""),
            max_form_memory_size=max_form_memory_size,
            max_form_parts=max_form_parts,
            spool_threshold=spool_threshold,
        )
        try:
            for chunk in body_chunks:
                decoder.feed(chunk)
        except BaseException:
            # Reading the body failed (a client gone mid-upload): close the
            # files received so far now, not when the collector finds them.
            decoder._fail()
            raise
        fields, files = decoder.finish()
        return make._from_lists(fields._lists()), make._from_lists(files._lists())
    return make(), make()


def _read_limited(chunks: Iterable[bytes], limit: int | None) -> bytes:
    """Join body chunks, raising 413 as soon as they pass *limit* bytes."""
    buffer = bytearray()
    for chunk in chunks:
        buffer += chunk
        if limit is not None and len(buffer) > limit:
            raise RequestEntityTooLarge(
                f"The form data is larger than {limit} bytes, the limit set by"
                " MAX_FORM_MEMORY_SIZE (max_form_memory_size)."
            )
    return bytes(buffer)


# -- encoding ---------------------------------------------------------------


def encode_multipart(
    fields: Mapping[str, Any] | Iterable[tuple[str, Any]],
    boundary: str | None = None,
) -> tuple[bytes, str]:
    """Encode form fields and files as a browser would for multipart.

    Values may be a str (or anything else, passed through ``str``), bytes,
    a binary file object, ``(fileobj, filename)``, ``(fileobj, filename,
    content_type)`` or a :class:`FileStorage`; a list gives repeated fields.
    File content types are guessed from the file name's extension.

    :param fields: A mapping or ``(name, value)`` pairs.
    :param boundary: The boundary to use; a random one by default.
    :returns: The body and its ``Content-Type`` header value.
    :raises ValueError: If a given boundary occurs in the content.
    """
    if boundary is None:
        boundary = f"----KolbenFormBoundary{secrets.token_hex(16)}"
    delimiter = b"--" + boundary.encode("ascii")
    body = bytearray()
    for name, value in _iter_form_items(fields):
        head, content = _encode_part(name, value)
        if delimiter in content:
            raise ValueError(
                f"The multipart boundary {boundary!r} occurs in the value of"
                f" field {name!r}; choose another boundary."
            )
        body += delimiter + b"\r\n" + head + b"\r\n" + content + b"\r\n"
    body += delimiter + b"--\r\n"
    return bytes(body), f"multipart/form-data; boundary={boundary}"


def _is_file_spec(value: Any) -> bool:
    """Return whether a tuple is ``(fileobj, filename[, content_type])``."""
    return isinstance(value, tuple) and bool(value) and hasattr(value[0], "read")


def _iter_form_items(fields: Any) -> Iterator[tuple[str, Any]]:
    """Yield one ``(name, value)`` per part, expanding repeated values."""
    if isinstance(fields, MultiDict):
        pairs: Iterable[tuple[str, Any]] = fields.items(multi=True)
    elif isinstance(fields, Mapping):
        pairs = fields.items()
    else:
        pairs = fields
    for name, value in pairs:
        if isinstance(value, list) or (
            isinstance(value, tuple) and not _is_file_spec(value)
        ):
            for item in value:
                yield name, item
        else:
            yield name, value


def _encode_part(name: str, value: Any) -> tuple[bytes, bytes]:
    """Return the header block and content of one part."""
    disposition = f"form-data; {_disposition_param('name', name)}"
    if isinstance(value, str):
        return _head(disposition), value.encode("utf-8")
    if isinstance(value, (bytes, bytearray)):
        return _head(disposition), bytes(value)
    if isinstance(value, FileStorage):
        stream: IO[Any] = value.stream
        filename = value.filename or ""
        content_type = value.content_type
    elif _is_file_spec(value):
        stream = value[0]
        filename = value[1] if len(value) > 1 and value[1] is not None else ""
        content_type = value[2] if len(value) > 2 else None
    elif hasattr(value, "read"):
        stream = value
        filename = _basename(getattr(value, "name", None))
        content_type = None
    else:
        return _head(disposition), str(value).encode("utf-8")
    if content_type is None:
        content_type = _guess_type(filename)
    disposition += f"; {_disposition_param('filename', filename)}"
    content = stream.read()
    if isinstance(content, str):
        content = content.encode("utf-8")
    return _head(disposition, content_type), content


def _head(disposition: str, content_type: str | None = None) -> bytes:
    """Build a part's header block."""
    lines = f"Content-Disposition: {disposition}\r\n"
    if content_type is not None:
        lines += f"Content-Type: {content_type}\r\n"
    return lines.encode("utf-8")


def _disposition_param(key: str, value: str) -> str:
    """Format a Content-Disposition parameter that our decoder reads back."""
    if any(ord(char) < 0x20 or char == "\x7f" for char in value):
        # Control characters cannot go in a header line: RFC 2231 encoding.
        return f"{key}*=UTF-8''{urllib.parse.quote(value, safe='')}"
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return f'{key}="{escaped}"'


def _basename(name: object) -> str:
    """Return the last path component of a stream's name, if it has one."""
    if not isinstance(name, str) or (name.startswith("<") and name.endswith(">")):
        return ""
    return name.replace("\\", "/").rsplit("/", 1)[-1]


def _guess_type(filename: str) -> str:
    """Guess a file's content type from its extension, without any I/O."""
    _, dot, extension = filename.rpartition(".")
    if dot:
        # types_map holds Python's built-in table; reading it loads no files,
        # unlike mimetypes.guess_type.
        guessed = mimetypes.types_map.get("." + extension.lower())
        if guessed is not None:
            return guessed
    return "application/octet-stream"
