"""Flaskr's password hashes: salted, verified in constant time, bounded."""

from __future__ import annotations

from types import ModuleType

from hypothesis import given
from hypothesis import strategies as st

# A tiny scrypt cost keeps a hundred examples fast; the format is the same.
COST = 4


@given(password=st.text(), other=st.text())
def test_a_hash_matches_its_password_only(
    flaskr: ModuleType, password: str, other: str
) -> None:
    stored = flaskr.passwords.hash_password(password, cost=COST)
    assert stored.startswith(f"scrypt${COST}$8$1$")
    assert flaskr.passwords.check_password(stored, password)
    assert flaskr.passwords.check_password(stored, other) == (other == password)


def test_trailing_zero_bytes_make_another_password(flaskr: ModuleType) -> None:
    # HMAC, inside scrypt, pads short keys with zero bytes.
    stored = flaskr.passwords.hash_password("pw", cost=COST)
    assert not flaskr.passwords.check_password(stored, "pw\x00")
    empty = flaskr.passwords.hash_password("", cost=COST)
    assert not flaskr.passwords.check_password(empty, "\x00")


def test_each_hash_has_its_own_salt(flaskr: ModuleType) -> None:
    first = flaskr.passwords.hash_password("same")
    second = flaskr.passwords.hash_password("same")
    assert first != second
    assert first.startswith("scrypt$16384$8$1$")
    assert flaskr.passwords.check_password(first, "same")
    assert flaskr.passwords.check_password(second, "same")


def test_a_tampered_hash_never_matches(flaskr: ModuleType) -> None:
    stored = flaskr.passwords.hash_password("pw", cost=COST)
    head, key = stored.rsplit("$", 1)
    flipped = format(int(key[0], 16) ^ 1, "x") + key[1:]
    assert not flaskr.passwords.check_password(f"{head}${flipped}", "pw")
    assert not flaskr.passwords.check_password(stored.replace("$4$", "$8$", 1), "pw")


@given(stored=st.text())
def test_any_text_is_rejected_not_raised(flaskr: ModuleType, stored: str) -> None:
    assert flaskr.passwords.check_password(stored, "") is False


_hex = st.text(alphabet="0123456789abcdef", min_size=1, max_size=70)


@given(
    n=st.integers(0, 2**21),
    r=st.integers(0, 40),
    p=st.integers(0, 10),
    salt=_hex,
    key=_hex,
)
def test_out_of_bounds_parameters_are_rejected(
    flaskr: ModuleType, n: int, r: int, p: int, salt: str, key: str
) -> None:
    # Well-formed values with random parameters: never a match, never an
    # error, and never a huge allocation for a large n.
    stored = f"scrypt${n}${r}${p}${salt}${key}"
    assert flaskr.passwords.check_password(stored, "pw") is False
