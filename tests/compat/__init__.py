"""Real Flask extensions on kolben, through ``kolben.compat.flask``."""

from __future__ import annotations
