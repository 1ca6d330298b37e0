"""Tests for kolben.http.useragent."""

from __future__ import annotations

from kolben.http.useragent import UserAgent


def test_user_agent_is_an_opaque_string():
    ua = UserAgent("Mozilla/5.0 (X11)")
    assert ua.string == "Mozilla/5.0 (X11)"
    assert str(ua) == ua.to_header() == "Mozilla/5.0 (X11)"
    assert ua
    assert not UserAgent("")
    assert ua == UserAgent("Mozilla/5.0 (X11)")
    assert ua != "Mozilla/5.0 (X11)"
    assert hash(ua) == hash(UserAgent("Mozilla/5.0 (X11)"))
    assert repr(ua) == "<UserAgent 'Mozilla/5.0 (X11)'>"
