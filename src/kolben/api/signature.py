"""Reading a view's type hints, once, into a :class:`ViewSpec`.

:func:`inspect_view` is the one place kolben.api reads a signature; the
validating wrapper (:mod:`kolben.api.validation`) and the OpenAPI builder
(:mod:`kolben.api.openapi`) both work from what it returns.
"""

from __future__ import annotations

import dataclasses
import inspect
import types
import typing
import uuid
from collections.abc import Callable, Collection, Mapping, Sequence
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, create_model
from typing_extensions import is_typeddict

from ..http.files import FileStorage
from ..response import Response
from ..routing.converters import (
    AnyConverter,
    BaseConverter,
    FloatConverter,
    IntegerConverter,
    PathConverter,
    UnicodeConverter,
    UUIDConverter,
)
from .params import OPTIONS_ATTR, Param
from .params import marker as new_marker

__all__ = ["Parameter", "RouteError", "ViewSpec", "inspect_view", "is_model"]

#: The route options kolben.api reads (from the rule, or :func:`operation`).
OPTION_NAMES = frozenset(
    {
        "status_code",
        "responses",
        "tags",
        "summary",
        "description",
        "deprecated",
        "include_in_schema",
        "validate_response",
        "operation_id",
        "response_description",
    }
)
_LISTS = (list, set, frozenset, tuple, Sequence, Collection)
#: What a converter already hands the view, so validating it again is waste.
_CONVERTED: dict[type[BaseConverter], tuple[Any, ...]] = {
    IntegerConverter: (int,),
    FloatConverter: (float,),
    UUIDConverter: (uuid.UUID,),
    UnicodeConverter: (str,),
    PathConverter: (str,),
    AnyConverter: (str,),
}
_ARBITRARY = ConfigDict(arbitrary_types_allowed=True)


class RouteError(TypeError):
    """A typed view that cannot be compiled: raised at its first request."""


@dataclasses.dataclass(eq=False)
class Parameter:
    """One parameter of a typed view: where it comes from and its type.

    :param name: the Python parameter's name.
    :param location: ``path``, ``query``, ``header``, ``cookie``, ``body``,
        ``form`` or ``file``.
    :param alias: the name in the request.
    :param annotation: the type, without kolben's marker.
    :param required: no default, and ``None`` is not the default.
    :param default: the default, or ``inspect.Parameter.empty``.
    :param marker: the :class:`~kolben.api.params.Param` given, if any.
    :param is_list: the value is a list of repeated keys (query, header,
        form, file).
    :param validate: the value needs validation (a path variable whose
        converter already made the type does not).
    """

    name: str
    location: str
    alias: str
    annotation: Any
    required: bool
    default: Any
    marker: Param
    is_list: bool = False
    validate: bool = True

    def field(self) -> tuple[Any, Any]:
        """Return the pydantic field ``(type, FieldInfo)`` of the parameter."""
        default = ... if self.required else self.default
        if default is inspect.Parameter.empty:
            default = None
        return self.annotation, Field(default, **self.marker.constraints)

    def adapter(self) -> TypeAdapter[Any]:
        """Return a ``TypeAdapter`` of the parameter, constraints included."""
        annotation, field = self.field()
        annotated: Any = Annotated[annotation, field]
        return TypeAdapter(annotated, config=_config(annotation))


@dataclasses.dataclass(eq=False)
class ViewSpec:
    """What a typed view takes and returns, read once from its hints.

    The validating wrapper and the OpenAPI builder both read it; kolben.rest
    reads it for ``Resource`` handlers (see :mod:`kolben.api`).

    :param func: the view or handler, as given.
    :param parameters: every parameter kolben.api reads, in order.
    :param response_model: the return annotation when it is a model (or a
        list of one), else ``None``.
    :param options: the route options (``status_code``, ``tags``, ...).
    :param skip: how many leading positional parameters (``self``) it
        passes through untouched.
    """

    func: Callable[..., Any]
    parameters: tuple[Parameter, ...]
    response_model: Any
    options: dict[str, Any]
    skip: int = 0

    def __post_init__(self) -> None:
        """Derive what validation needs from the parameters and route options."""
        self.is_async = inspect.iscoroutinefunction(self.func)
        #: Whether :func:`~kolben.api.validated` serves it already.
        self.validated = False
        self.status_code: int | None = self.options.get("status_code")
        self.validate_response = bool(self.options.get("validate_response"))
        self.bodies = tuple(p for p in self.parameters if p.location == "body")
        embed = len(self.bodies) > 1 or any(p.marker.embed for p in self.bodies)
        #: Whether the JSON body is an object keyed by the body parameters.
        self.embed = embed
        self.response_adapter = (
            TypeAdapter(self.response_model, config=_config(self.response_model))
            if self.response_model is not None
            else None
        )

    @property
    def is_typed(self) -> bool:
        """Whether the view has anything to validate, convert or document."""
        return bool(
            any(p.validate for p in self.parameters)
            or self.response_model is not None
            or self.status_code is not None
        )

    def body_adapter(self) -> TypeAdapter[Any] | None:
        """Return the adapter that validates the JSON body, if there is one."""
        if not self.bodies:
            return None
        if not self.embed:
            return self.bodies[0].adapter()
        fields: dict[str, Any] = {p.alias: p.field() for p in self.bodies}
        model = create_model(
            f"Body_{_safe(self.func.__qualname__)}", __config__=_ARBITRARY, **fields
        )
        return TypeAdapter(model)


