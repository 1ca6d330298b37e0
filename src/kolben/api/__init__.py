"""Typed views: validation from type hints, OpenAPI 3.1 and offline docs.

Install with ``pip install kolben[api]`` (pydantic 2, and the Swagger UI and
ReDoc assets). Typed views are switched on by :class:`OpenAPI`; without it
annotations mean nothing to kolben::

    from kolben.api import OpenAPI, Query

    OpenAPI(app, title="Shop", version="1.0")   # /openapi.json, /docs, /redoc

    @app.post("/items", status_code=201, tags=["items"])
    async def create_item(item: ItemIn, dry_run: Query[bool] = False) -> ItemOut:
        ...

A parameter typed as a model, dataclass or TypedDict is the JSON body;
``Query``, ``Header``, ``Cookie``, ``Path``, ``Form``, ``File`` and ``Body``
say where others come from (``Query[int]`` or ``Annotated[int, Query(...)]``);
the return annotation, when it is a model, converts the result. Bad input
answers 422 (:class:`RequestValidationError`, problem details), a malformed
JSON body 400, a body of the wrong media type 415. ``docs/api.md`` has it all.

**The hook for class-based views and kolben.rest.** :func:`inspect_view`
reads a callable's hints once into a :class:`ViewSpec`, which the OpenAPI
builder reads; :func:`validated` returns the callable validating its
parameters and converting its result, and carries the spec in
``__kolben_api__``. For a handler method pass ``skip=1`` (``self`` passes
through). When the app's routes are compiled (its first request),
``OpenAPI`` wraps every view through ``app.view_wrappers``:

- a plain view with hints is served by ``validated(view)``; one without
  costs nothing, it is served as registered;
- a class-based view (``view_class``, a :class:`~kolben.views.View` subclass
  such as ``MethodView`` or ``kolben.rest.Resource``) has one spec per
  handler (``get``, ``post``, ...): the request's handler's parameters are
  validated before the view runs, and what the view returns, unless it is
  already a ``Response``, goes through that handler's response model;
- a view or handler that is already ``validated`` (its class applied it)
  is left as it is, and documented from its spec.

**Meeting point with kolben.rest:** ``kolben.rest.Api._prepare_handler``
validates a typed ``Resource`` handler with :func:`validated`, from the spec
:meth:`OpenAPI.specs` read for the handler's method, when the app compiles
its routes; its wrapper runs first, so the spec is ``validated`` when
``OpenAPI`` wraps the view, which it then leaves as it is. A resource's
``method_decorators`` thus run before the validation, and its result is
converted before the Api makes it a response.

Route options (``status_code=``, ``responses=``, ``tags=``, ``summary=``,
``description=``, ``deprecated=``, ``include_in_schema=``,
``validate_response=``, ``operation_id=``) come from the rule
(``rule.options``) or, per handler, from :func:`operation`.

**Meeting point with kolben.jwt and kolben.login:** the document's security
schemes come from the ``__kolben_auth__`` requirement their decorators put
on a view, and ``JWTManager.header_scheme`` (see :mod:`kolben.api._security`).
"""

from __future__ import annotations

from ._require import require_pydantic

require_pydantic()

from .errors import MalformedBody as MalformedBody  # noqa: E402
from .errors import RequestValidationError as RequestValidationError  # noqa: E402
from .errors import UnsupportedBody as UnsupportedBody  # noqa: E402
from .extension import OpenAPI as OpenAPI  # noqa: E402
from .params import Body as Body  # noqa: E402
from .params import Cookie as Cookie  # noqa: E402
from .params import File as File  # noqa: E402
from .params import Form as Form  # noqa: E402
from .params import Header as Header  # noqa: E402
from .params import Param as Param  # noqa: E402
from .params import Path as Path  # noqa: E402
from .params import Query as Query  # noqa: E402
from .params import operation as operation  # noqa: E402
from .signature import Parameter as Parameter  # noqa: E402
from .signature import RouteError as RouteError  # noqa: E402
from .signature import ViewSpec as ViewSpec  # noqa: E402
from .signature import inspect_view as inspect_view  # noqa: E402
from .validation import ResponseValidationError as ResponseValidationError  # noqa: E402
from .validation import spec_of as spec_of  # noqa: E402
from .validation import validated as validated  # noqa: E402

__all__ = [
    "Body",
    "Cookie",
    "File",
    "Form",
    "Header",
    "MalformedBody",
    "OpenAPI",
    "Param",
    "Parameter",
    "Path",
    "Query",
    "RequestValidationError",
    "ResponseValidationError",
    "RouteError",
    "UnsupportedBody",
    "ViewSpec",
    "inspect_view",
    "operation",
    "spec_of",
    "validated",
]
