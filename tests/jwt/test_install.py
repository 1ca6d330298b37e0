"""kolben.jwt without its extra says what to install."""

from __future__ import annotations

import importlib
import sys

import pytest


def test_without_pyjwt_the_error_names_the_extra(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # None in sys.modules makes ``import jwt`` fail, as if PyJWT were absent;
    # kolben.jwt's modules are imported afresh, and put back afterwards.
    monkeypatch.setitem(sys.modules, "jwt", None)
    for name in [
        m for m in sys.modules if m == "kolben.jwt" or m.startswith("kolben.jwt.")
    ]:
        monkeypatch.delitem(sys.modules, name)
    with pytest.raises(ImportError, match=r"pip install kolben\[jwt\]"):
        importlib.import_module("kolben.jwt")
