"""A config module the config tests load by import string."""

from __future__ import annotations

FROM_MODULE = "yes"
lower_case_is_skipped = True
