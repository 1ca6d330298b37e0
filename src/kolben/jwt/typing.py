"""Type aliases of kolben.jwt's signatures, as ``flask_jwt_extended.typing``."""

from __future__ import annotations

from datetime import timedelta
from typing import Literal

#: How long a token lives: a timedelta, or ``False`` for no expiry.
ExpiresDelta = Literal[False] | timedelta
#: Whether a token is fresh: a bool, a timestamp, or how long from now.
Fresh = bool | float | timedelta
