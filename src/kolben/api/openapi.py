"""The OpenAPI 3.1 document of an app, built from its rules and view specs."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

from pydantic import TypeAdapter
from pydantic.json_schema import GenerateJsonSchema

from ..http.status import HTTP_STATUS_CODES
from ..routing.converters import (
    AnyConverter,
    BaseConverter,
    FloatConverter,
    IntegerConverter,
    UUIDConverter,
)
from ..routing.parser import Variable, parse_rule
from ..routing.rules import Rule, bound_of
from ._security import Security
from .signature import ViewSpec, is_model

if TYPE_CHECKING:
    from ..app import Kolben

__all__ = ["build_document"]

REF_TEMPLATE = "#/components/schemas/{model}"
_SKIPPED_METHODS = frozenset({"HEAD", "OPTIONS"})
#: The default string converter's regex: any one segment, so no pattern.
_ANY_SEGMENT = frozenset({"[^/]{1,}", "[^/]+"})
#: The 422 body of :class:`~kolben.api.RequestValidationError`.
VALIDATION_PROBLEM = {
    "title": "ValidationProblem",
    "type": "object",
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "loc": {
                        "type": "array",
                        "items": {"anyOf": [{"type": "string"}, {"type": "integer"}]},
                    },
                    "msg": {"type": "string"},
                    "type": {"type": "string"},
                },
                "required": ["loc", "msg", "type"],
            },
        },
    },
    "required": ["type", "title", "status", "detail", "errors"],
}


#: The 400 and 415 body of :class:`~kolben.api.MalformedBody` and
#: :class:`~kolben.api.UnsupportedBody`.
PROBLEM_DETAILS = {
    "title": "ProblemDetails",
    "type": "object",
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
    },
    "required": ["type", "title", "status", "detail"],
}


def _problem_response(description: str, model: str) -> dict[str, Any]:
    schema = {"$ref": REF_TEMPLATE.format(model=model)}
    media = {"application/problem+json": {"schema": schema}}
    return {"description": description, "content": media}


#: The 422 response of a validating operation, unless the app names its own.
_DEFAULT_422 = _problem_response("Validation error", "ValidationProblem")
#: The 400 and 415 responses of an operation that reads a body.
_DEFAULT_400 = _problem_response("Malformed body", "ProblemDetails")
_DEFAULT_415 = _problem_response("Unsupported media type", "ProblemDetails")


class _Ref:
    """A schema to fill in once every schema of the document is generated."""

    __slots__ = ("key", "mode", "adapter")

    def __init__(self, key: int, mode: str, adapter: TypeAdapter[Any]) -> None:
        self.key, self.mode, self.adapter = key, mode, adapter


class _Schemas:
    """Collects the document's schemas, generated together so models are shared."""

    def __init__(self) -> None:
        self.refs: list[_Ref] = []

    def ref(self, adapter: TypeAdapter[Any], mode: str = "validation") -> _Ref:
        ref = _Ref(len(self.refs), mode, adapter)
        self.refs.append(ref)
        return ref

    def resolve(self, document: dict[str, Any]) -> dict[str, Any]:
        """Replace every ``_Ref`` in ``document``; return the components' schemas."""
        inputs = [(r.key, r.mode, r.adapter.core_schema) for r in self.refs]
        generator = GenerateJsonSchema(ref_template=REF_TEMPLATE)
        mapping, definitions = generator.generate_definitions(inputs)  # type: ignore[arg-type]
        by_key = {key: schema for (key, _mode), schema in mapping.items()}
        _fill(document, by_key)
        return {str(name): schema for name, schema in definitions.items()}


def _fill(node: Any, schemas: Mapping[int, Any]) -> None:
    items: Iterator[tuple[Any, Any]]
    if isinstance(node, dict):
        items = iter(list(node.items()))
    elif isinstance(node, list):
        items = iter(list(enumerate(node)))
    else:
        return
    for key, value in items:
        if isinstance(value, _Ref):
            node[key] = schemas[value.key]
        else:
            _fill(value, schemas)


