"""Tests for kolben.http.headers."""

from __future__ import annotations

import copy
import encodings.aliases

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kolben.http.exceptions import BadRequestKeyError
from kolben.http.headers import (
    Headers,
    dump_options_header,
    parse_dict_header,
    parse_list_header,
    parse_options_header,
    quote_header_value,
    unquote_header_value,
)

NEWLINE_ERROR = "Header values must not contain newline characters."


def make() -> Headers:
    return Headers(
        [("Content-Type", "text/html"), ("Set-Cookie", "a=1"), ("set-cookie", "b=2")]
    )


def test_construct_from_none_list_dict_and_headers():
    assert len(Headers()) == 0
    assert list(make()) == [
        ("Content-Type", "text/html"),
        ("Set-Cookie", "a=1"),
        ("set-cookie", "b=2"),
    ]
    from_dict = Headers({"X": ["1", "2"], "Y": 3, "Z": ("4",)})
    assert from_dict.to_wsgi_list() == [("X", "1"), ("X", "2"), ("Y", "3"), ("Z", "4")]
    assert Headers(make()) == make()
    assert Headers(iter([("A", "b")])).to_wsgi_list() == [("A", "b")]


def test_getitem_is_case_insensitive_and_supports_indexes():
    headers = make()
    assert headers["content-type"] == "text/html"
    assert headers["SET-COOKIE"] == "a=1"
    assert headers[0] == ("Content-Type", "text/html")
    assert headers[-1] == ("set-cookie", "b=2")
    sliced = headers[1:]
    assert isinstance(sliced, Headers)
    assert sliced.to_wsgi_list() == [("Set-Cookie", "a=1"), ("set-cookie", "b=2")]
    with pytest.raises(BadRequestKeyError):
        headers["Missing"]


def test_get_and_getlist():
    headers = Headers([("Content-Length", "12"), ("X", "a"), ("x", "b")])
    assert headers.get("content-length", type=int) == 12
    assert headers.get("x") == "a"
    assert headers.get("missing") is None
    assert headers.get("missing", "d") == "d"
    assert headers.get("X", -1, type=int) == -1
    assert headers.getlist("X") == ["a", "b"]
    assert headers.get_all("x") == ["a", "b"]
    assert headers.getlist("Content-Length", type=int) == [12]
    assert headers.getlist("X", type=int) == []


def test_set_replaces_all_keeping_position_of_first():
    headers = Headers([("A", "1"), ("B", "2"), ("a", "3"), ("C", "4")])
    headers.set("a", "new")
    assert headers.to_wsgi_list() == [("a", "new"), ("B", "2"), ("C", "4")]
    headers["D"] = 5
    assert headers.to_wsgi_list()[-1] == ("D", "5")
    headers[0] = ("E", "6")
    assert headers[0] == ("E", "6")


def test_add_with_options_quotes_parameters():
    headers = Headers()
    headers.add("Content-Disposition", "attachment", filename="a.txt")
    headers.add_header("Content-Disposition", "inline", filename="a b.txt")
    headers.add("X-Thing", "v", some_option="x")
    assert headers.getlist("content-disposition") == [
        "attachment; filename=a.txt",
        'inline; filename="a b.txt"',
    ]
    assert headers["X-Thing"] == "v; some-option=x"
    headers.set("Content-Type", "text/plain", charset="utf-8")
    assert headers["Content-Type"] == "text/plain; charset=utf-8"


@pytest.mark.parametrize("bad", ["a\rb", "a\nb", "a\r\nSet-Cookie: x", "a\0b"])
def test_newlines_refused_in_values_and_names(bad):
    headers = Headers()
    with pytest.raises(ValueError, match=NEWLINE_ERROR):
        headers.add("X", bad)
    with pytest.raises(ValueError, match=NEWLINE_ERROR):
        headers.set("X", bad)
    with pytest.raises(ValueError, match=NEWLINE_ERROR):
        headers["X"] = bad
    with pytest.raises(ValueError, match=NEWLINE_ERROR):
        headers.add(bad, "v")
    with pytest.raises(ValueError, match=NEWLINE_ERROR):
        Headers([("X", bad)])
    with pytest.raises(ValueError, match=NEWLINE_ERROR):
        headers.setlist("X", ["ok", bad])
    with pytest.raises(ValueError, match=NEWLINE_ERROR):
        headers.extend({"X": bad})
    with pytest.raises(ValueError, match=NEWLINE_ERROR):
        headers.setdefault("X", bad)
    with pytest.raises(ValueError, match=NEWLINE_ERROR):
        headers.add("X", "v", filename=bad)
    assert len(headers) == 0