def inspect_view(
    func: Callable[..., Any],
    *,
    path: Mapping[str, BaseConverter] | None = None,
    options: Mapping[str, Any] | None = None,
    skip: int = 0,
) -> ViewSpec:
    """Read the typed parameters and the response model of ``func``.

    :param func: a view function, or a handler method (then ``skip=1``).
    :param path: the URL variables of the view's rules and their
        converters; a parameter named after one is a path parameter.
    :param options: the route options; those set with
        :func:`~kolben.api.operation` on ``func`` win over them.
    :param skip: the leading positional parameters to pass through.
    :raises RouteError: two body models without ``embed``, a file or form
        parameter beside a JSON body, an unknown option.
    """
    path = path or {}
    opts = {
        **{k: v for k, v in (options or {}).items() if k in OPTION_NAMES},
        **getattr(func, OPTIONS_ATTR, {}),
    }
    if unknown := set(opts) - OPTION_NAMES:
        raise RouteError(f"{_where(func)}: unknown route options {sorted(unknown)}.")
    target = inspect.unwrap(func)
    hints = _hints(target)
    signature = inspect.signature(target)
    params = list(signature.parameters.values())[skip:]
    parameters = tuple(
        p for param in params if (p := _parameter(func, param, hints, path)) is not None
    )
    _check(func, parameters)
    return ViewSpec(func, parameters, _response_model(hints.get("return")), opts, skip)


def _hints(func: Callable[..., Any]) -> dict[str, Any]:
    """Return the resolved hints of ``func``, each resolved on its own.

    One name that only exists for type checkers (``ResponseReturnValue``'s
    ``TYPE_CHECKING`` imports, say) must not hide the others: a return
    annotation that cannot be resolved is no response model, and a
    parameter's is an error that says what to import.
    """
    try:
        return typing.get_type_hints(func, include_extras=True)
    except Exception:
        pass
    hints: dict[str, Any] = {}
    scope = getattr(func, "__globals__", {})
    for name, annotation in getattr(func, "__annotations__", {}).items():
        holder = types.SimpleNamespace(
            __annotations__={name: annotation}, __globals__=scope
        )
        try:
            hints.update(typing.get_type_hints(holder, scope, include_extras=True))
        except Exception as exc:
            if name == "return":
                continue
            raise RouteError(
                f"{_where(func)}: the type hint of {name!r} cannot be resolved"
                f" ({exc}). Import every name its annotations use at module level."
            ) from exc
    return hints


def _parameter(
    func: Callable[..., Any],
    param: inspect.Parameter,
    hints: Mapping[str, Any],
    path: Mapping[str, BaseConverter],
) -> Parameter | None:
    """Return where ``param`` comes from, or ``None`` to pass it through."""
    if param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD):
        return None
    name = param.name
    if name not in hints:
        return None  # unannotated: whatever the core passes (URL values)
    annotation, marker = _split(hints[name])
    if marker is None:
        if name in path:
            marker = new_marker("path")
        elif is_model(annotation) or _is_model_list(annotation):
            marker = new_marker("body")
        elif _is_file(annotation):
            marker = new_marker("file")
        else:
            marker = new_marker("query")
    location = marker.location
    default = param.default
    optional = default is not param.empty or _allows_none(annotation)
    if optional and default is param.empty:
        default = None
    alias = marker.alias or (name.replace("_", "-") if location == "header" else name)
    converter = path.get(name)
    validate = location != "path" or not _converted(annotation, marker, converter)
    return Parameter(
        name=name,
        location=location,
        alias=alias,
        annotation=annotation,
        required=not optional,
        default=default,
        marker=marker,
        is_list=_is_list(annotation),
        validate=validate,
    )