def build_document(
    app: Kolben,
    info: dict[str, Any],
    specs: Callable[[str], dict[str, ViewSpec | None]],
    servers: list[dict[str, Any]] | None = None,
    hidden: frozenset[str] = frozenset(),
) -> dict[str, Any]:
    """Return the OpenAPI 3.1 document of ``app``'s routes.

    :param app: the application.
    :param info: the document's ``info`` object.
    :param specs: returns an endpoint's spec per method (``"*"``: all).
    :param servers: the ``servers`` list.
    :param hidden: endpoints never listed (the docs' own routes).
    """
    schemas = _Schemas()
    security = Security(app)
    tags: dict[str, None] = {}
    errors = _error_responses(app, schemas)
    paths = _paths(app, specs, hidden, schemas, security, tags, errors)
    document: dict[str, Any] = {"openapi": "3.1.0", "info": info}
    if servers:
        document["servers"] = servers
    document["paths"] = paths
    components: dict[str, Any] = {}
    definitions = schemas.resolve(document)
    used = {
        code
        for ops in paths.values()
        for op in ops.values()
        for code, response in op["responses"].items()
        if response == errors.get(code)
    }
    if "422" in used and app.config.get("API_VALIDATION_ERROR_SCHEMA") is None:
        definitions["ValidationProblem"] = VALIDATION_PROBLEM
    if used & {"400", "415"} and app.config.get("API_HTTP_ERROR_SCHEMA") is None:
        definitions["ProblemDetails"] = PROBLEM_DETAILS
    if definitions:
        components["schemas"] = dict(sorted(definitions.items()))
    if security.schemes:
        components["securitySchemes"] = security.schemes
    if components:
        document["components"] = components
    if tags:
        document["tags"] = [{"name": name} for name in tags]
    return document


def _error_responses(app: Kolben, schemas: _Schemas) -> dict[str, dict[str, Any]]:
    """Return the 422, 400 and 415 responses of operations that validate.

    ``API_VALIDATION_ERROR_SCHEMA`` (422) and ``API_HTTP_ERROR_SCHEMA`` (400,
    415) name the app's own, for an app whose error handlers answer them.
    """
    invalid = app.config.get("API_VALIDATION_ERROR_SCHEMA")
    http = app.config.get("API_HTTP_ERROR_SCHEMA")
    return {
        "422": _DEFAULT_422 if invalid is None else _response(422, invalid, schemas),
        "400": _DEFAULT_400 if http is None else _response(400, http, schemas),
        "415": _DEFAULT_415 if http is None else _response(415, http, schemas),
    }


def _paths(
    app: Kolben,
    specs: Callable[[str], dict[str, ViewSpec | None]],
    hidden: frozenset[str],
    schemas: _Schemas,
    security: Security,
    tags: dict[str, None],
    errors: dict[str, dict[str, Any]],
) -> dict[str, dict[str, Any]]:
    """Return the document's ``paths``, adding the tags used to ``tags``.

    ``errors`` are the error responses of operations that validate.
    """
    paths: dict[str, dict[str, Any]] = {}
    ids: set[str] = set()
    for rule in app.url_map.iter_rules():
        if not _listed(app, rule, hidden):
            continue
        by_method = specs(str(rule.endpoint))
        template, path_params = _path(rule)
        view = app.view_functions[str(rule.endpoint)]
        for method in sorted(set(rule.methods or ("GET",)) - _SKIPPED_METHODS):
            spec = by_method.get(method, by_method.get("*"))
            opts = {**rule.options, **(spec.options if spec else {})}
            if opts.get("include_in_schema", True) is False:
                continue
            op = _operation(rule, method, spec, opts, view, schemas, ids, errors)
            if parameters := _parameters(path_params, spec, schemas):
                op["parameters"] = parameters
            if requirement := security.of(view, spec):
                op["security"] = requirement
            tags.update(dict.fromkeys(op.get("tags", ())))
            paths.setdefault(template, {})[method.lower()] = op
    return paths


