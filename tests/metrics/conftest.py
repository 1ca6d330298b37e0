"""Fixtures of the metrics tests."""

from __future__ import annotations

import pytest

from tests.e2e._live import free_port


@pytest.fixture
def unused_port() -> int:
    """A loopback port that nothing listens on right now."""
    return free_port()
