"""The content codings: gzip and deflate (zlib), br (brotli), zstd (zstandard).

brotli and zstandard are imported only when an app's settings name them
(the defaults name both, and leave out those not installed); each
streaming compressor flushes after every chunk, so a streamed response
reaches the client as it is made.
"""

from __future__ import annotations

import gzip
import importlib
import zlib
from collections.abc import Mapping
from functools import lru_cache
from typing import Any, Protocol

#: The coding, the module it needs and the kolben extra that installs it.
LIBRARIES = {"br": ("brotli", "brotli"), "zstd": ("zstandard", "zstd")}
KNOWN = ("zstd", "br", "gzip", "deflate")


class Compressor(Protocol):
    """Compress a stream chunk by chunk."""

    def compress(self, data: bytes) -> bytes:
        """Return ``data`` compressed and flushed, so the client can decode it."""

    def finish(self) -> bytes:
        """Return the end of the stream."""


def available(coding: str) -> bool:
    """Return whether the library of ``coding`` is installed."""
    library = LIBRARIES.get(coding)
    if library is None:
        return True
    try:
        importlib.import_module(library[0])
    except ImportError:
        return False
    return True


def require(coding: str) -> None:
    """Raise an ``ImportError`` naming the extra, if ``coding``'s library is missing.

    :raises ValueError: ``coding`` is not one kolben.compress knows.
    """
    if coding not in KNOWN:
        raise ValueError(
            f"kolben.compress knows the codings {', '.join(KNOWN)}; not {coding!r}."
        )
    if not available(coding):
        module, extra = LIBRARIES[coding]
        raise ImportError(
            f"COMPRESS_ALGORITHM names {coding!r}, which needs the '{module}'"
            f" package: install it with 'pip install kolben[{extra}]'."
        )


def compress(config: Mapping[str, Any], data: bytes, coding: str) -> bytes:
    """Return ``data`` compressed with ``coding`` at the configured level."""
    if coding == "gzip":
        # mtime=0: the same body compresses to the same bytes every time.
        return gzip.compress(data, config["COMPRESS_LEVEL"], mtime=0)
    if coding == "deflate":
        return zlib.compress(data, config["COMPRESS_DEFLATE_LEVEL"])
    if coding == "br":
        brotli: Any = importlib.import_module("brotli")
        return bytes(brotli.compress(data, **_brotli_options(config)))
    zstandard: Any = importlib.import_module("zstandard")
    return bytes(
        zstandard.ZstdCompressor(level=config["COMPRESS_ZSTD_LEVEL"]).compress(data)
    )


def compressor(config: Mapping[str, Any], coding: str) -> Compressor:
    """Return a streaming compressor for ``coding``."""
    if coding == "gzip":
        return _Zlib(config["COMPRESS_LEVEL"], zlib.MAX_WBITS | 16)
    if coding == "deflate":
        return _Zlib(config["COMPRESS_DEFLATE_LEVEL"], zlib.MAX_WBITS)
    if coding == "br":
        return _Brotli(config)
    return _Zstd(config["COMPRESS_ZSTD_LEVEL"])


def _brotli_options(config: Mapping[str, Any]) -> dict[str, int]:
    return {
        "mode": config["COMPRESS_BR_MODE"],
        "quality": config["COMPRESS_BR_LEVEL"],
        "lgwin": config["COMPRESS_BR_WINDOW"],
        "lgblock": config["COMPRESS_BR_BLOCK"],
    }


class _Zlib:
    def __init__(self, level: int, wbits: int) -> None:
        self._c = zlib.compressobj(level, zlib.DEFLATED, wbits)

    def compress(self, data: bytes) -> bytes:
        return self._c.compress(data) + self._c.flush(zlib.Z_SYNC_FLUSH)

    def finish(self) -> bytes:
        return self._c.flush()


class _Brotli:
    def __init__(self, config: Mapping[str, Any]) -> None:
        brotli: Any = importlib.import_module("brotli")
        self._c = brotli.Compressor(**_brotli_options(config))

    def compress(self, data: bytes) -> bytes:
        return bytes(self._c.process(data)) + bytes(self._c.flush())

    def finish(self) -> bytes:
        return bytes(self._c.finish())


class _Zstd:
    def __init__(self, level: int) -> None:
        self._zstandard: Any = importlib.import_module("zstandard")
        self._c = self._zstandard.ZstdCompressor(level=level).compressobj()

    def compress(self, data: bytes) -> bytes:
        flushed = self._c.flush(self._zstandard.COMPRESSOBJ_FLUSH_BLOCK)
        return bytes(self._c.compress(data)) + bytes(flushed)

    def finish(self) -> bytes:
        return bytes(self._c.flush())


# PERF: browsers send a handful of distinct Accept-Encoding values.
@lru_cache(maxsize=256)
def choose(codings: tuple[str, ...], accept_encoding: str) -> str | None:
    """Return the coding to use: the client's highest q, ties in server order.

    ``*`` stands for any coding not named; ``q=0`` refuses a coding.

    :param codings: the server's codings, preferred first.
    :param accept_encoding: the request's ``Accept-Encoding``.
    """
    quality: dict[str, float] = {}
    wildcard: float | None = None
    for part in accept_encoding.lower().split(","):
        name, _, params = part.partition(";")
        name = name.strip()
        q = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if name == "*":
            wildcard = q
        elif name:
            quality[name] = max(q, quality.get(name, 0.0))
    best, best_q = None, 0.0
    for coding in codings:
        q = quality.get(coding, wildcard if wildcard is not None else 0.0)
        if q > best_q:
            best, best_q = coding, q
    return best
