"""Where a typed view's parameters come from: ``Query``, ``Header``, ``Form``, ...

Each marker is used in two forms, which mypy reads as the value's own type:

- the shorthand ``dry_run: Query[bool] = False``;
- ``Annotated[list[str] | None, Query(alias="tag", description="...")] = None``,
  for options.

Under type checking the shorthand is ``Annotated[T, ...]``, so ``dry_run`` is a
``bool`` to mypy; at run time ``Query[bool]`` makes the same ``Annotated``
with a ``Query()`` marker. (mypy does not check the arguments inside
``Annotated[...]``: ``Query(alias=...)`` there is read by kolben, at route
compilation, where an unknown option is an error.)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, TypeVar

__all__ = [
    "Body",
    "Cookie",
    "File",
    "Form",
    "Header",
    "Param",
    "Path",
    "Query",
    "operation",
]

T = TypeVar("T")
F = TypeVar("F", bound=Callable[..., Any])

#: The attribute :func:`operation` sets on a view or handler.
OPTIONS_ATTR = "__kolben_api_options__"

#: pydantic ``Field`` constraints a marker passes on to validation.
_CONSTRAINTS = frozenset(
    {
        "gt",
        "ge",
        "lt",
        "le",
        "multiple_of",
        "min_length",
        "max_length",
        "pattern",
        "strict",
        "allow_inf_nan",
        "max_digits",
        "decimal_places",
        "title",
        "examples",
        "json_schema_extra",
    }
)


class Param:
    """Where one parameter of a typed view is read, and how it is documented.

    :param alias: the name in the request (query key, header or cookie
        name, form field); the parameter's name by default, and for a
        header the name with ``_`` as ``-`` (``user_agent``: ``User-Agent``).
    :param description: the parameter's description in the OpenAPI document.
    :param deprecated: mark the parameter deprecated in the document.
    :param include_in_schema: list the parameter in the document.
    :param embed: for a body model: expect ``{"<name>": {...}}`` rather than
        the model's fields at the top level. Two body parameters are both
        embedded.
    :param constraints: pydantic ``Field`` constraints (``ge``, ``max_length``,
        ``pattern``, ...), checked as the type's own.
    """

    #: The location in OpenAPI's terms (``query``, ``header``, ...).
    location: ClassVar[str] = ""

    def __init__(
        self,
        *,
        alias: str | None = None,
        description: str | None = None,
        deprecated: bool = False,
        include_in_schema: bool = True,
        embed: bool = False,
        **constraints: Any,
    ) -> None:
        """Take the parameter's alias, its docs, and pydantic's ``constraints``."""
        unknown = set(constraints) - _CONSTRAINTS
        if unknown:
            raise TypeError(
                f"{type(self).__name__}() got unknown options {sorted(unknown)};"
                f" it takes alias, description, deprecated, include_in_schema,"
                f" embed and the pydantic Field constraints {sorted(_CONSTRAINTS)}."
            )
        self.alias = alias
        self.description = description
        self.deprecated = deprecated
        self.include_in_schema = include_in_schema
        self.embed = embed
        self.constraints = constraints

    def __class_getitem__(cls, item: Any) -> Any:
        """Return ``Annotated[item, cls()]``: the shorthand ``Query[int]``."""
        return Annotated[item, cls()]

    def __repr__(self) -> str:
        """Return a representation for debugging."""
        return f"{type(self).__name__}(alias={self.alias!r})"


#: The marker class of each location, for :func:`marker`.
_CLASSES: dict[str, type[Param]] = {}


def marker(location: str) -> Param:
    """Return a new marker of ``location`` with no options."""
    return _CLASSES[location]()


if TYPE_CHECKING:
    # To a type checker ``Query[bool]`` is ``bool``; see the module docstring.
    Query = Annotated[T, Param()]
    Header = Annotated[T, Param()]
    Cookie = Annotated[T, Param()]
    Path = Annotated[T, Param()]
    Body = Annotated[T, Param()]
    Form = Annotated[T, Param()]
    File = Annotated[T, Param()]
else:

    class Query(Param):
        """A query-string parameter; a list type reads every repeated key."""

        location = "query"

    class Header(Param):
        """A request header; ``x_token`` reads ``X-Token``."""

        location = "header"

    class Cookie(Param):
        """A cookie of the request."""

        location = "cookie"

    class Path(Param):
        """A URL variable of the rule, converted by its converter first."""

        location = "path"

    class Body(Param):
        """The JSON body, or with ``embed=True`` one key of it."""

        location = "body"

    class Form(Param):
        """A form field, or with a model type the whole form."""

        location = "form"

    class File(Param):
        """An uploaded file (``FileStorage``), or a list of them."""

        location = "file"

    _CLASSES.update(
        (cls.location, cls) for cls in (Query, Header, Cookie, Path, Body, Form, File)
    )


def operation(**options: Any) -> Callable[[F], F]:
    """Set route options on one view or ``MethodView`` handler.

    The same options as the route decorator's (``status_code``,
    ``responses``, ``tags``, ``summary``, ``description``, ``deprecated``,
    ``include_in_schema``, ``validate_response``, ``operation_id``); they win
    over the rule's. Use it on the handlers of a class-based view, whose
    methods share one rule::

        class Items(MethodView):
            @operation(status_code=201, responses={409: Problem})
            def post(self, item: ItemIn) -> ItemOut: ...

    :param options: the options, by name.
    """

    def decorator(f: F) -> F:
        setattr(f, OPTIONS_ATTR, {**getattr(f, OPTIONS_ATTR, {}), **options})
        return f

    return decorator