def test_non_str_names_are_refused():
    with pytest.raises(TypeError):
        Headers([(b"X", "v")])  # type: ignore[list-item]
    with pytest.raises(TypeError):
        Headers().add(b"X", "v")  # type: ignore[arg-type]


def test_setdefault_setlist_setlistdefault():
    headers = make()
    assert headers.setdefault("content-type", "x") == "text/html"
    assert headers.setdefault("X", 1) == "1"
    headers.setlist("Set-Cookie", ["c=3", "d=4"])
    assert headers.getlist("set-cookie") == ["c=3", "d=4"]
    headers.setlist("Set-Cookie", [])
    assert "Set-Cookie" not in headers
    assert headers.setlistdefault("Vary", ["Accept"]) == ["Accept"]
    assert headers.setlistdefault("vary", ["Other"]) == ["Accept"]


def test_extend_adds_and_update_replaces():
    headers = Headers([("A", "1"), ("B", "2")])
    headers.extend({"A": "3"}, C="4")
    assert headers.getlist("A") == ["1", "3"]
    headers.extend([("D", "5")])
    headers.update({"a": ["x", "y"]}, B="z")
    assert headers.getlist("A") == ["x", "y"]
    assert headers.getlist("b") == ["z"]
    headers.update([("E", "1"), ("E", "2")])
    assert headers.getlist("E") == ["1", "2"]
    headers.update(Headers([("C", "new")]))
    assert headers["C"] == "new"
    with pytest.raises(TypeError):
        headers.extend({}, {})
    with pytest.raises(TypeError):
        headers.update({}, {})


def test_remove_delete_pop():
    headers = make()
    headers.remove("set-cookie")
    assert headers.to_wsgi_list() == [("Content-Type", "text/html")]
    headers.remove("missing")
    headers = make()
    del headers["SET-COOKIE"]
    assert len(headers) == 1
    headers = make()
    del headers[0]
    assert headers[0] == ("Set-Cookie", "a=1")
    headers = make()
    assert headers.pop("set-cookie") == "a=1"
    assert "set-cookie" not in headers
    assert headers.pop("missing", None) is None
    with pytest.raises(BadRequestKeyError):
        headers.pop("missing")
    headers = make()
    assert headers.pop() == ("set-cookie", "b=2")
    assert headers.pop(0) == ("Content-Type", "text/html")
    assert headers.popitem() == ("Set-Cookie", "a=1")
    assert not headers


def test_contains_iter_len_keys_values_items():
    headers = make()
    assert "CONTENT-TYPE" in headers
    assert "missing" not in headers
    assert 1 not in headers
    assert len(headers) == 3
    assert list(headers.keys()) == ["Content-Type", "Set-Cookie", "set-cookie"]
    assert list(headers.keys(lower=True)) == [
        "content-type",
        "set-cookie",
        "set-cookie",
    ]
    assert list(headers.values()) == ["text/html", "a=1", "b=2"]
    assert list(headers.items(lower=True))[0] == ("content-type", "text/html")
    assert list(headers.items()) == list(headers)


def test_to_wsgi_list_is_a_new_list():
    headers = make()
    listed = headers.to_wsgi_list()
    listed.append(("X", "y"))
    assert "X" not in headers


def test_copy_clear_equality():
    headers = make()
    copied = headers.copy()
    copied.add("X", "1")
    assert "X" not in headers
    assert copy.copy(headers) == headers
    assert Headers([("a", "1"), ("B", "2")]) == Headers([("b", "2"), ("A", "1")])
    assert Headers([("a", "1"), ("a", "2")]) != Headers([("a", "2"), ("a", "1")])
    assert headers != [("Content-Type", "text/html")]
    headers.clear()
    assert len(headers) == 0
    with pytest.raises(TypeError):
        hash(headers)