def _listed(app: Kolben, rule: Rule, hidden: frozenset[str]) -> bool:
    endpoint = rule.endpoint
    return not (
        endpoint is None
        or endpoint in hidden
        or endpoint == "static"
        or endpoint.endswith(".static")
        or endpoint not in app.view_functions
        or rule.websocket
        or rule.build_only
        or rule.redirect_to
    )


def _path(rule: Rule) -> tuple[str, list[dict[str, Any]]]:
    """Return the rule as an OpenAPI path template and its path parameters."""
    converters = bound_of(rule).converters
    parts: list[str] = []
    params: list[dict[str, Any]] = []
    for item in parse_rule(rule.rule):
        if isinstance(item, Variable):
            parts.append("{" + item.name + "}")
            converter = converters[item.name]
            schema = converter_schema(converter)
            params.append({"name": item.name, "in": "path", "required": True})
            params[-1]["schema"] = schema
        else:
            parts.append(item)
    return "".join(parts), params


def converter_schema(converter: BaseConverter) -> dict[str, Any]:
    """Return the JSON schema of the values a URL converter matches."""
    if isinstance(converter, IntegerConverter):
        schema: dict[str, Any] = {"type": "integer"}
        minimum = converter.min
        if minimum is None and not converter.signed:
            minimum = 0
        if minimum is not None:
            schema["minimum"] = minimum
        if converter.max is not None:
            schema["maximum"] = converter.max
        return schema
    if isinstance(converter, FloatConverter):
        schema = {"type": "number"}
        if converter.min is not None:
            schema["minimum"] = converter.min
        if converter.max is not None:
            schema["maximum"] = converter.max
        return schema
    if isinstance(converter, UUIDConverter):
        return {"type": "string", "format": "uuid"}
    if isinstance(converter, AnyConverter):
        return {"type": "string", "enum": sorted(converter.items)}
    if converter.part_isolating:
        if converter.regex in _ANY_SEGMENT:
            return {"type": "string"}
        return {"type": "string", "pattern": f"^{converter.regex}$"}
    return {"type": "string", "description": "A path: may contain '/'."}


def _operation(
    rule: Rule,
    method: str,
    spec: ViewSpec | None,
    opts: Mapping[str, Any],
    view: Callable[..., Any],
    schemas: _Schemas,
    ids: set[str],
    errors: dict[str, dict[str, Any]],
) -> dict[str, Any]:
    endpoint = str(rule.endpoint)
    op: dict[str, Any] = {}
    tags = opts.get("tags")
    if tags is None and "." in endpoint:
        tags = [endpoint.rpartition(".")[0]]
    if tags:
        op["tags"] = list(tags)
    summary, description = _doc(spec.func if spec else view)
    summary = opts.get("summary") or summary
    description = opts.get("description") or description
    if summary:
        op["summary"] = summary
    if description:
        op["description"] = description
    op["operationId"] = _operation_id(opts.get("operation_id") or endpoint, method, ids)
    if opts.get("deprecated"):
        op["deprecated"] = True
    if spec is not None and (body := _request_body(spec, schemas)):
        op["requestBody"] = body
    op["responses"] = _responses(spec, opts, schemas, errors)
    return op


def _operation_id(base: str, method: str, ids: set[str]) -> str:
    name = base.replace(".", "_")
    if name in ids:
        name = f"{name}_{method.lower()}"
    n = 2
    candidate = name
    while candidate in ids:
        candidate = f"{name}_{n}"
        n += 1
    ids.add(candidate)
    return candidate


def _doc(func: Callable[..., Any]) -> tuple[str | None, str | None]:
    doc = inspect.getdoc(inspect.unwrap(func))
    if not doc:
        return None, None
    summary, _, rest = doc.partition("\n")
    return summary.strip() or None, rest.strip() or None


