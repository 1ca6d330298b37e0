"""The API reference documents the context proxies as what they stand for."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest

import kolben

DOCS = Path(__file__).resolve().parents[1] / "docs"
PAGE = DOCS / "reference" / "proxies.md"
PROXIES = ("request", "session", "g", "current_app", "websocket")
_ENTRY = re.compile(r"^\.\. py:data:: (\w+)\n   :type: ([\w.]+)$", re.MULTILINE)


def _documented() -> dict[str, str]:
    return dict(_ENTRY.findall(PAGE.read_text(encoding="utf-8")))


def _resolve(dotted: str) -> type:
    module, _, name = dotted.rpartition(".")
    found = getattr(importlib.import_module(module), name)
    assert isinstance(found, type), dotted
    return found


def test_the_proxies_page_is_in_the_reference() -> None:
    index = (DOCS / "reference" / "index.md").read_text(encoding="utf-8")
    assert "\nproxies\n" in index
    assert "py:currentmodule:: kolben" in PAGE.read_text(encoding="utf-8")
    assert set(_documented()) == set(PROXIES)


@pytest.mark.parametrize("name", PROXIES)
def test_each_proxy_is_typed_as_the_object_it_stands_for(name: str) -> None:
    documented = _documented()[name]
    # The type the page gives is the one the proxy is annotated with.
    # ``kolben.websocket`` is the proxy; its module is in sys.modules.
    where = "kolben.websocket" if name == "websocket" else "kolben.globals"
    module = importlib.import_module(where)
    assert documented.rpartition(".")[2] == module.__annotations__[name]
    assert getattr(kolben, name) is getattr(module, name)
    if name == "websocket":
        return  # bound only while an ASGI server serves a WebSocket
    app = kolben.Kolben(__name__)
    app.secret_key = "test"
    with app.test_request_context("/"):
        bound = getattr(kolben, name)._get_current_object()
        assert isinstance(bound, _resolve(documented))
