"""Werkzeug's password hash formats, argon2 through argon2-cffi, and helpers."""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from typing import TYPE_CHECKING, Any

from .._concurrency import SyncRunner

if TYPE_CHECKING:
    from argon2 import PasswordHasher

SALT_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
#: Werkzeug 3.1's default iteration count for ``pbkdf2``.
DEFAULT_PBKDF2_ITERATIONS = 1_000_000
_SCRYPT_DEFAULTS = (2**15, 8, 1)

# Hashing is CPU work that releases the GIL: a pool as large as the machine
# has cores keeps it off the event loop without starving the sync views' pool
# (and bounds scrypt's 32 MiB per hash in flight).
_runner = SyncRunner(max(1, os.cpu_count() or 1))


def gen_salt(length: int) -> str:
    """Generate a random string of ``length`` characters from SALT_CHARS.

    :param length: how many characters; at least 1.
    """
    if length <= 0:
        raise ValueError("Salt length must be at least 1.")
    return "".join(secrets.choice(SALT_CHARS) for _ in range(length))


def safe_str_cmp(a: str | bytes, b: str | bytes) -> bool:
    """Compare two strings or byte strings in constant time.

    Unlike :func:`hmac.compare_digest`, it takes any text (text is compared
    as UTF-8), so a value from a request cannot make it raise.

    :param a: the first value, usually the expected secret.
    :param b: the second value, usually what the client sent.
    """
    if isinstance(a, str):
        a = a.encode("utf-8", "surrogatepass")
    if isinstance(b, str):
        b = b.encode("utf-8", "surrogatepass")
    return hmac.compare_digest(a, b)


def _scrypt_args(args: list[str]) -> tuple[int, int, int]:
    if not args:
        return _SCRYPT_DEFAULTS
    try:
        n, r, p = map(int, args)
    except ValueError:
        raise ValueError("'scrypt' takes 3 arguments.") from None
    return n, r, p


def _pbkdf2_args(args: list[str]) -> tuple[str, int]:
    if len(args) > 2:
        raise ValueError("'pbkdf2' takes 2 arguments.")
    hash_name = args[0] if args else "sha256"
    iterations = int(args[1]) if len(args) == 2 else DEFAULT_PBKDF2_ITERATIONS
    return hash_name, iterations


def _normalized(method: str) -> str:
    """Return ``method`` with its defaults filled in, as hashes record it."""
    name, *args = method.split(":")
    if name == "scrypt":
        return "scrypt:{}:{}:{}".format(*_scrypt_args(args))
    if name == "pbkdf2":
        return "pbkdf2:{}:{}".format(*_pbkdf2_args(args))
    raise ValueError(f"Invalid hash method '{name}'.")


def _hash_internal(method: str, salt: str, password: bytes) -> tuple[str, str]:
    """Return the hex digest of ``password`` and the full method string."""
    actual = _normalized(method)
    name, *args = actual.split(":")
    # The parameters of a stored hash were written by generate_password_hash:
    # whoever can change them can change the hash itself.
    if name == "scrypt":
        n, r, p = _scrypt_args(args)
        digest = hashlib.scrypt(
            password, salt=salt.encode(), n=n, r=r, p=p, maxmem=132 * n * r * p
        )
    else:
        hash_name, iterations = _pbkdf2_args(args)
        digest = hashlib.pbkdf2_hmac(hash_name, password, salt.encode(), iterations)
    return digest.hex(), actual


def _argon2() -> Any:
    try:
        import argon2
    except ImportError as e:  # pragma: no cover - the dev extra installs it
        raise ImportError(
            "Argon2 hashes need argon2-cffi: pip install kolben[argon2]"
        ) from e
    return argon2


def _argon2_hasher(method: str, salt_length: int = 16) -> PasswordHasher:
    """Return a hasher for ``argon2`` or ``argon2:time_cost:memory_cost:lanes``."""
    argon2 = _argon2()
    _, *args = method.split(":")
    if not args:
        hasher: PasswordHasher = argon2.PasswordHasher(salt_len=salt_length)
        return hasher
    try:
        time_cost, memory_cost, parallelism = map(int, args)
    except ValueError:
        raise ValueError(
            "'argon2' takes 3 arguments: time cost, memory cost (KiB), lanes."
        ) from None
    hasher = argon2.PasswordHasher(
        time_cost=time_cost,
        memory_cost=memory_cost,
        parallelism=parallelism,
        salt_len=salt_length,
    )
    return hasher


