"""Who may see the debug page, and whether they get JSON or HTML."""

from __future__ import annotations

import ipaddress

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kolben.debug import client_is_allowed, wants_json


@pytest.mark.parametrize(
    "addr",
    ["127.0.0.1", "127.8.9.10", "127.255.255.254", "::1", "::ffff:127.0.0.1"],
)
def test_loopback_is_always_allowed(addr: str) -> None:
    assert client_is_allowed(addr)


@pytest.mark.parametrize(
    "addr",
    ["203.0.113.7", "10.0.0.1", "192.168.1.5", "2001:db8::1", "::ffff:10.0.0.1"],
)
def test_other_addresses_are_refused_by_default(addr: str) -> None:
    assert not client_is_allowed(addr)


@pytest.mark.parametrize(
    "addr", [None, "", "localhost", "127.0.0.1:5000", "999.0.0.1", "::1::", " ::1"]
)
def test_garbage_and_missing_addresses_are_refused(addr: str | None) -> None:
    assert not client_is_allowed(addr, ["0.0.0.0/0", "::/0"])


def test_allowed_networks_and_single_addresses() -> None:
    allowed = ["10.0.0.0/8", "192.168.1.5", "2001:db8::/32"]
    assert client_is_allowed("10.200.3.4", allowed)
    assert client_is_allowed("192.168.1.5", allowed)
    assert not client_is_allowed("192.168.1.6", allowed)
    assert client_is_allowed("2001:db8:0:1::7", allowed)
    assert not client_is_allowed("2001:db9::7", allowed)
    assert not client_is_allowed("11.0.0.1", allowed)


def test_ipv4_mapped_clients_match_ipv4_networks() -> None:
    assert client_is_allowed("::ffff:10.1.2.3", ["10.0.0.0/8"])
    assert not client_is_allowed("::ffff:11.1.2.3", ["10.0.0.0/8"])


def test_invalid_allowed_entries_are_ignored_not_fatal() -> None:
    assert client_is_allowed("10.1.2.3", ["not a network", "10.0.0.0/8"])
    assert not client_is_allowed("10.1.2.3", ["not a network", "10.0.0.0/33"])


def test_a_single_string_is_one_network_not_characters() -> None:
    assert client_is_allowed("10.1.2.3", "10.0.0.0/8")
    assert not client_is_allowed("1.2.3.4", "1")


@given(st.ip_addresses(v=4))
def test_ipv4_matches_ipaddress_semantics(addr: ipaddress.IPv4Address) -> None:
    network = ipaddress.ip_network("198.51.100.0/24")
    expected = addr.is_loopback or addr in network
    assert client_is_allowed(str(addr), [str(network)]) is expected


@given(st.ip_addresses(v=6))
def test_ipv6_matches_ipaddress_semantics(addr: ipaddress.IPv6Address) -> None:
    network = ipaddress.ip_network("2001:db8::/32")
    mapped = addr.ipv4_mapped
    expected = (
        addr.is_loopback
        or addr in network
        or (mapped is not None and mapped.is_loopback)
    )
    assert client_is_allowed(str(addr), [str(network)]) is expected


@given(st.text())
def test_arbitrary_text_never_raises(text: str) -> None:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        assert client_is_allowed(text) is False
    else:
        assert isinstance(client_is_allowed(text), bool)


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, False),
        ("", False),
        ("*/*", False),
        ("text/html,application/xhtml+xml,*/*;q=0.8", False),
        ("application/json", True),
        ("application/json, text/html", True),
        ("text/html, application/json", False),
        ("application/json;q=0.9, text/html", False),
        ("text/html;q=0.5, application/json", True),
        ("application/*", True),
        ("text/plain", False),
        ("garbage;;;q=x", False),
    ],
)
def test_wants_json(accept: str | None, expected: bool) -> None:
    assert wants_json(accept) is expected
