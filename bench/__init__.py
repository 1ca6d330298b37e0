"""Benchmarks of kolben against Flask, Falcon and Starlette; see README.md."""

from __future__ import annotations
