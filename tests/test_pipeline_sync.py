"""The sync pipeline is generated from the async one and must not drift."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_generated_sync_pipeline_is_up_to_date() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "generate_sync.py"), "--check"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_sync_pipeline_has_no_coroutines() -> None:
    source = (ROOT / "src" / "kolben" / "_pipeline_sync.py").read_text()
    assert "async def" not in source
    assert "await " not in source
