"""The debug error page: a readable report of an unhandled exception."""

from __future__ import annotations

from ._frames import Frame as Frame
from ._frames import SourceLine as SourceLine
from ._request import RequestSummary as RequestSummary
from .access import client_is_allowed as client_is_allowed
from .access import request_may_see_page as request_may_see_page
from .access import wants_json as wants_json
from .render import render_html as render_html
from .render import render_json as render_json
from .report import DebugReport as DebugReport
from .report import ExceptionInfo as ExceptionInfo

__all__ = [
    "DebugReport",
    "ExceptionInfo",
    "Frame",
    "RequestSummary",
    "SourceLine",
    "client_is_allowed",
    "render_html",
    "render_json",
    "request_may_see_page",
    "wants_json",
]