def _parameters(
    path_params: list[dict[str, Any]], spec: ViewSpec | None, schemas: _Schemas
) -> list[dict[str, Any]]:
    params = [dict(p) for p in path_params]
    if spec is None:
        return params
    by_name = {p["name"]: p for p in params}
    for p in spec.parameters:
        if not p.marker.include_in_schema:
            continue
        if p.location == "path":
            if p.name in by_name and p.validate:
                by_name[p.name]["schema"] = schemas.ref(p.adapter())
            continue
        if p.location not in ("query", "header", "cookie"):
            continue
        param: dict[str, Any] = {"name": p.alias, "in": p.location}
        param["required"] = p.required
        param["schema"] = schemas.ref(p.adapter())
        if p.marker.description:
            param["description"] = p.marker.description
        if p.marker.deprecated:
            param["deprecated"] = True
        params.append(param)
    return params


def _request_body(spec: ViewSpec, schemas: _Schemas) -> dict[str, Any] | None:
    if spec.bodies:
        adapter = spec.body_adapter()
        assert adapter is not None
        required = any(p.required for p in spec.bodies)
        content = {"application/json": {"schema": schemas.ref(adapter)}}
        return {"required": required, "content": content}
    forms = [p for p in spec.parameters if p.location in ("form", "file")]
    if not forms:
        return None
    if (
        len(forms) == 1
        and forms[0].location == "form"
        and is_model(forms[0].annotation)
    ):
        schema: Any = schemas.ref(forms[0].adapter())
    else:
        properties: dict[str, Any] = {}
        for p in forms:
            properties[p.alias] = (
                _file_schema(p.is_list)
                if p.location == "file"
                else schemas.ref(p.adapter())
            )
        schema = {"type": "object", "properties": properties}
        if needed := [p.alias for p in forms if p.required]:
            schema["required"] = needed
    files = any(p.location == "file" for p in forms)
    media = "multipart/form-data" if files else "application/x-www-form-urlencoded"
    return {
        "required": any(p.required for p in forms),
        "content": {media: {"schema": schema}},
    }


def _file_schema(many: bool) -> dict[str, Any]:
    one = {"type": "string", "contentMediaType": "application/octet-stream"}
    return {"type": "array", "items": one} if many else one


def _responses(
    spec: ViewSpec | None,
    opts: Mapping[str, Any],
    schemas: _Schemas,
    errors: dict[str, dict[str, Any]],
) -> dict[str, Any]:
    status = str(opts.get("status_code") or 200)
    main: dict[str, Any] = {
        "description": opts.get("response_description")
        or HTTP_STATUS_CODES.get(int(status), "Response")
    }
    if spec is not None and spec.response_adapter is not None:
        ref = schemas.ref(spec.response_adapter, "serialization")
        main["content"] = {"application/json": {"schema": ref}}
    responses: dict[str, Any] = {status: main}
    for code, value in (opts.get("responses") or {}).items():
        responses[str(code)] = _response(int(code), value, schemas)
    bodies = spec.bodies if spec is not None else ()
    params = spec.parameters if spec is not None else ()
    if bodies or any(p.validate for p in params):
        responses.setdefault("422", _copy(errors["422"]))
    if bodies:  # a body that is not JSON, or not valid JSON
        responses.setdefault("400", _copy(errors["400"]))
    if bodies or any(p.location in ("form", "file") for p in params):
        responses.setdefault("415", _copy(errors["415"]))
    return responses


def _copy(response: dict[str, Any]) -> dict[str, Any]:
    """Return a response object whose dicts are the operation's own."""
    return {
        key: _copy(value) if isinstance(value, dict) else value
        for key, value in response.items()
    }


def _response(code: int, value: Any, schemas: _Schemas) -> dict[str, Any]:
    """Return one entry of ``responses=``: a model, a description or an object.

    A model is sent as ``application/json``; ``(model, media_type)`` names
    another type, such as ``application/problem+json`` for error details.
    """
    if isinstance(value, dict):
        return value
    if isinstance(value, str):
        return {"description": value}
    media_type = "application/json"
    if isinstance(value, tuple):
        value, media_type = value
    ref = schemas.ref(TypeAdapter(value), "serialization")
    return {
        "description": HTTP_STATUS_CODES.get(code, "Response"),
        "content": {media_type: {"schema": ref}},
    }
