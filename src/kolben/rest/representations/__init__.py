"""Functions that turn a handler's data into a response of one media type."""

from __future__ import annotations
