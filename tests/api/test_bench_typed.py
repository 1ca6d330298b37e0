"""bench/typed_api.py's apps answer alike: the check the script runs first."""

from __future__ import annotations

import asyncio

import pytest
from bench import typed_api


@pytest.mark.parametrize("name", ["kolben", "fastapi", "litestar"])
def test_each_app_answers_as_the_benchmark_expects(name: str) -> None:
    build = getattr(typed_api, f"build_{name}")
    loop = asyncio.new_event_loop()
    try:
        assert typed_api.check(loop, build()) == []
    finally:
        loop.close()
