"""Password hashing for Flaskr: salted scrypt from the standard library."""

from __future__ import annotations

import functools
import hashlib
import hmac
import re
import secrets

#: scrypt's cost: 2**14 blocks of 8 * 128 bytes, 16 MiB and ~50 ms per hash.
DEFAULT_COST = 2**14
_BLOCK_SIZE = 8
_PARALLELISM = 1
_SALT_BYTES = 16
_KEY_BYTES = 32
# SECURITY: a stored hash names its own parameters, so they are bounded before
# use; a corrupt row must not make one login allocate gigabytes.
_MAX_COST = 2**16
_MAX_BLOCK_SIZE = 16
_MAX_PARALLELISM = 4
_MAX_KEY_BYTES = 64
_MAXMEM = 128 * _MAX_COST * _MAX_BLOCK_SIZE + 2**20
_FORMAT = re.compile(
    r"scrypt\$([0-9]{1,7})\$([0-9]{1,3})\$([0-9]{1,3})\$([0-9a-f]+)\$([0-9a-f]+)"
)


def hash_password(password: str, *, cost: int = DEFAULT_COST) -> str:
    """Hash ``password`` with a fresh random salt for storing.

    The result reads ``scrypt$n$r$p$salt$key`` (salt and key in hex), so
    :func:`check_password` can verify it even after the defaults change.

    :param password: the password as the user typed it.
    :param cost: scrypt's ``n``, a power of two; lower only in tests.
    """
    salt = secrets.token_bytes(_SALT_BYTES)
    key = _derive(password, salt, cost, _BLOCK_SIZE, _PARALLELISM, _KEY_BYTES)
    return f"scrypt${cost}${_BLOCK_SIZE}${_PARALLELISM}${salt.hex()}${key.hex()}"


def check_password(stored: str, password: str) -> bool:
    """Return whether ``password`` matches the ``stored`` hash.

    A malformed or out-of-bounds ``stored`` value never matches.

    :param stored: a value made by :func:`hash_password`.
    :param password: the password to check.
    """
    match = _FORMAT.fullmatch(stored)
    if match is None:
        return False
    n, r, p = (int(group) for group in match.group(1, 2, 3))
    salt_hex, key_hex = match.group(4, 5)
    if len(salt_hex) % 2 or len(key_hex) % 2 or len(key_hex) > 2 * _MAX_KEY_BYTES:
        return False
    if not (
        _valid_cost(n) and 1 <= r <= _MAX_BLOCK_SIZE and 1 <= p <= _MAX_PARALLELISM
    ):
        return False
    key = bytes.fromhex(key_hex)
    candidate = _derive(password, bytes.fromhex(salt_hex), n, r, p, len(key))
    # SECURITY: a constant-time comparison does not reveal how many leading
    # bytes of a guess were right.
    return hmac.compare_digest(candidate, key)


def check_no_user(password: str) -> bool:
    """Spend the time of a real check for a user that does not exist.

    :param password: the password that was sent.
    """
    # SECURITY: answering an unknown username faster than a wrong password
    # would tell an attacker which usernames are registered.
    check_password(_dummy_hash(), password)
    return False


@functools.cache
def _dummy_hash() -> str:
    return hash_password(secrets.token_urlsafe())


def _valid_cost(n: int) -> bool:
    return 1 < n <= _MAX_COST and n & (n - 1) == 0


def _derive(password: str, salt: bytes, n: int, r: int, p: int, size: int) -> bytes:
    # SECURITY: scrypt keys HMAC with the password, and HMAC pads short keys
    # with zero bytes, so "pw" and "pw\0" would share a hash. A fixed-length
    # digest of the password removes that ambiguity.
    secret = hashlib.sha256(password.encode("utf-8")).digest()
    return hashlib.scrypt(secret, salt=salt, n=n, r=r, p=p, maxmem=_MAXMEM, dklen=size)