def test_repr_and_str():
    headers = Headers([("A", "1"), ("B", "2")])
    assert repr(headers) == "Headers([('A', '1'), ('B', '2')])"
    assert str(headers) == "A: 1\r\nB: 2\r\n\r\n"


# -- header value syntax ----------------------------------------------------


def test_parse_options_header():
    assert parse_options_header('text/html; charset="utf-8"') == (
        "text/html",
        {"charset": "utf-8"},
    )
    assert parse_options_header("Text/HTML; CharSet=UTF-8") == (
        "Text/HTML",
        {"charset": "UTF-8"},
    )
    assert parse_options_header(None) == ("", {})
    assert parse_options_header("") == ("", {})
    assert parse_options_header("a; flag; b=1") == ("a", {"b": "1"})
    assert parse_options_header('form-data; name="a;b"; filename="x\\"y"') == (
        "form-data",
        {"name": "a;b", "filename": 'x"y'},
    )


def test_parse_options_header_rfc2231():
    assert parse_options_header(
        "attachment; filename*=UTF-8''%e2%82%ac%20rates.txt"
    ) == ("attachment", {"filename": "\u20ac rates.txt"})
    value = "attachment; filename*=UTF-8''%e2%82%ac.txt; filename=\"fallback.txt\""
    assert parse_options_header(value)[1]["filename"] == "\u20ac.txt"
    assert parse_options_header("a; t*=iso-8859-1'en'%A3")[1] == {"t": "\u00a3"}
    # A charset that cannot decode leaves the value undecoded, as Werkzeug does.
    assert parse_options_header("a; t*=bogus-charset''%41")[1] == {"t": "%41"}
    assert parse_options_header("a; t*=noquotes%41")[1] == {"t": "noquotesA"}
    assert parse_options_header("a; t*=UTF-8'%41")[1] == {"t": "A"}
    continued = 'a; p*0="foo"; p*2="baz"; p*1="bar"'
    assert parse_options_header(continued)[1] == {"p": "foobarbaz"}
    encoded = "a; p*0*=UTF-8''%e2%82; p*1*=%ac"
    assert parse_options_header(encoded)[1] == {"p": "\u20ac"}


def test_dump_options_header():
    assert dump_options_header("text/html", {"charset": "utf-8"}) == (
        "text/html; charset=utf-8"
    )
    assert dump_options_header("attachment", {"filename": "a b.txt"}) == (
        'attachment; filename="a b.txt"'
    )
    assert dump_options_header(None, {"a": "1", "skip": None}) == "a=1"
    assert dump_options_header("a", {"f": "\u20ac.txt"}) == (
        "a; f*=UTF-8''%E2%82%AC.txt"
    )


def test_parse_list_header():
    assert parse_list_header('token, "quoted, value", , last') == [
        "token",
        "quoted, value",
        "last",
    ]
    assert parse_list_header("") == []


def test_parse_dict_header():
    assert parse_dict_header('a=1, b="x, y", flag, C=4, =skip') == {
        "a": "1",
        "b": "x, y",
        "flag": None,
        "C": "4",
    }
    assert parse_dict_header("t*=UTF-8''%e2%82%ac") == {"t": "\u20ac"}


def test_quote_and_unquote_header_value():
    assert quote_header_value("token") == "token"
    assert quote_header_value("") == '""'
    assert quote_header_value("a b") == '"a b"'
    assert quote_header_value('a"b\\c') == '"a\\"b\\\\c"'
    assert quote_header_value(12) == "12"
    assert unquote_header_value('"a\\"b\\\\c"') == 'a"b\\c'
    assert unquote_header_value("bare") == "bare"
    assert unquote_header_value('"') == '"'


# -- properties -------------------------------------------------------------

_names = st.text(
    alphabet=st.characters(min_codepoint=33, max_codepoint=126, exclude_characters=":"),
    min_size=1,
    max_size=10,
)
_values = st.text(
    alphabet=st.characters(codec="utf-8", exclude_characters="\r\n\0"),
    max_size=20,
)


