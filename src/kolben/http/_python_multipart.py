"""What kolben needs of python-multipart: its parser class."""

from __future__ import annotations

import importlib
from typing import Any

__all__ = ["MultipartParser"]


def _load_parser_class() -> Any:
    """Return python-multipart's MultipartParser class."""
    try:
        from python_multipart.multipart import MultipartParser
    except ImportError:  # pragma: no cover - python-multipart before 0.0.13
        return importlib.import_module("multipart.multipart").MultipartParser
    return MultipartParser


MultipartParser = _load_parser_class()
