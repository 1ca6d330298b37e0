"""REST resources with Flask-RESTful's API: ``Api``, ``Resource``, ``reqparse``.

Porting from Flask-RESTful is an import change::

    from kolben.rest import Api, Resource, abort, fields, marshal_with, reqparse

Submodules keep Flask-RESTful's names: :mod:`kolben.rest.reqparse`,
:mod:`kolben.rest.fields`, :mod:`kolben.rest.inputs`,
:mod:`kolben.rest.representations.json` and :mod:`kolben.rest.utils`.
Handlers may be ``async def``; every behaviour holds under WSGI and ASGI.

**Meeting point with kolben.api:** typed handlers meet :mod:`kolben.api`
at one place, ``Api._prepare_handler``, called once for each handler of
each resource endpoint when the app compiles its routes. Once
``kolben.api.OpenAPI`` is initialised on the app, a handler with type hints
comes back from it as ``kolben.api.validated(handler, spec=...)``, with the
spec ``OpenAPI.specs`` read (the document's); untyped handlers, and every
handler of an app without ``OpenAPI``, are served as they are.

**Meeting point with kolben.metrics:** ``RESTfulPrometheusMetrics`` (as
prometheus-flask-exporter's class of that name) makes a resource's result a
response for its metrics' labels with :func:`kolben.rest.utils.unpack` and
``Api.make_response``, the two this package uses itself.

See docs/rest.md for the differences from Flask-RESTful.
"""

from __future__ import annotations

from . import fields as fields
from . import inputs as inputs
from . import reqparse as reqparse
from ._abort import abort as abort
from ._api import Api as Api
from ._marshal import marshal as marshal
from ._marshal import marshal_with as marshal_with
from ._marshal import marshal_with_field as marshal_with_field
from ._resource import Resource as Resource
from .representations.json import output_json as output_json
from .utils import unpack as unpack

__all__ = [
    "Api",
    "Resource",
    "abort",
    "fields",
    "inputs",
    "marshal",
    "marshal_with",
    "marshal_with_field",
    "output_json",
    "reqparse",
    "unpack",
]
