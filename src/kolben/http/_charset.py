"""Charset names that a client chose: looked up without ever raising."""

from __future__ import annotations

import codecs

__all__ = ["decode_text", "text_codec"]


def text_codec(name: str) -> str | None:
    """Return the canonical name of a text encoding, or ``None``.

    ``None`` means the name is unknown, malformed (a NUL, a surrogate) or
    names a codec that does not turn bytes into text (``rot13``, ``zlib``,
    ``base64``), so the caller leaves the data as it is.

    :param name: A charset name from a header, e.g. ``"UTF-8"``.
    """
    # SECURITY: the name comes from the client, and codecs.lookup raises
    # LookupError, ValueError or UnicodeError for names it cannot use.
    try:
        info = codecs.lookup(name)
    except (LookupError, ValueError):
        return None
    if not getattr(info, "_is_text_encoding", True):
        return None
    return info.name


def decode_text(data: bytes, charset: str, errors: str = "strict") -> str | None:
    """Decode *data* with a client-chosen charset; ``None`` if it cannot.

    Any failure is ``None``: an unusable charset name, bytes the codec
    refuses, or a codec that raises on its own (``idna`` and ``punycode``
    raise ``UnicodeError`` for bytes they cannot take, and for any
    *errors* handler but ``"strict"``).

    :param data: The bytes to decode.
    :param charset: The charset name the client sent.
    :param errors: The codec error handler, e.g. ``"replace"``.
    """
    codec = text_codec(charset)
    if codec is None:
        return None
    try:
        return data.decode(codec, errors)
    except (UnicodeError, ValueError, LookupError):
        return None
