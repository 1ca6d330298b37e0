"""URL routing: rules, converters, a compiled matcher and URL building.

Flask's rule syntax and behaviour, our own code. We do not use Werkzeug's
router because routing sits on every request's hot path and Werkzeug's
matcher allocates a ``MapAdapter`` per request and walks a state machine in
Python. Here :meth:`Map.match` binds nothing per request: a static rule is
one dict lookup, a dynamic rule one call of a regex compiled once from every
rule, and a 404 costs about as much as a hit. Sans-IO: no I/O, no globals,
nothing imported from kolben but ``kolben.http`` exceptions.
"""

from __future__ import annotations

from .adapter import MapAdapter as MapAdapter
from .converters import DEFAULT_CONVERTERS as DEFAULT_CONVERTERS
from .converters import AnyConverter as AnyConverter
from .converters import BaseConverter as BaseConverter
from .converters import FloatConverter as FloatConverter
from .converters import IntegerConverter as IntegerConverter
from .converters import NumberConverter as NumberConverter
from .converters import PathConverter as PathConverter
from .converters import UnicodeConverter as UnicodeConverter
from .converters import UUIDConverter as UUIDConverter
from .converters import ValidationError as ValidationError
from .exceptions import BuildError as BuildError
from .exceptions import RequestRedirect as RequestRedirect
from .exceptions import RoutingException as RoutingException
from .exceptions import WebsocketMismatch as WebsocketMismatch
from .map import Map as Map
from .rules import Rule as Rule

__all__ = [
    "DEFAULT_CONVERTERS",
    "AnyConverter",
    "BaseConverter",
    "BuildError",
    "FloatConverter",
    "IntegerConverter",
    "Map",
    "MapAdapter",
    "NumberConverter",
    "PathConverter",
    "RequestRedirect",
    "RoutingException",
    "Rule",
    "UUIDConverter",
    "UnicodeConverter",
    "ValidationError",
    "WebsocketMismatch",
]
