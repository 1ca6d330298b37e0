"""Tests for kolben.http.auth."""

from __future__ import annotations

import base64
import copy

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kolben.http.auth import (
    Authorization,
    WWWAuthenticate,
    parse_authorization_header,
)


def basic(raw: bytes) -> str:
    return "Basic " + base64.b64encode(raw).decode("ascii")


def test_basic_credentials():
    auth = Authorization.from_header(basic(b"alice:s3cr:et"))
    assert auth is not None
    assert auth.type == "basic"
    assert auth.username == "alice"
    assert auth.password == "s3cr:et"
    assert auth.token is None
    assert auth.to_header() == basic(b"alice:s3cr:et")


def test_basic_decodes_utf8_then_latin1():
    utf8 = Authorization.from_header(basic("jörg:pä".encode()))
    assert utf8 is not None and utf8.username == "jörg" and utf8.password == "pä"
    latin1 = Authorization.from_header(basic("jörg:x".encode("latin-1")))
    assert latin1 is not None and latin1.username == "jörg"


@pytest.mark.parametrize(
    "header",
    [
        None,
        "",
        "Basic",
        "Basic !!!notbase64",
        "Basic " + base64.b64encode(b"no-colon").decode(),
        "Basic é",
        "   ",
        "Bearer",
        "Bearer   ",
    ],
)
def test_invalid_headers_give_none(header):
    assert Authorization.from_header(header) is None


def test_scheme_is_case_insensitive():
    auth = Authorization.from_header(basic(b"a:b").replace("Basic", "bAsIc"))
    assert auth is not None and auth.type == "basic"


def test_bearer_token():
    auth = Authorization.from_header("Bearer abc.def-ghi==")
    assert auth is not None
    assert auth.type == "bearer"
    assert auth.token == "abc.def-ghi=="
    assert auth.username is None
    assert auth.to_header() == "Bearer abc.def-ghi=="


def test_other_schemes_give_token_or_parameters():
    digest = Authorization.from_header(
        'Digest username="Mufasa", realm="test@host.com", nc=00000001, qop=auth'
    )
    assert digest is not None
    assert digest.type == "digest"
    assert digest.parameters == {
        "username": "Mufasa",
        "realm": "test@host.com",
        "nc": "00000001",
        "qop": "auth",
    }
    assert digest.username == "Mufasa"
    assert digest.realm == "test@host.com"
    assert digest.missing is None
    assert digest.to_header() == (
        'Digest username=Mufasa, realm="test@host.com", nc=00000001, qop=auth'
    )
    token = Authorization.from_header("Token abc123==")
    assert token is not None
    assert token.token == "abc123=="


def test_parse_authorization_header_is_the_function_form():
    assert parse_authorization_header("Bearer x") == Authorization("bearer", token="x")
    assert parse_authorization_header("junk") is None


def test_attribute_access_does_not_break_copy():
    auth = Authorization("basic", {"username": "a", "password": "b"})
    assert copy.deepcopy(auth) == auth
    with pytest.raises(AttributeError):
        auth._private  # noqa: B018
    assert auth != "basic"
    assert repr(auth) == "<Authorization 'basic'>"
    assert str(auth) == auth.to_header()


def test_www_authenticate():
    challenge = WWWAuthenticate("basic", {"realm": 'Login "here"'})
    assert challenge.to_header() == 'Basic realm="Login \\"here\\""'
    assert challenge.realm == 'Login "here"'
    assert str(challenge) == challenge.to_header()
    digest = WWWAuthenticate(
        "digest", {"realm": "r", "nonce": "n", "algorithm": "MD5", "stale": "true"}
    )
    assert digest.to_header() == (
        'Digest realm="r", nonce="n", algorithm=MD5, stale=true'
    )
    assert WWWAuthenticate("bearer").to_header() == "Bearer"
    assert WWWAuthenticate("negotiate", token="abc").to_header() == "Negotiate abc"
    assert repr(WWWAuthenticate("bearer")) == "<WWWAuthenticate 'Bearer'>"
    with pytest.raises(AttributeError):
        WWWAuthenticate("bearer")._x  # noqa: B018


def test_www_authenticate_from_header_round_trips():
    challenge = WWWAuthenticate("basic", {"realm": "a, b", "charset": "UTF-8"})
    assert WWWAuthenticate.from_header(challenge.to_header()) == challenge
    assert WWWAuthenticate.from_header("Bearer") == WWWAuthenticate("bearer")
    assert WWWAuthenticate.from_header("Negotiate tok") == WWWAuthenticate(
        "negotiate", token="tok"
    )
    assert WWWAuthenticate.from_header("") is None
    assert WWWAuthenticate("a") != "a"


@given(st.text())
def test_from_header_never_raises(value):
    Authorization.from_header(value)
    WWWAuthenticate.from_header(value)
    Authorization.from_header("Basic " + value)
    Authorization.from_header("Digest " + value)


_userpass = st.text(alphabet=st.characters(codec="utf-8"), max_size=20)


@given(_userpass.filter(lambda s: ":" not in s), _userpass)
def test_basic_round_trips(username, password):
    auth = Authorization("basic", {"username": username, "password": password})
    assert Authorization.from_header(auth.to_header()) == auth


def test_www_authenticate_reports_changes_to_its_owner():
    seen: list[str] = []
    challenge = WWWAuthenticate("basic", {"realm": "a"})
    challenge._on_update = lambda c: seen.append(c.to_header())
    challenge.realm = "b"
    challenge["charset"] = "UTF-8"
    challenge["charset"] = None
    del challenge.realm
    challenge.parameters = {"realm": "c"}
    challenge.parameters["x"] = "y"
    challenge.type = "digest"
    challenge.token = "tok"
    assert seen == [
        'Basic realm="b"',
        'Basic realm="b", charset="UTF-8"',
        'Basic realm="b"',
        "Basic",
        'Basic realm="c"',
        'Basic realm="c", x="y"',
        'Digest realm="c", x="y"',
        "Digest tok",
    ]
    assert "realm" in challenge and challenge.get("nope", "d") == "d"
    assert challenge["realm"] == "c"
    del challenge["nope"]  # missing: nothing to do
