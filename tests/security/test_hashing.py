"""kolben.security: Werkzeug's hash formats, argon2, rehashing, helpers."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable

import pytest

from kolben import Kolben, request
from kolben.security import (
    check_password_hash,
    check_password_hash_async,
    gen_salt,
    generate_password_hash,
    generate_password_hash_async,
    needs_rehash,
    safe_join,
    safe_str_cmp,
)
from kolben.testing import KolbenClient

# Made once by Werkzeug 3.1's generate_password_hash and pasted here, so the
# test checks what a Flask app has stored, not what kolben makes.
WERKZEUG_HASHES = [
    (
        "correct horse battery staple",
        "scrypt:32768:8:1$6oyzzaZf65Jux0SP$37fcc0385d880ccfa1a50782327704b29455e27e"
        "20099e68972cff1c53db2dcb30ef57b080c71857bb31c0926c548bba919b7f22883f7a3bf0"
        "d6e6abd6a699a8",
    ),
    (
        "correct horse battery staple",
        "pbkdf2:sha256:1000000$ZW1hC9T13aE90geq$fac14123f6c59847ea17e826440ebda42f1"
        "ca5694b1ba558cdabd48cda491d1d",
    ),
    (
        "pässwörd ✓",
        "pbkdf2:sha512:1000$XMvbEo2HjjTh50f9$8290f7f8947e04c16dcd93629f983b0ce01664"
        "6e9791498f1840b8890dff47186954f49edf7a00ae9afbcd553b5bc6e5da7257426cb27635"
        "f0c67242bd2d1b03",
    ),
    (
        "pässwörd ✓",
        "scrypt:16384:8:1$cZN7ENqV$212eb8dfed02578e6f09ee8b15cc04dc801b305d0bba948b"
        "eb0c35d09ff6a028095e04b25e0451de49522ec8f15b125c8c3e1cc5985c2332f435297da7"
        "f6e17d",
    ),
]
# Made by argon2-cffi's PasswordHasher().hash, as another app may store it.
ARGON2_HASH = (
    "$argon2id$v=19$m=65536,t=3,p=4$GB8HS6Qw8dKcxqPI001AXg"
    "$PENsfZnXEWOZjjeKsW8WYxrVh/eCQnCz381prs2865A"
)
# Cheap argon2 parameters, so the tests stay fast.
FAST_ARGON2 = "argon2:1:8:1"
FAST_SCRYPT = "scrypt:1024:8:1"


@pytest.mark.parametrize(("password", "pwhash"), WERKZEUG_HASHES)
def test_hashes_made_by_werkzeug_verify(password: str, pwhash: str) -> None:
    assert check_password_hash(pwhash, password)
    assert not check_password_hash(pwhash, password.upper())


def test_default_is_scrypt_in_werkzeugs_format() -> None:
    pwhash = generate_password_hash("secret")
    method, salt, digest = pwhash.split("$")
    assert method == "scrypt:32768:8:1"
    assert len(salt) == 16 and len(digest) == 128
    assert check_password_hash(pwhash, "secret")
    assert not check_password_hash(pwhash, "Secret")


@pytest.mark.parametrize(
    ("method", "recorded"),
    [
        ("pbkdf2:sha256:1000", "pbkdf2:sha256:1000"),
        ("pbkdf2:sha1:10", "pbkdf2:sha1:10"),
        (FAST_SCRYPT, FAST_SCRYPT),
    ],
)
def test_methods_record_their_parameters(method: str, recorded: str) -> None:
    pwhash = generate_password_hash("pw", method=method, salt_length=8)
    assert pwhash.split("$")[0] == recorded
    assert len(pwhash.split("$")[1]) == 8
    assert check_password_hash(pwhash, "pw")


def test_two_hashes_of_one_password_differ() -> None:
    a = generate_password_hash("pw", FAST_SCRYPT)
    b = generate_password_hash("pw", FAST_SCRYPT)
    assert a != b
    assert check_password_hash(a, "pw") and check_password_hash(b, "pw")


def test_argon2_makes_phc_strings_and_checks_by_prefix() -> None:
    pwhash = generate_password_hash("pw", method=FAST_ARGON2)
    assert pwhash.startswith("$argon2id$v=19$m=8,t=1,p=1$")
    assert check_password_hash(pwhash, "pw")
    assert not check_password_hash(pwhash, "pW")
    assert check_password_hash(ARGON2_HASH, "correct horse battery staple")
    assert not check_password_hash(ARGON2_HASH, "correct horse battery")


def test_argon2_default_parameters_are_argon2_cffis() -> None:
    assert generate_password_hash("pw", "argon2").startswith(
        "$argon2id$v=19$m=65536,t=3,p=4$"
    )


@pytest.mark.parametrize(
    "pwhash",
    [
        "",
        "no dollar signs",
        "scrypt$only-two",
        "$argon2id$v=19$m=8,t=1,p=1$garbage",
        "$argon2id$",
    ],
)
def test_malformed_hashes_match_nothing(pwhash: str) -> None:
    assert check_password_hash(pwhash, "pw") is False


def test_an_unknown_stored_method_is_an_error_as_in_werkzeug() -> None:
    with pytest.raises(ValueError, match="Invalid hash method 'md5'"):
        check_password_hash("md5$salt$abc", "pw")
    with pytest.raises(ValueError, match="Invalid hash method"):
        generate_password_hash("pw", method="plain")


@pytest.mark.parametrize(
    ("method", "message"),
    [
        ("scrypt:1:2", "'scrypt' takes 3 arguments"),
        ("pbkdf2:sha256:1:2", "'pbkdf2' takes 2 arguments"),
        ("argon2:1:2", "'argon2' takes 3 arguments"),
    ],
)
def test_wrong_parameter_counts_say_so(method: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        generate_password_hash("pw", method=method)


def test_salt_must_not_be_empty() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        generate_password_hash("pw", salt_length=0)
    with pytest.raises(ValueError, match="at least 8"):
        generate_password_hash("pw", FAST_ARGON2, salt_length=4)
    assert len(gen_salt(40)) == 40


def test_a_password_that_is_not_text_matches_nothing() -> None:
    # JSON can carry a lone surrogate, which UTF-8 cannot encode.
    pwhash = generate_password_hash("pw", FAST_SCRYPT)
    assert check_password_hash(pwhash, "\ud800") is False
    argon = generate_password_hash("pw", FAST_ARGON2)
    assert check_password_hash(argon, "\ud800") is False


def test_needs_rehash_compares_methods_and_parameters() -> None:
    scrypt_default = WERKZEUG_HASHES[0][1]
    pbkdf2_default = WERKZEUG_HASHES[1][1]
    assert not needs_rehash(scrypt_default)
    assert not needs_rehash(scrypt_default, "scrypt:32768:8:1")
    assert needs_rehash(scrypt_default, "scrypt:65536:8:1")
    assert needs_rehash(pbkdf2_default)
    assert not needs_rehash(pbkdf2_default, "pbkdf2")
    assert not needs_rehash(pbkdf2_default, "pbkdf2:sha256")
    assert needs_rehash(WERKZEUG_HASHES[2][1], "pbkdf2")
    assert needs_rehash(scrypt_default, "argon2")
    assert needs_rehash("garbage", "scrypt")
    assert needs_rehash("md5$salt$abc", "scrypt")


def test_needs_rehash_for_argon2_reads_its_parameters() -> None:
    fast = generate_password_hash("pw", FAST_ARGON2)
    assert not needs_rehash(fast, FAST_ARGON2)
    assert needs_rehash(fast, "argon2:2:8:1")
    assert needs_rehash(fast, "argon2")
    assert not needs_rehash(ARGON2_HASH, "argon2")
    assert needs_rehash(ARGON2_HASH, "scrypt")
    assert needs_rehash("$argon2id$broken", "argon2")


def test_safe_str_cmp_takes_any_text() -> None:
    assert safe_str_cmp("abc", "abc")
    assert safe_str_cmp(b"abc", "abc")
    assert not safe_str_cmp("abc", "abd")
    assert not safe_str_cmp("abc", "abcd")
    # hmac.compare_digest raises TypeError for non-ASCII text.
    assert safe_str_cmp("ä✓", "ä✓")
    assert not safe_str_cmp("token", "tökén")
    assert not safe_str_cmp("token", "\ud800")


def test_safe_join_is_the_cores() -> None:
    from kolben import files

    assert safe_join is files.safe_join
    assert safe_join("/srv/www", "a/b.txt") == "/srv/www/a/b.txt"
    for hostile in ("../etc/passwd", "/etc/passwd", "a/../../b", "a\0b"):
        assert safe_join("/srv/www", hostile) is None


def test_async_twins_hash_and_check() -> None:
    async def main() -> tuple[str, bool, bool]:
        pwhash = await generate_password_hash_async("pw", FAST_SCRYPT, 12)
        ok = await check_password_hash_async(pwhash, "pw")
        bad = await check_password_hash_async(pwhash, "nope")
        return pwhash, ok, bad

    pwhash, ok, bad = asyncio.run(main())
    assert pwhash.startswith(f"{FAST_SCRYPT}$") and len(pwhash.split("$")[1]) == 12
    assert ok and not bad


def test_async_hashing_runs_in_another_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    from kolben.security import _hashing

    seen: list[str] = []
    real = _hashing.check_password_hash

    def spy(pwhash: str, password: str) -> bool:
        seen.append(threading.current_thread().name)
        return real(pwhash, password)

    monkeypatch.setattr(_hashing, "check_password_hash", spy)
    pwhash = generate_password_hash("pw", FAST_SCRYPT)

    async def main() -> bool:
        seen.append(threading.current_thread().name)
        return await check_password_hash_async(pwhash, "pw")

    assert asyncio.run(main())
    assert seen[0] != seen[1] and seen[1].startswith("kolben-sync")


def _login_app() -> Kolben:
    app = Kolben(__name__)
    stored = generate_password_hash("hunter2", FAST_SCRYPT)

    @app.post("/sync")
    def sync_login() -> dict[str, bool]:
        return {"ok": check_password_hash(stored, request.get_json()["password"])}

    @app.post("/async")
    async def async_login() -> dict[str, bool]:
        password = request.get_json()["password"]
        return {"ok": await check_password_hash_async(stored, password)}

    return app


@pytest.mark.parametrize("path", ["/sync", "/async"])
def test_login_views_under_both_protocols(
    make_client: Callable[[Kolben], KolbenClient], path: str
) -> None:
    client = make_client(_login_app())
    assert client.post(path, json={"password": "hunter2"}).get_json() == {"ok": True}
    assert client.post(path, json={"password": "hunter3"}).get_json() == {"ok": False}
    # A lone surrogate in the JSON is a wrong password, not a 500.
    r = client.post(
        path, data=b'{"password": "\\ud800"}', content_type="application/json"
    )
    assert r.status_code == 200 and r.get_json() == {"ok": False}