@given(st.lists(st.tuples(_names, _values), max_size=10), _names, _values)
def test_set_then_get_round_trips_case_insensitively(pairs, name, value):
    headers = Headers(pairs)
    headers.set(name, value)
    assert headers[name.lower()] == value
    assert headers[name.upper()] == value
    assert headers.getlist(name.swapcase()) == [value]


_with_newline = st.builds(
    lambda before, bad, after: before + bad + after,
    st.text(max_size=5),
    st.sampled_from(["\r", "\n", "\0", "\r\n"]),
    st.text(max_size=5),
)


@given(_with_newline, _names)
def test_values_with_cr_lf_nul_are_always_refused(value, name):
    headers = Headers()
    with pytest.raises(ValueError, match=NEWLINE_ERROR):
        headers.add(name, value)
    with pytest.raises(ValueError, match=NEWLINE_ERROR):
        headers.set(name, value)
    with pytest.raises(ValueError, match=NEWLINE_ERROR):
        headers.add(value, "v")
    assert len(headers) == 0


@given(st.lists(st.tuples(_names, _values), max_size=20))
def test_to_wsgi_list_preserves_order(pairs):
    headers = Headers()
    for name, value in pairs:
        headers.add(name, value)
    assert headers.to_wsgi_list() == pairs
    assert list(headers) == pairs


_param_values = st.text(alphabet=st.characters(codec="utf-8"), max_size=15)
_param_names = st.text(
    alphabet="abcdefghijklmnopqrstuvwxyz-_", min_size=1, max_size=8
).filter(lambda s: not s.endswith("*"))


@given(st.dictionaries(_param_names, _param_values, max_size=5))
def test_dump_then_parse_options_round_trips(options):
    header = dump_options_header("type/sub", options)
    assert parse_options_header(header) == ("type/sub", options)


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        # Codecs that raise UnicodeError of their own for bytes they refuse.
        ("multipart/form-data; boundary*=idna''%ff", {"boundary": "%ff"}),
        ("application/json; charset*=punycode''%ff", {"charset": "%ff"}),
        # Not text encodings: bytes.decode refuses them with LookupError.
        ("a; x*=rot13''abc", {"x": "abc"}),
        ("a; x*=zlib''%78%9c", {"x": "%78%9c"}),
        # A NUL or a lone surrogate in the name: codecs.lookup's ValueError.
        ("a; x*=utf\x00-8''%e2%82%ac", {"x": "%e2%82%ac"}),
        ("a; x*=utf\udcff''%41", {"x": "%41"}),
        # Always raises, whatever the bytes.
        ("a; x*=undefined''%41", {"x": "%41"}),
        ("a; p*0*=idna''%ff; p*1*=%fe", {"p": "%ff%fe"}),
    ],
)
def test_rfc2231_charsets_that_cannot_decode_leave_the_value(header, expected):
    assert parse_options_header(header)[1] == expected
    dict_header = header.partition("; ")[2].replace(";", ",")
    if "*0*" not in dict_header:
        assert parse_dict_header(dict_header) == expected


_codec_names = st.sampled_from(sorted(set(encodings.aliases.aliases.values())))
_charset_names = _codec_names | st.text(max_size=12)
_escaped_bytes = st.binary(max_size=12).map(lambda b: "".join(f"%{c:02x}" for c in b))


@given(_charset_names, _escaped_bytes)
def test_any_rfc2231_charset_and_bytes_never_raise(charset, escaped):
    value = f"{charset}''{escaped}".replace(";", "").replace(",", "")
    main, options = parse_options_header(f"text/plain; name*={value}")
    assert main == "text/plain"
    assert isinstance(options.get("name", ""), str)
    assert isinstance(parse_dict_header(f"name*={value}").get("name", ""), str)


@given(st.text())
def test_parsers_never_raise(value):
    main, options = parse_options_header(value)
    assert isinstance(main, str)
    assert all(isinstance(v, str) for v in options.values())
    parse_list_header(value)
    parse_dict_header(value)
    unquote_header_value(value)
