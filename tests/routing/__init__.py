"""Tests for kolben.routing."""

from __future__ import annotations