def generate_password_hash(
    password: str, method: str = "scrypt", salt_length: int = 16
) -> str:
    """Hash a password for storage; check it with :func:`check_password_hash`.

    Methods, with Werkzeug's formats and defaults:

    - ``scrypt`` (the default), parameters ``n:r:p``, default
      ``scrypt:32768:8:1``;
    - ``pbkdf2``, parameters ``hash_name:iterations``, default
      ``pbkdf2:sha256:1000000``;
    - ``argon2`` (argon2id, with the ``argon2`` extra), parameters
      ``time_cost:memory_cost:parallelism``, default argon2-cffi's
      recommended profile. The result is a PHC string, ``$argon2id$...``.

    :param password: the plaintext password.
    :param method: the key derivation function and its parameters.
    :param salt_length: how many characters (bytes for argon2) of salt.
    :raises ValueError: an unknown method, or a password that is not text
        (a lone surrogate cannot be encoded).
    """
    if method.split(":", 1)[0] == "argon2":
        if salt_length < 8:
            raise ValueError("Argon2 needs a salt of at least 8 bytes.")
        return str(_argon2_hasher(method, salt_length).hash(password))
    salt = gen_salt(salt_length)
    digest, actual = _hash_internal(method, salt, password.encode())
    return f"{actual}${salt}${digest}"


def check_password_hash(pwhash: str, password: str) -> bool:
    """Check ``password`` against a hash from :func:`generate_password_hash`.

    Hashes made by Werkzeug's ``generate_password_hash`` verify too. The
    checker is chosen by the hash: ``$argon2`` PHC strings go to argon2-cffi,
    ``method$salt$hash`` to scrypt or pbkdf2.

    :param pwhash: the stored hash.
    :param password: the plaintext password to check.
    :return: whether the password matches. A password that cannot be
        encoded (a lone surrogate from JSON) matches nothing.
    :raises ValueError: the stored hash names an unknown method.
    """
    if pwhash.startswith("$argon2"):
        return _check_argon2(pwhash, password)
    try:
        method, salt, hashval = pwhash.split("$", 2)
    except ValueError:
        return False
    try:
        secret = password.encode()
    except UnicodeEncodeError:
        # SECURITY: Werkzeug raises here, which is a 500 for any client who
        # sends "\ud800" as a password; no stored hash can match it.
        return False
    return safe_str_cmp(_hash_internal(method, salt, secret)[0], hashval)


def _check_argon2(pwhash: str, password: str) -> bool:
    argon2 = _argon2()
    try:
        return bool(argon2.PasswordHasher().verify(pwhash, password))
    except (argon2.exceptions.VerificationError, argon2.exceptions.InvalidHashError):
        return False
    except UnicodeEncodeError:
        return False


def needs_rehash(pwhash: str, method: str = "scrypt") -> bool:
    """Tell whether ``pwhash`` was made with other settings than ``method``.

    Call it after a successful check at login, and store a new hash when it
    says so: hashes then move to new parameters (or from pbkdf2 to scrypt or
    argon2) as users log in.

    Example::

        if check_password_hash(user.password, form.password):
            if needs_rehash(user.password, "argon2"):
                user.password = generate_password_hash(form.password, "argon2")

    :param pwhash: the stored hash.
    :param method: the method new hashes are made with, as given to
        :func:`generate_password_hash`.
    """
    wanted = method.split(":", 1)[0]
    if pwhash.startswith("$argon2"):
        if wanted != "argon2":
            return True
        try:
            return bool(_argon2_hasher(method).check_needs_rehash(pwhash))
        except _argon2().exceptions.InvalidHashError:
            return True
    if wanted == "argon2" or "$" not in pwhash:
        return True
    stored = pwhash.split("$", 1)[0]
    try:
        return _normalized(stored) != _normalized(method)
    except ValueError:
        return True


async def generate_password_hash_async(
    password: str, method: str = "scrypt", salt_length: int = 16
) -> str:
    """Hash a password in a thread; :func:`generate_password_hash`'s async twin.

    Use it in async views: hashing takes tens of milliseconds on purpose,
    and the event loop serves other requests meanwhile.
    """
    return await _runner.run(generate_password_hash, password, method, salt_length)


async def check_password_hash_async(pwhash: str, password: str) -> bool:
    """Check a password in a thread; :func:`check_password_hash`'s async twin."""
    return await _runner.run(check_password_hash, pwhash, password)
