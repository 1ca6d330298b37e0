"""Header values: options, dict and list syntax, quoting, and ``Headers``.

Input: a header value as WSGI gives it (one character per byte). The value
is also used as a parameter value and as a ``Headers`` field.
"""

from __future__ import annotations

from fuzz.harnesses._contract import latin1
from kolben.http._header_syntax import split_quoted
from kolben.http.headers import (
    Headers,
    dump_options_header,
    parse_dict_header,
    parse_list_header,
    parse_options_header,
    quote_header_value,
    unquote_header_value,
)


def TestOneInput(data: bytes) -> None:
    """Parse *data* every way a header value is parsed; none of them raises."""
    value = latin1(data)
    main, options = parse_options_header(value)
    assert isinstance(main, str) and all(key == key.lower() for key in options)
    parse_dict_header(value)
    parse_list_header(value)
    assert len(split_quoted(value, ",")) >= 1
    # quote_header_value and unquote_header_value are inverses.
    assert unquote_header_value(quote_header_value(value)) == value
    # A parameter written by dump_options_header reads back unchanged.
    dumped = dump_options_header("text/plain", {"p": value})
    assert parse_options_header(dumped) == ("text/plain", {"p": value}), dumped
    _check_headers(value)


def _check_headers(value: str) -> None:
    """Store *value* in Headers: CR, LF and NUL are refused, the rest kept."""
    headers = Headers()
    try:
        headers.add("X-Fuzz", value)
    except ValueError:
        assert any(char in value for char in "\r\n\0"), repr(value)
        return
    assert headers["x-fuzz"] == value
    headers.set("X-Fuzz", "text/plain", charset=value)
    assert parse_options_header(headers["X-Fuzz"]) == (
        "text/plain",
        {"charset": value},
    )
