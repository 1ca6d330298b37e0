"""Password hashing and small security helpers, as ``werkzeug.security``.

Hashes keep Werkzeug's formats, so the hashes a Flask app stored verify
unchanged after a move to kolben:

- ``scrypt:n:r:p$salt$hash`` (the default, ``scrypt:32768:8:1``),
- ``pbkdf2:sha256:iterations$salt$hash``,

and, with the ``argon2`` extra (``pip install kolben[argon2]``), argon2id as
the PHC strings argon2-cffi writes (``$argon2id$v=19$m=...,t=...,p=...$...``).
:func:`check_password_hash` picks the checker from the stored hash's prefix,
and :func:`needs_rehash` tells a login view when to store a new hash.

Hashing is slow on purpose. In an async view, ``await``
:func:`generate_password_hash_async` or :func:`check_password_hash_async`,
which hash in a thread and leave the event loop free.

Example::

    from kolben.security import check_password_hash, generate_password_hash

    stored = generate_password_hash("correct horse")
    assert check_password_hash(stored, "correct horse")
"""

from __future__ import annotations

from ..files import safe_join as safe_join
from ._hashing import DEFAULT_PBKDF2_ITERATIONS as DEFAULT_PBKDF2_ITERATIONS
from ._hashing import SALT_CHARS as SALT_CHARS
from ._hashing import check_password_hash as check_password_hash
from ._hashing import check_password_hash_async as check_password_hash_async
from ._hashing import gen_salt as gen_salt
from ._hashing import generate_password_hash as generate_password_hash
from ._hashing import generate_password_hash_async as generate_password_hash_async
from ._hashing import needs_rehash as needs_rehash
from ._hashing import safe_str_cmp as safe_str_cmp

__all__ = [
    "DEFAULT_PBKDF2_ITERATIONS",
    "SALT_CHARS",
    "check_password_hash",
    "check_password_hash_async",
    "gen_salt",
    "generate_password_hash",
    "generate_password_hash_async",
    "needs_rehash",
    "safe_join",
    "safe_str_cmp",
]