def _check(func: Callable[..., Any], parameters: Sequence[Parameter]) -> None:
    bodies = [p for p in parameters if p.location == "body"]
    if len(bodies) > 1 and not all(p.marker.embed for p in bodies):
        names = ", ".join(p.name for p in bodies)
        raise RouteError(
            f"{_where(func)}: the parameters {names} are all typed as models, and"
            " a request has one body. Mark each as one key of the body with"
            " Annotated[Model, Body(embed=True)], or read one from the query"
            " with Query()."
        )
    forms = [p for p in parameters if p.location in ("form", "file")]
    if bodies and forms:
        raise RouteError(
            f"{_where(func)}: a JSON body ({bodies[0].name}) and form fields"
            f" ({forms[0].name}) cannot come in one request; use one or the other."
        )


def _split(annotation: Any) -> tuple[Any, Param | None]:
    """Split ``Annotated[T, Query(), ...]``: ``Annotated[T, ...]``, the marker."""
    if get_origin(annotation) is not Annotated:
        return annotation, None
    inner, *meta = get_args(annotation)
    markers = [m for m in meta if isinstance(m, Param)]
    rest = [m for m in meta if not isinstance(m, Param)]
    if rest:
        inner = Annotated[(inner, *rest)]
    return inner, (markers[-1] if markers else None)


def _strip(annotation: Any) -> Any:
    """Return ``T`` of ``Annotated[T, ...]``."""
    while get_origin(annotation) is Annotated:
        annotation = get_args(annotation)[0]
    return annotation


def _members(annotation: Any) -> tuple[Any, ...]:
    """Return the types of a union (``None`` left out), or the type itself."""
    annotation = _strip(annotation)
    if get_origin(annotation) in (Union, types.UnionType):
        return tuple(a for a in get_args(annotation) if a is not type(None))
    return (annotation,)


def _allows_none(annotation: Any) -> bool:
    annotation = _strip(annotation)
    if annotation is None or annotation is Any:
        return True
    origin = get_origin(annotation)
    return origin in (Union, types.UnionType) and type(None) in get_args(annotation)


def is_model(annotation: Any) -> bool:
    """Tell whether ``annotation`` is a pydantic model, dataclass or TypedDict."""
    members = _members(annotation)
    if len(members) != 1:
        return False
    t = members[0]
    return isinstance(t, type) and (
        issubclass(t, BaseModel) or dataclasses.is_dataclass(t) or is_typeddict(t)
    )


def _is_list(annotation: Any) -> bool:
    return any(get_origin(m) in _LISTS or m in _LISTS for m in _members(annotation))


def _is_model_list(annotation: Any) -> bool:
    members = _members(annotation)
    if len(members) != 1 or get_origin(members[0]) not in _LISTS:
        return False
    args = get_args(members[0])
    return len(args) == 1 and is_model(args[0])


def _is_file(annotation: Any) -> bool:
    for member in _members(annotation):
        if member is FileStorage:
            return True
        if get_origin(member) in _LISTS and get_args(member) == (FileStorage,):
            return True
    return False


def _converted(annotation: Any, marker: Param, converter: BaseConverter | None) -> bool:
    """Tell whether the converter's value is already of the annotated type."""
    if converter is None or marker.constraints:
        return False
    return annotation in _CONVERTED.get(type(converter), ())


def _response_model(annotation: Any) -> Any:
    """Return the return annotation if it is a model or a list of models."""
    if annotation is None or _strip(annotation) is Response:
        return None
    if is_model(annotation) or _is_model_list(annotation):
        return annotation
    return None


def _config(annotation: Any) -> ConfigDict | None:
    """Return the adapter config for ``annotation``: none for a model class.

    pydantic refuses a config for types that carry their own (models,
    dataclasses, TypedDicts); others may hold ``FileStorage``.
    """
    return None if is_model(annotation) else _ARBITRARY


def _safe(name: str) -> str:
    return "".join(c if c.isalnum() else "_" for c in name)


def _where(func: Callable[..., Any]) -> str:
    return f"The view {getattr(func, '__qualname__', func)!r}"
