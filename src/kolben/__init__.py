"""kolben: Flask's API on a fast core that serves WSGI and ASGI alike."""

from __future__ import annotations

import importlib

from . import json as json
from . import logging as logging
from . import wrappers as wrappers
from .app import Kolben as Kolben
from .blueprints import Blueprint as Blueprint
from .config import Config as Config
from .ctx import after_this_request as after_this_request
from .ctx import copy_current_request_context as copy_current_request_context
from .ctx import has_app_context as has_app_context
from .ctx import has_request_context as has_request_context
from .files import send_file as send_file
from .files import send_from_directory as send_from_directory
from .globals import current_app as current_app
from .globals import g as g
from .globals import request as request
from .globals import session as session
from .helpers import abort as abort
from .helpers import flash as flash
from .helpers import get_flashed_messages as get_flashed_messages
from .helpers import make_response as make_response
from .helpers import redirect as redirect
from .helpers import stream_with_context as stream_with_context
from .helpers import url_for as url_for
from .json import jsonify as jsonify
from .request import Request as Request
from .response import Response as Response
from .signals import appcontext_popped as appcontext_popped
from .signals import appcontext_pushed as appcontext_pushed
from .signals import appcontext_tearing_down as appcontext_tearing_down
from .signals import before_render_template as before_render_template
from .signals import got_request_exception as got_request_exception
from .signals import message_flashed as message_flashed
from .signals import request_finished as request_finished
from .signals import request_started as request_started
from .signals import request_tearing_down as request_tearing_down
from .signals import template_rendered as template_rendered
from .sse import stream_events as stream_events
from .templating import get_template_attribute as get_template_attribute
from .templating import render_template as render_template
from .templating import render_template_async as render_template_async
from .templating import render_template_string as render_template_string
from .templating import stream_template as stream_template
from .templating import stream_template_string as stream_template_string
from .websocket import ConnectionClosed as ConnectionClosed
from .websocket import websocket as websocket

__version__ = "0.1.0"


def __getattr__(name: str) -> object:
    """Import ``kolben.cli`` on first use of ``kolben.cli``, as in Flask.

    :param name: the attribute asked for.
    """
    # PERF: the command line (click and app discovery) adds about 15% to
    # ``import kolben``; an app served by a production server never needs it.
    if name == "cli":
        return importlib.import_module(".cli", __name__)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
