"""Response compression for kolben apps: Flask-Compress's API.

::

    from kolben.compress import Compress

    Compress(app)

gzip and deflate by default; br with ``pip install kolben[brotli]``, zstd
with ``pip install kolben[zstd]``, chosen by the client's
``Accept-Encoding`` and its q-values. Streamed responses are compressed as
they stream. ``docs/compress.md`` has the ``COMPRESS_*`` settings.
"""

from __future__ import annotations

from .extension import Compress as Compress

__all__ = ["Compress"]
