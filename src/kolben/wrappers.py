"""The request and response classes, where Flask users find them.

``from kolben.wrappers import Request, Response`` works as
``from flask.wrappers import Request, Response`` does.
"""

from __future__ import annotations

from .request import Request as Request
from .response import Response as Response

__all__ = ["Request", "Response"]
