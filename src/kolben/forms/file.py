"""File fields and validators for uploads in ``request.files``.

Example::

    class AvatarForm(KolbenForm):
        image = FileField(validators=[
            FileRequired(), FileAllowed(["png", "jpg"]), FileSize(2_000_000),
        ])

The data of a :class:`FileField` is a :class:`kolben.http.files.FileStorage`
(``None`` when no file was chosen); of a :class:`MultipleFileField`, a list
of them. Under ASGI an upload larger than the form memory limit is spooled to
a temporary file before the view runs, as every request body is.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import Any

from wtforms import FileField as _FileField
from wtforms import MultipleFileField as _MultipleFileField
from wtforms.validators import DataRequired, StopValidation, ValidationError

from ..http.files import FileStorage

__all__ = [
    "FileAllowed",
    "FileField",
    "FileRequired",
    "FileSize",
    "MultipleFileField",
    "file_allowed",
    "file_required",
    "file_size",
]


def _uploads(values: Iterable[Any]) -> list[FileStorage]:
    # A file input left empty still sends a part, with no file name.
    return [v for v in values if isinstance(v, FileStorage) and v]


class FileField(_FileField):
    """A file input whose data is the uploaded :class:`FileStorage`."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        """Take the first upload sent; no upload leaves ``data`` ``None``."""
        files = _uploads(valuelist)
        if files:
            self.data = files[0]
        else:
            self.raw_data = ()


class MultipleFileField(_MultipleFileField):
    """A file input with ``multiple``; its data is a list of uploads."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        """Take every upload sent; none leaves ``data`` ``None``."""
        files = _uploads(valuelist)
        if files:
            self.data = files
        else:
            self.raw_data = ()


def _files_of(field: Any) -> list[FileStorage]:
    """Return the field's uploads; an empty list when any is missing."""
    data = field.data if isinstance(field.data, list) else [field.data]
    files = _uploads(data)
    return files if files and len(files) == len(data) else []


class FileRequired(DataRequired):
    """Stop validation unless the field has an upload (each, if several).

    :param message: the error; "This field is required." by default.
    """

    def __call__(self, form: Any, field: Any) -> None:
        """Validate ``field``."""
        if not _files_of(field):
            raise StopValidation(
                self.message or field.gettext("This field is required.")
            )


class FileAllowed:
    """Allow only uploads with one of the given extensions.

    :param upload_set: extensions (``["png", "jpg"]``, case-insensitive), or
        an upload set: an object whose ``file_allowed(storage, basename)``
        decides, as Flask-Uploads' ``UploadSet``.
    :param message: the error; names the extensions by default.
    """

    def __init__(self, upload_set: Any, message: str | None = None) -> None:
        """Take the allowed extensions and the error message."""
        self.upload_set = upload_set
        self.message = message

    def __call__(self, form: Any, field: Any) -> None:
        """Validate ``field``; no upload passes (see :class:`FileRequired`)."""
        for upload in _files_of(field):
            filename = (upload.filename or "").lower()
            if isinstance(self.upload_set, Iterable):
                # endswith, not splitext: "tar.gz" is an extension too.
                if any(filename.endswith(f".{x}".lower()) for x in self.upload_set):
                    continue
                raise StopValidation(
                    self.message
                    or field.gettext(
                        "File does not have an approved extension: {extensions}"
                    ).format(extensions=", ".join(self.upload_set))
                )
            if not self.upload_set.file_allowed(upload, filename):
                raise StopValidation(
                    self.message
                    or field.gettext("File does not have an approved extension.")
                )


class FileSize:
    """Allow only uploads of ``min_size`` to ``max_size`` bytes.

    :param max_size: the largest size allowed, in bytes.
    :param min_size: the smallest size allowed, in bytes.
    :param message: the error; gives both bounds by default.
    """

    def __init__(
        self, max_size: int, min_size: int = 0, message: str | None = None
    ) -> None:
        """Take the largest and smallest size in bytes, and the message."""
        self.min_size = min_size
        self.max_size = max_size
        self.message = message

    def __call__(self, form: Any, field: Any) -> None:
        """Validate ``field``; no upload passes (see :class:`FileRequired`)."""
        for upload in _files_of(field):
            size = _size(upload)
            if size < self.min_size or size > self.max_size:
                raise ValidationError(
                    self.message
                    or field.gettext(
                        "File must be between {min_size} and {max_size} bytes."
                    ).format(min_size=self.min_size, max_size=self.max_size)
                )


def _size(upload: FileStorage) -> int:
    """Return the upload's size without reading it into memory."""
    stream = upload.stream
    position = stream.tell()
    try:
        return stream.seek(0, os.SEEK_END)
    finally:
        stream.seek(position)


file_required = FileRequired
file_allowed = FileAllowed
file_size = FileSize
